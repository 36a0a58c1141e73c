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

Text checks register themselves with :func:`text_check`; audio checks (delivery, pauses)
build their findings with :meth:`Rule.finding`. Users override thresholds or disable rules
through :mod:`analyzer.config`.
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any, Callable

from analyzer.datatypes import Finding

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


def _read_rule_files() -> list[dict[str, Any]]:
    entries = []
    for item in sorted(resources.files("analyzer.rules.data").iterdir(), key=lambda p: p.name):
        if item.name.endswith(".toml"):
            entries.extend(tomllib.loads(item.read_text(encoding="utf-8")).get("rule", []))
    return entries


@functools.lru_cache(maxsize=1)
def all_rules() -> dict[str, Rule]:
    """Every declared rule by id, in declaration order."""
    rules: dict[str, Rule] = {}
    for entry in _read_rule_files():
        rule = Rule(**entry)
        if rule.id in rules:
            raise ValueError(f"rule {rule.id} is declared twice")
        if rule.severity not in SEVERITIES:
            raise ValueError(f"rule {rule.id}: severity must be one of {SEVERITIES}")
        rules[rule.id] = rule
    return rules


def rule(rule_id: str) -> Rule:
    """The declared rule with this id (KeyError names the id when it is not declared)."""
    return all_rules()[rule_id]


TextCheck = Callable[..., list[Finding]]
TEXT_CHECKS: dict[str, TextCheck] = {}


def text_check(*rule_ids: str) -> Callable[[TextCheck], TextCheck]:
    """Register a function as the check that produces findings for these rule ids."""

    def register(func: TextCheck) -> TextCheck:
        for rule_id in rule_ids:
            if rule_id in TEXT_CHECKS:
                raise ValueError(f"two checks registered for {rule_id}")
            TEXT_CHECKS[rule_id] = func
        return func

    return register
