"""The JSON schema of the scorecard, generated from the type declarations.

What :func:`analyzer.serialise.to_json_dict` writes is decided by the dataclasses' fields, their
metadata and their ``JSON_EXTRA``; this module reads the same declarations (type hints, Literal
values, ``schema`` metadata, the return types of the extras) so that the schema cannot drift from
the JSON. ``python -m analyzer.schema`` (``make schema``) rewrites analyzer/data/scorecard.schema.json.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from pathlib import Path
from typing import Any, Literal, Union

from analyzer.serialise import json_extra, type_hints
from analyzer.types import Scorecard

SCHEMA_PATH = Path(__file__).parent / "data" / "scorecard.schema.json"
_SIMPLE = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}


def card_schema() -> dict[str, Any]:
    """The JSON schema (draft 2020-12) of ``Scorecard.to_dict()``, every nested type under ``$defs``."""
    defs: dict[str, Any] = {}
    root = _object(Scorecard, defs)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "pitch-analyzer/scorecard.schema.json",
            "title": "pitch-analyzer scorecard", **root, "$defs": dict(sorted(defs.items()))}


def schema_text() -> str:
    """The schema file's content."""
    return json.dumps(card_schema(), indent=2, ensure_ascii=False) + "\n"


def _object(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    """An object schema of a dataclass: its fields (``detail`` ones optional) and its declared extras."""
    hints = type_hints(cls)
    properties, required = {}, []
    for f in dataclasses.fields(cls):
        properties[f.name] = _constrain(_type(hints[f.name], defs), f.metadata.get("schema", {}))
        if not f.metadata.get("detail"):
            required.append(f.name)
    for name in json_extra(cls):
        properties[name] = _type(typing.get_type_hints(getattr(cls, name).fget)["return"], defs)
        required.append(name)
    doc = (cls.__doc__ or "").strip().splitlines()
    return {"description": doc[0] if doc else cls.__name__, "type": "object", "required": required,
            "additionalProperties": False, "properties": properties}


def _type(hint: Any, defs: dict[str, Any]) -> dict[str, Any]:
    """The schema of one type hint (nested dataclasses go into ``defs`` and are referenced)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return {}
    if hint in _SIMPLE:
        return {"type": _SIMPLE[hint]}
    if origin is Literal:
        return {"enum": list(args)}
    if origin in (Union, types.UnionType):
        members = [_type(a, defs) for a in args]
        if all(set(m) == {"type"} for m in members):
            return {"type": [m["type"] for m in members]}
        return {"anyOf": members}
    if origin in (tuple, list):
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return {"type": "array", "prefixItems": [_type(a, defs) for a in args], "items": False}
        return {"type": "array", "items": _type(args[0], defs) if args else {}}
    if origin is dict:
        return {"type": "object", "additionalProperties": _type(args[1], defs)}
    if getattr(hint, "__name__", "") == "ndarray":  # floats, NaN written as null
        return {"type": "array", "items": {"type": ["number", "null"]}}
    if dataclasses.is_dataclass(hint):
        if hint.__name__ not in defs:
            defs[hint.__name__] = {}  # taken before recursing: a type may hold itself
            defs[hint.__name__] = _object(hint, defs)
        return {"$ref": f"#/$defs/{hint.__name__}"}
    raise TypeError(f"no JSON schema for {hint!r}")


def _constrain(schema: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with the field's extra keywords applied to its values (an array's items, a mapping's values)."""
    if not extra:
        return schema
    for inner in ("items", "additionalProperties"):
        if isinstance(schema.get(inner), dict):
            return {**schema, inner: _constrain(schema[inner], extra)}
    return {**schema, **extra}


if __name__ == "__main__":
    SCHEMA_PATH.write_text(schema_text(), encoding="utf-8")
    print(SCHEMA_PATH)
