"""One JSON mechanism for every data type that crosses the pipeline's stages.

The types are plain frozen dataclasses; what their JSON holds is declared on them once, and the
JSON schema (:mod:`analyzer.schema`) is generated from the same declarations:

- every field is written under its own name; tuples become lists, numpy values plain numbers,
  NaN and infinities ``null``;
- ``field(metadata={"round": 3})``: the decimals a float (or the floats inside the field) is written with;
- ``field(metadata={"detail": True})``: written only by ``to_json_dict(obj, detail=True)`` (bulky
  arrays, such as a pitch contour kept for plots);
- ``field(metadata={"schema": {...}})``: extra JSON-schema keywords for the field (bounds, patterns);
- ``JSON_EXTRA`` on the class: derived values (properties) the JSON carries too, as a tuple of names
  or a dict of name -> metadata (``{"duration": {"round": 3}}``); reading ignores them;
- ``JSON_TYPES_FROM`` on the class: ``{name: module}`` for type hints naming a type of a later stage
  that the class's module may only import for type checking (it imports this module).

:func:`from_json_dict` reads a type back, driven by its type hints: unknown keys are ignored, missing
keys take the field's default, and a value of the wrong type raises ``ValueError``.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import math
import sys
import types
import typing
from typing import Any, Literal, Union


def to_json_dict(obj: Any, *, detail: bool = False) -> Any:
    """``obj`` (a dataclass, or containers of them) as plain JSON values: dict, list, str, int, float,
    bool, None. Fields marked ``detail`` are left out unless ``detail`` is true."""
    return _encode(obj, detail, None)


def json_extra(cls: type) -> dict[str, dict[str, Any]]:
    """The derived values ``cls`` declares for its JSON, as name -> metadata."""
    extra = getattr(cls, "JSON_EXTRA", ())
    return dict(extra) if isinstance(extra, dict) else {name: {} for name in extra}


def _encode(value: Any, detail: bool, digits: int | None) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: _encode(getattr(value, f.name), detail, f.metadata.get("round"))
               for f in dataclasses.fields(value) if detail or not f.metadata.get("detail")}
        for name, meta in json_extra(type(value)).items():
            out[name] = _encode(getattr(value, name), detail, meta.get("round"))
        return out
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, dict):
        return {str(k): _encode(v, detail, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v, detail, digits) for v in value]
    numpy = sys.modules.get("numpy")  # no numpy value can exist before numpy is imported
    if numpy is not None and isinstance(value, (numpy.ndarray, numpy.generic)):
        return _encode(value.tolist(), detail, digits)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return round(value, digits) if digits is not None else float(value)
    raise TypeError(f"cannot write a {type(value).__name__} as JSON")


@functools.cache
def type_hints(cls: type) -> dict[str, Any]:
    """The resolved type hints of ``cls`` (names of later stages looked up through ``JSON_TYPES_FROM``)."""
    later = {name: getattr(importlib.import_module(module), name)
             for name, module in getattr(cls, "JSON_TYPES_FROM", {}).items()}
    return typing.get_type_hints(cls, localns=later)


def from_json_dict(cls: type, data: Any) -> Any:
    """The ``cls`` instance that :func:`to_json_dict` wrote as ``data`` (values rounded as written)."""
    if not isinstance(data, dict):
        raise ValueError(f"{cls.__name__}: expected an object, got {type(data).__name__}")
    hints = type_hints(cls)
    values = {}
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        if f.name in data:
            values[f.name] = _decode(hints[f.name], data[f.name], f"{cls.__name__}.{f.name}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise ValueError(f"{cls.__name__}: missing {f.name!r}")
    return cls(**values)


def _decode(hint: Any, value: Any, where: str) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return value
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        for arg in args:
            if arg is not type(None) and _fits(arg, value):
                return _decode(arg, value, where)
        raise ValueError(f"{where}: {value!r} is none of {hint}")
    if origin is Literal:
        if value not in args:
            raise ValueError(f"{where}: {value!r} is not one of {args}")
        return value
    if dataclasses.is_dataclass(hint):
        return from_json_dict(hint, value)
    if origin in (tuple, list):
        if not isinstance(value, list):
            raise ValueError(f"{where}: expected a list, got {type(value).__name__}")
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return tuple(_decode(a, v, where) for a, v in zip(args, value, strict=True))
        items = [_decode(args[0] if args else Any, v, where) for v in value]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        if not isinstance(value, dict):
            raise ValueError(f"{where}: expected an object, got {type(value).__name__}")
        return {k: _decode(args[1] if args else Any, v, where) for k, v in value.items()}
    if getattr(hint, "__name__", "") == "ndarray":
        import numpy as np

        return np.asarray([math.nan if v is None else v for v in value], dtype=float)
    if hint is float and value is None:  # NaN was written as null
        return math.nan
    if not _fits(hint, value):
        raise ValueError(f"{where}: expected {getattr(hint, '__name__', hint)}, got {value!r}")
    return float(value) if hint is float else value


def _fits(hint: Any, value: Any) -> bool:
    """Whether a JSON ``value`` can be read as ``hint`` (deciding between the members of a union)."""
    origin = typing.get_origin(hint)
    if origin is Literal:
        return value in typing.get_args(hint)
    if dataclasses.is_dataclass(hint) or origin is dict:
        return isinstance(value, dict)
    if origin in (tuple, list) or getattr(hint, "__name__", "") == "ndarray":
        return isinstance(value, list)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return hint is Any or (isinstance(hint, type) and isinstance(value, hint))
