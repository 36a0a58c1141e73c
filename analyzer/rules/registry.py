"""The rule registry: every rule's metadata is data (``data/*.toml``), checks are functions.

A rule is declared once in a TOML file under ``analyzer/rules/data/``::

    [[rule]]
    id = "delivery.too-fast"
    dimension = "delivery"
    severity = "warning"            # error | warning | info
    message = "Speaking at {value:.0f} words per minute"
    suggestion = "Slow down to 150-160 wpm ..."
    threshold = 180                 # optional; number or string
    source = "..."                  # where the threshold comes from
    why = "..."                     # what it checks and why it matters (``analyzer rules``)
    example = "..."                 # optional: a line that triggers it
    [rule.params]                   # optional: settings of the check (phrase lists, windows)
    kind = "existence"              # phrase rules: existence | substitution | occurrence

Every check is a function registered for its rule ids, :func:`text_check` for the words and
:func:`audio_check` for a recording's measurements; both receive the effective rules (the
user's thresholds applied) and build findings with :meth:`Rule.finding`. Users override
thresholds or disable rules through :mod:`analyzer.config`.
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Callable

from analyzer.types import Finding

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Rule:
    """Metadata of one rule, as declared in a data file."""

    id: str
    dimension: str
    severity: str
    message: str
    suggestion: str
    why: str = ""
    threshold: float | str | None = None
    source: str = ""
    example: str = ""
    # settings of the check: phrase lists, windows (treat as read-only; not part of equality)
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def finding(self, **evidence: Any) -> Finding:
        """A Finding of this rule; ``message``/``suggestion`` are formatted with the evidence."""
        fields = {f.name for f in dataclasses.fields(Finding)}
        unknown = set(evidence) - fields - {"context"}
        if unknown:
            raise TypeError(f"unknown evidence for {self.id}: {sorted(unknown)}")
        values = {"threshold": self.threshold, **evidence}
        context = {**values, **values.pop("context", {})}
        return Finding(
            rule=self.id,
            dimension=self.dimension,
            severity=self.severity,
            message=self.message.format(**context),
            suggestion=self.suggestion.format(**context),
            source=self.source,
            **values,
        )


def _arrays_as_tuples(value: Any) -> Any:
    """Parsed TOML with arrays as tuples (hashable pattern lists; tables stay dicts for asdict/JSON)."""
    if isinstance(value, dict):
        return {k: _arrays_as_tuples(v) for k, v in value.items()}
    if isinstance(value, list):
        return tuple(_arrays_as_tuples(v) for v in value)
    return value


def parse_rules(text: str, origin: str = "<string>") -> list[Rule]:
    """The rules declared in one TOML document (``[[rule]]`` entries); ``origin`` names it in errors."""
    names = {f.name for f in dataclasses.fields(Rule)}
    rules = []
    for entry in tomllib.loads(text).get("rule", []):
        unknown = set(entry) - names
        if unknown:
            raise ValueError(f"{origin}: rule {entry.get('id')}: unknown keys {sorted(unknown)}")
        rule = Rule(**{**entry, "params": _arrays_as_tuples(entry.get("params", {}))})
        if rule.severity not in SEVERITIES:
            raise ValueError(f"{origin}: rule {rule.id}: severity must be one of {SEVERITIES}")
        rules.append(rule)
    return rules


def read_rules(path: Path) -> list[Rule]:
    """The rules declared in a TOML file (a user's phrase pack, say)."""
    return parse_rules(Path(path).read_text(encoding="utf-8"), str(path))


def merge_rules(rules: Mapping[str, Rule], extra: list[Rule]) -> dict[str, Rule]:
    """``rules`` plus ``extra``; an id declared twice is an error."""
    merged = dict(rules)
    for rule in extra:
        if rule.id in merged:
            raise ValueError(f"rule {rule.id} is declared twice")
        merged[rule.id] = rule
    return merged


@functools.lru_cache(maxsize=1)
def all_rules() -> dict[str, Rule]:
    """Every rule declared in the package's data files, by id, in declaration order."""
    rules: dict[str, Rule] = {}
    for item in sorted(resources.files("analyzer.rules.data").iterdir(), key=lambda p: p.name):
        if item.name.endswith(".toml"):
            rules = merge_rules(rules, parse_rules(item.read_text(encoding="utf-8"), item.name))
    return rules


def rule(rule_id: str) -> Rule:
    """The declared rule with this id (KeyError names the id when it is not declared)."""
    return all_rules()[rule_id]


# A check is called as ``check(subject, rules)`` with ``rules`` the effective rules by id (the
# Config's threshold overrides applied) and returns the findings of the rule ids it was
# registered for. A text check's subject is an analyzer.text.document.Document; an audio check's
# is the analyzer.types.Measures of a recording (transcript, channels, delivery, conversation).
Check = Callable[..., list[Finding]]
TEXT_CHECKS: dict[str, Check] = {}
AUDIO_CHECKS: dict[str, Check] = {}
# audio checks that decide whether the words can be scored at all (no speech, not English)
GATE_CHECKS: dict[str, Check] = {}


def _register(table: dict[str, Check], rule_ids: tuple[str, ...]) -> Callable[[Check], Check]:
    def register(func: Check) -> Check:
        for rule_id in rule_ids:
            if rule_id in TEXT_CHECKS or rule_id in AUDIO_CHECKS or rule_id in GATE_CHECKS:
                raise ValueError(f"two checks registered for {rule_id}")
            table[rule_id] = func
        return func

    return register


def text_check(*rule_ids: str) -> Callable[[Check], Check]:
    """Register a function as the check that produces findings for these rule ids from the text."""
    return _register(TEXT_CHECKS, rule_ids)


def audio_check(*rule_ids: str, gate: bool = False) -> Callable[[Check], Check]:
    """Register a function as the check that produces findings for these rule ids from a
    recording's measurements; ``gate`` checks run first and stop the scoring when they fire."""
    return _register(GATE_CHECKS if gate else AUDIO_CHECKS, rule_ids)


@functools.lru_cache(maxsize=None)
def cues(filename: str) -> Mapping[str, Any]:
    """The ``[cues]`` table of a package data file: word lists a check shares between rules."""
    text = resources.files("analyzer.rules.data").joinpath(filename).read_text(encoding="utf-8")
    return _arrays_as_tuples(tomllib.loads(text).get("cues", {}))
