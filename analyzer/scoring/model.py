"""Findings and features → the calibrated overall score, dimension scores and fix-first order.

The overall score is 100 × the probability that a trainer would keep the pitch, from the logistic
regression that ``make fit`` (:mod:`analyzer.scoring.fit`) writes to ``scoring/data/model.json``;
evaluated here with numpy only. Audio findings (delivery, pauses, conversation) shift the logit by
a prior per severity stored in the same file, since there is no labelled audio to fit them on.

- A **dimension score** is ``200 × sigmoid(Δ)``, where Δ (≤ 0) is the logit the pitch loses
  through that dimension's features, each measured from its value with its problems fixed: the
  probability an even (50/50) pitch would keep with only this dimension's problems, doubled. 100
  when the dimension costs nothing; a loss of 1.1 on the logit scale gives 50.
- A finding's **points** are what fixing it alone wins back: 100 × (P with that finding's
  features fixed − P). Findings are ordered by the logit each fix gains (the same order as the
  points, and still meaningful where a very weak pitch makes every single fix worth ~0 points).

Grades and the pass mark stay in ``analyzer/data/scoring.toml``.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np

from analyzer.scoring.features import NAMES, all_fixed, fixed, model_inputs, owner, pitch_features, sentence_roles
from analyzer.types import Finding, Word

# the dimensions every card from a script shows, and those a recording adds (scoring.toml [dimensions])
_SHOWN = tomllib.loads(resources.files("analyzer.data").joinpath("scoring.toml").read_text(encoding="utf-8"))["dimensions"]
TEXT_DIMENSIONS: tuple[str, ...] = tuple(_SHOWN["text"])
AUDIO_DIMENSIONS: tuple[str, ...] = tuple(_SHOWN["audio"])


@dataclass(frozen=True)
class ScoringModel:
    """The parsed ``scoring.toml``: grade bands, the pass mark, and the order dimensions are shown in."""

    grades: dict[str, float]
    pass_score: float
    dimensions: tuple[str, ...]


@dataclass(frozen=True)
class FittedModel:
    """The parsed ``model.json``: standardised logistic regression weights, in ``NAMES`` order."""

    intercept: float
    coef: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    # the dimension of each feature (None for baselines such as the kind)
    dimension: tuple[str | None, ...]
    # logit change per audio finding, by severity, and the dimensions it applies to
    audio_logit: dict[str, float]
    audio_dimensions: frozenset[str]


@dataclass(frozen=True)
class Judgment:
    """What the model says about one pitch."""

    overall: float
    dimensions: dict[str, float]
    # fix-first order, each with ``points`` set
    findings: tuple[Finding, ...]


@functools.lru_cache(maxsize=1)
def scoring_model() -> ScoringModel:
    data = tomllib.loads(resources.files("analyzer.data").joinpath("scoring.toml").read_text(encoding="utf-8"))
    return ScoringModel(grades=dict(sorted(data["grades"].items(), key=lambda kv: -kv[1])),
                        pass_score=data["pass"]["min_score"], dimensions=tuple(data["dimensions"]["order"]))


@functools.lru_cache(maxsize=1)
def fitted_model() -> FittedModel:
    data = json.loads(resources.files("analyzer.scoring.data").joinpath("model.json").read_text(encoding="utf-8"))
    features = {f["name"]: f for f in data["features"]}
    if tuple(features) != NAMES:
        raise RuntimeError("analyzer/scoring/data/model.json does not match the feature list: run `make fit`")
    column = lambda key: np.array([features[n][key] for n in NAMES], dtype=float)  # noqa: E731
    return FittedModel(intercept=float(data["intercept"]), coef=column("coef"), mean=column("mean"),
                       scale=column("scale"), dimension=tuple(features[n]["dimension"] for n in NAMES),
                       audio_logit=data["audio_prior"]["logit_per_finding"],
                       audio_dimensions=frozenset(data["audio_prior"]["dimensions"]))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def _terms(values: dict[str, float], model: FittedModel) -> np.ndarray:
    """Each feature's term of the logit."""
    return model.coef * (model_inputs(values) - model.mean) / model.scale


def _audio_logit(findings: Iterable[Finding], model: FittedModel) -> float:
    return sum(model.audio_logit.get(f.severity, 0.0) for f in findings if f.dimension in model.audio_dimensions)


def judge(text: str, findings: Sequence[Finding], *, kind: str, dimensions: Sequence[str],
          words: Sequence[Word] | None = None, sentences: list | None = None) -> Judgment:
    """Score one pitch: overall, each of ``dimensions``, and its findings in fix-first order."""
    model = fitted_model()
    sentences = sentences if sentences is not None else sentence_roles(text, words)
    values = pitch_features(text, findings, kind=kind, words=words, sentences=sentences)
    terms = _terms(values, model)
    z = model.intercept + float(terms.sum()) + _audio_logit(findings, model)
    p = _sigmoid(z)
    lost = terms - _terms(all_fixed(values), model)
    scores = {}
    for name in dimensions:
        delta = sum(t for t, d in zip(lost, model.dimension) if d == name)
        delta += _audio_logit((f for f in findings if f.dimension == name), model)
        scores[name] = min(100.0, 200.0 * _sigmoid(delta))
    return Judgment(overall=100.0 * p, dimensions=scores, findings=tuple(fix_first(findings, values, terms, z)))


def _logit_gain(finding: Finding, values: dict[str, float], terms: np.ndarray, model: FittedModel) -> float:
    """How much fixing ``finding`` raises the logit (0 when the model does not weigh it); ``terms``
    are the pitch's logit terms as it stands."""
    if finding.dimension in model.audio_dimensions:
        return -model.audio_logit.get(finding.severity, 0.0)
    if owner(finding.rule) is None:
        return 0.0
    return float((_terms(fixed(values, finding.rule), model) - terms).sum())


def fix_first(findings: Sequence[Finding], values: dict[str, float], terms: np.ndarray, z: float) -> list[Finding]:
    """Findings with their points (100 × the probability gained by fixing that finding alone), most
    first. Ordered by the logit gained, which ranks like the points but still separates the fixes of
    a pitch so far below 50 that each alone wins back less than a tenth of a point."""
    model = fitted_model()
    gains = [_logit_gain(f, values, terms, model) for f in findings]
    scored = [dataclasses.replace(f, points=round(100.0 * (_sigmoid(z + g) - _sigmoid(z)), 2))
              for f, g in zip(findings, gains)]
    order = sorted(range(len(scored)), key=lambda i: (-gains[i], scored[i].start or 0.0, i))
    return [scored[i] for i in order]


def grade(score: float) -> str:
    """Letter grade for an overall score."""
    return next(letter for letter, floor in scoring_model().grades.items() if score >= floor)


def passes(score: float) -> bool:
    return score >= scoring_model().pass_score
