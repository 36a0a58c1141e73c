"""User settings for the rules: disable rules, override thresholds, add phrase packs.

Read from ``analyzer.toml`` or the ``[tool.analyzer]`` table of ``pyproject.toml``, in
the current directory or the nearest parent that has one (``analyzer.toml`` first)::

    disable = ["cliche.hedges", "structure.too-short"]
    packs = ["sales/our-banned-phrases.toml"]     # relative to the settings file

    [thresholds]
    "structure.too-long" = 45
    "delivery.too-fast" = 190

A pack file holds ``[[rule]]`` entries exactly like ``analyzer/rules/data/*.toml``
(phrase rules: see :mod:`analyzer.rules.phrases`). Settings apply to every rule, text
and audio alike: checks look thresholds up with :meth:`Config.rule`, and
:meth:`Config.apply` drops the findings of disabled rules.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import stat
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from analyzer.types import Finding
from analyzer.errors import InputError
from analyzer.rules.registry import Rule, all_rules, merge_rules, read_rules

KEYS = ("disable", "thresholds", "packs")


@dataclass(frozen=True)
class Config:
    """Rule settings; the default instance means "every rule on, default thresholds"."""

    # ids of rules switched off
    disabled: frozenset[str] = frozenset()
    # threshold overrides by rule id
    thresholds: Mapping[str, float | str] = field(default_factory=dict, hash=False)
    # extra rule files (phrase packs)
    packs: tuple[Path, ...] = ()
    # where the settings were read from (None for defaults), named in error messages
    path: Path | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "disabled", frozenset(self.disabled))
        object.__setattr__(self, "thresholds", MappingProxyType(dict(self.thresholds)))
        object.__setattr__(self, "packs", tuple(Path(p) for p in self.packs))
        declared, where = _declared_rules(self.packs), self.path or "settings"
        for rule_id in sorted(self.disabled | set(self.thresholds)):
            if rule_id not in declared:
                raise InputError(f"{where}: unknown rule id {rule_id!r} (see `analyzer rules`)")
        for rule_id, value in self.thresholds.items():
            numeric = isinstance(declared[rule_id].threshold, (int, float))
            if numeric and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise InputError(f"{where}: threshold of {rule_id} must be a number, not {value!r}")
            if numeric and not math.isfinite(value):
                raise InputError(f"{where}: threshold of {rule_id} must be a finite number, not {value!r}")
            if numeric and value < 0 <= declared[rule_id].threshold:
                raise InputError(f"{where}: threshold of {rule_id} must not be negative, not {value!r}")

    def __reduce__(self):
        """Pickle by value (batch workers receive the Config, not a path to read again)."""
        return (Config, (self.disabled, dict(self.thresholds), self.packs, self.path))

    def settings(self) -> dict:
        """The settings as plain JSON data (part of a batch's resume key)."""
        return {"disable": sorted(self.disabled), "thresholds": dict(sorted(self.thresholds.items())),
                "packs": [str(p) for p in self.packs], "path": str(self.path) if self.path else None}

    def origin(self, rule_id: str) -> str:
        """Where the rule's effective settings come from: this settings file, a pack, or "default"."""
        if rule_id in self.thresholds or rule_id in self.disabled:
            return str(self.path or "settings")
        for pack in self.packs:
            if any(rule.id == rule_id for rule in read_rules(pack)):
                return str(pack)
        return "default"

    def rules(self) -> dict[str, Rule]:
        """Every rule (built in and from packs) with threshold overrides applied, by id."""
        return dict(_effective_rules(self))

    def rule(self, rule_id: str) -> Rule:
        """One effective rule: use its ``threshold`` and ``finding()`` in checks."""
        return _effective_rules(self)[rule_id]

    def enabled(self, rule_id: str) -> bool:
        return rule_id not in self.disabled

    def apply(self, findings: Iterable[Finding]) -> list[Finding]:
        """The findings whose rules are enabled."""
        return [f for f in findings if self.enabled(f.rule)]


@functools.lru_cache(maxsize=16)
def _declared_rules(packs: tuple[Path, ...]) -> Mapping[str, Rule]:
    """The built-in rules plus those of the pack files, as declared."""
    from analyzer.rules import phrases  # a pack's phrase rules are checked when loaded

    rules = dict(all_rules())
    for pack in packs:
        try:
            extra = read_rules(pack)
            for rule in extra:
                if phrases.is_phrase_rule(rule):
                    phrases.validate(rule)
            rules = merge_rules(rules, extra)
        except (OSError, ValueError, tomllib.TOMLDecodeError) as error:
            raise InputError(f"{pack}: {error}") from None
    return MappingProxyType(rules)


@functools.lru_cache(maxsize=16)
def _effective_rules(config: Config) -> Mapping[str, Rule]:
    """The declared rules with the config's threshold overrides applied."""
    rules = dict(_declared_rules(config.packs))
    for rule_id, value in config.thresholds.items():
        rules[rule_id] = dataclasses.replace(rules[rule_id], threshold=value)
    return MappingProxyType(rules)


def _from_table(table: Mapping, path: Path) -> Config:
    """A Config from a settings table, each key checked for its shape: one line naming the file and key."""
    if not isinstance(table, Mapping):
        raise InputError(f"{path}: the settings must be a table (key = value lines), not {table!r}")
    unknown = set(table) - set(KEYS)
    if unknown:
        raise InputError(f"{path}: unknown settings {sorted(unknown)}; known: {list(KEYS)}")
    disable = _strings(table.get("disable", []), path, "disable", "rule ids")
    packs = [path.parent / p for p in _strings(table.get("packs", []), path, "packs", "file names")]
    thresholds = table.get("thresholds", {})
    if not isinstance(thresholds, Mapping):
        raise InputError(f"{path}: 'thresholds' must be a table of rule id = number, not {thresholds!r}")
    return Config(frozenset(disable), dict(thresholds), tuple(packs), path)


def _strings(value: object, path: Path, key: str, what: str) -> list[str]:
    """``value`` if it is a list of strings (``disable = "x"`` would otherwise be read as characters)."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{path}: '{key}' must be a list of {what} in quotes, e.g. {key} = [\"...\"], not {value!r}")
    return value


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a UTF-8 text file (a TOML settings file is text)") from None
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise InputError(f"{path}: {error}") from None


def load_config(start: Path | None = None) -> Config:
    """Settings from the nearest ``analyzer.toml`` or ``pyproject.toml [tool.analyzer]``.

    Looks in ``start`` (default: the current directory) and then its parents; returns
    the default :class:`Config` when none is found.
    """
    folder = Path(start or Path.cwd()).resolve()
    if folder.is_file():
        folder = folder.parent
    for directory in (folder, *folder.parents):
        for path in (directory / "analyzer.toml", directory / "pyproject.toml"):
            try:
                info = path.stat()
            except OSError:
                continue
            config = _settings_in(path, info.st_mtime_ns, info.st_size) if stat.S_ISREG(info.st_mode) else None
            if config is not None:
                return config
    return Config()


@functools.lru_cache(maxsize=32)
def _settings_in(path: Path, mtime_ns: int, size: int) -> Config | None:
    """The settings ``path`` holds (None: a pyproject.toml without [tool.analyzer]), read again only
    when the file changes: the API looks them up for every script, and parsing a pyproject.toml each
    time was ~1.5 ms of a 30 ms script."""
    if path.name == "analyzer.toml":
        return _from_table(_read(path), path)
    table = _read(path).get("tool", {}).get("analyzer")
    return None if table is None else _from_table(table, path)
