"""Findings → dimension scores 0–100 → overall score and letter grade; weights in data.

The rules live in ``analyzer/data/scoring.toml`` (weights, severity penalties, grade bands), so
that the scoring can be tuned without touching code. Findings are ordered "fix first" by how many
overall points fixing them would win back.
"""

from __future__ import annotations

import functools
import tomllib
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from typing import Iterable

from analyzer.types import Finding

TEXT_DIMENSIONS = ("cliches", "value", "structure")
AUDIO_DIMENSIONS = ("delivery", "pauses")


@dataclass(frozen=True)
class ScoringModel:
    """The parsed ``scoring.toml``."""

    weights: dict[str, float]
    penalties: dict[str, float]
    repeat_share: float
    max_repeats: int
    grades: dict[str, float]
    pass_score: float


@functools.lru_cache(maxsize=1)
def scoring_model() -> ScoringModel:
    data = tomllib.loads(resources.files("analyzer.data").joinpath("scoring.toml").read_text(encoding="utf-8"))
    return ScoringModel(
        weights=data["weights"],
        penalties=data["penalties"],
        repeat_share=data["repeats"]["share"],
        max_repeats=data["repeats"]["max_repeats"],
        grades=dict(sorted(data["grades"].items(), key=lambda kv: -kv[1])),
        pass_score=data["pass"]["min_score"],
    )


def finding_costs(findings: Iterable[Finding], model: ScoringModel | None = None) -> list[float]:
    """Points each finding takes off its dimension (repeats of a rule cost less, then nothing)."""
    model = model or scoring_model()
    seen: Counter[str] = Counter()
    costs = []
    for finding in findings:
        repeat = seen[finding.rule]
        seen[finding.rule] += 1
        share = 1.0 if repeat == 0 else (model.repeat_share if repeat <= model.max_repeats else 0.0)
        costs.append(model.penalties[finding.severity] * share)
    return costs


def dimension_scores(findings: list[Finding], dimensions: Iterable[str]) -> dict[str, float]:
    """Each dimension's score: 100 minus the costs of its findings, never below 0."""
    lost: Counter[str] = Counter()
    for finding, cost in zip(findings, finding_costs(findings)):
        lost[finding.dimension] += cost
    return {name: max(0.0, 100.0 - lost[name]) for name in dimensions}


def overall_score(dimensions: dict[str, float]) -> float:
    """Weighted mean of the dimensions present."""
    weights = scoring_model().weights
    total = sum(weights[name] for name in dimensions)
    return sum(score * weights[name] for name, score in dimensions.items()) / total


def grade(score: float) -> str:
    """Letter grade for an overall score."""
    return next(letter for letter, floor in scoring_model().grades.items() if score >= floor)


def passes(score: float) -> bool:
    return score >= scoring_model().pass_score


def fix_first(findings: list[Finding], dimensions: dict[str, float]) -> list[Finding]:
    """Findings ordered by the overall points fixing each would win back, most first."""
    weights = scoring_model().weights
    total = sum(weights[name] for name in dimensions) or 1.0
    gains = [cost * weights.get(f.dimension, 0.0) / total for f, cost in zip(findings, finding_costs(findings))]
    order = sorted(range(len(findings)), key=lambda i: (-gains[i], findings[i].start or 0.0, i))
    return [findings[i] for i in order]
