"""Fit the scoring model on the development set and write ``analyzer/scoring/data/model.json``.

``python -m analyzer.scoring.fit [tests/data/pitches]`` (``make fit``). A logistic regression of
"a trainer would keep this pitch" (verdict good = 1, bad = 0) on the features of
:mod:`analyzer.scoring.features`, standardised. Borderline pitches are left out of the fit: a
trainer calling a pitch borderline says neither "keep" nor "bin", and giving them a label of 0 or 1
would teach the model a verdict nobody gave; they are scored afterwards and should land between
the two (``make eval`` shows it). The regularisation strength is chosen by cross-validation grouped
by style family (the one-standard-error rule on the log loss), so the figures stored with the
coefficients measure how the model does on a style it has never seen. Needs scikit-learn (the
``fit`` extra); scoring does not.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analyzer.scoring.features import FEATURES, NAMES, ROLE_FEATURES, model_inputs, pitch_features, sentence_roles

DEV_SET = Path(__file__).resolve().parents[2] / "tests" / "data" / "pitches"
MODEL_PATH = Path(__file__).resolve().parent / "data" / "model.json"
# inverse regularisation strengths tried (scikit-learn's C), log-spaced
C_GRID = tuple(float(c) for c in np.logspace(-2, 2, 13))
FOLDS = 5
RELIABILITY_BINS = 5


@dataclass(frozen=True)
class Pitch:
    """One pitch of the development set."""

    id: str
    family: str
    kind: str
    verdict: str
    variant: str
    text: str


def load_pitches(folder: Path = DEV_SET) -> list[Pitch]:
    """Every pitch of every ``<family>.toml`` in ``folder``; its text is its sentences joined by spaces."""
    pitches = []
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for p in data.get("pitch", []):
            text = " ".join(s["text"] for s in p["sentences"])
            pitches.append(Pitch(p["id"], path.stem, p["kind"], p["verdict"], p.get("variant", "clean"), text))
    return pitches


def dev_set_hash(folder: Path = DEV_SET) -> str:
    """SHA-256 over the development set's files (names and contents), to tie a model to its data."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.toml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def detected_kind(pitch: Pitch) -> str:
    """The kind the scorer will see at run time (detected from the words), else the labelled kind."""
    try:
        from analyzer.text.kind import detect_kind
    except ImportError:
        return pitch.kind
    return detect_kind(pitch.text)[0]


def features_of(pitch: Pitch, roles: dict | None = None) -> dict[str, float]:
    """The pitch's features, computed as :func:`analyzer.pipeline.analyze_text` computes them;
    ``roles``: the sentence-role classifier to read its roles with, else the shipped one."""
    from analyzer.rules import check_text

    kind = detected_kind(pitch)
    findings = check_text(pitch.text, kind=kind)
    return pitch_features(pitch.text, findings, kind=kind, sentences=sentence_roles(pitch.text, None, roles))


def held_out_roles(folder: Path = DEV_SET) -> dict[str, dict]:
    """Each family's role classifier fitted without it (:func:`analyzer.text.fit_roles.held_out_models`),
    or {} where it is not installed. The shipped classifier was fitted on these very sentences and
    gives them near-perfect roles; weights fitted on those grew so confident that 8% of the set's
    pitches shared a score of 0.1 (931 pitches, 2026-11-29), and a fix there won back nothing."""
    try:
        from analyzer.text.fit_roles import held_out_models
    except ImportError:
        return {}
    return held_out_models(folder)


def matrix(pitches: list[Pitch], roles: dict[str, dict] | None = None) -> np.ndarray:
    """The model inputs of ``pitches``; ``roles`` maps a family to the role classifier to read it with."""
    roles = roles or {}
    return np.array([model_inputs(features_of(p, roles.get(p.family))) for p in pitches], dtype=float)


def _classifier(c: float):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=5000))


def _sign(feature) -> int:
    """The sign a weight must have to be explainable: a problem lowers the score, a strength raises it."""
    if feature.kind in ("count", "flag") or feature.name == "self_centred":
        return -1
    return 1 if feature.kind == "good" else 0


SIGNS = np.array([_sign(f) for f in FEATURES])


def fit_signed(x: np.ndarray, y: np.ndarray, c: float) -> tuple[object, np.ndarray]:
    """Fit, then drop the feature whose weight has the wrong sign by most and refit, until none has.

    A problem (a finding, a missing role) whose fitted weight would raise the score is a
    correlate of some other feature, not a cause a rep can act on: leaving it in would tell a rep
    that fixing it costs points. Returns the fitted pipeline and the indices of the kept columns.
    """
    kept = np.flatnonzero(x.std(axis=0) > 0)
    while True:
        model = _classifier(c).fit(x[:, kept], y)
        wrong = model.named_steps["logisticregression"].coef_[0] * SIGNS[kept] < 0
        if not wrong.any():
            return model, kept
        badness = np.abs(model.named_steps["logisticregression"].coef_[0]) * wrong
        kept = np.delete(kept, int(np.argmax(badness)))


def grouped_cv(x: np.ndarray, y: np.ndarray, groups: np.ndarray, c: float) -> np.ndarray:
    """Out-of-fold probabilities, each family held out whole (GroupKFold), the whole fit repeated per fold."""
    from sklearn.model_selection import GroupKFold

    out = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=min(FOLDS, len(set(groups)))).split(x, y, groups):
        model, kept = fit_signed(x[train], y[train], c)
        out[test] = model.predict_proba(x[test][:, kept])[:, 1]
    return out


def reliability(y: np.ndarray, p: np.ndarray, bins: int = RELIABILITY_BINS) -> list[dict]:
    """Predicted vs observed share of good pitches per probability bin (a reliability table)."""
    edges = np.linspace(0, 1, bins + 1)
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (p >= lo) & ((p < hi) if hi < 1 else (p <= hi))
        if inside.any():
            rows.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": int(inside.sum()),
                         "predicted": round(float(p[inside].mean()), 3), "observed": round(float(y[inside].mean()), 3)})
    return rows


def cv_figures(y: np.ndarray, p: np.ndarray) -> dict:
    from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

    losses = -(y * np.log(np.clip(p, 1e-15, 1)) + (1 - y) * np.log(np.clip(1 - p, 1e-15, 1)))
    return {"auc": round(float(roc_auc_score(y, p)), 4), "brier": round(float(brier_score_loss(y, p)), 4),
            "log_loss": round(float(log_loss(y, p)), 4),
            "log_loss_se": round(float(losses.std() / np.sqrt(len(losses))), 4), "reliability": reliability(y, p)}


def fit(folder: Path = DEV_SET) -> dict:
    """Choose C by grouped CV (one-standard-error rule on the log loss), refit on every labelled pitch.

    A feature left out by :func:`fit_signed` (or constant over the set) is stored with weight 0."""
    pitches = [p for p in load_pitches(folder) if p.verdict in ("good", "bad")]
    x = matrix(pitches, held_out_roles(folder))
    y = np.array([p.verdict == "good" for p in pitches], dtype=float)
    groups = np.array([p.family for p in pitches])
    trials = {c: cv_figures(y, grouped_cv(x, y, groups, c)) for c in C_GRID}
    lowest = min(C_GRID, key=lambda c: trials[c]["log_loss"])
    # the one-standard-error rule (Hastie, Tibshirani & Friedman, The Elements of Statistical
    # Learning, 7.10): the most regularised C whose log loss is within one standard error of the
    # lowest; it keeps clearly bad pitches from all collapsing onto a score of 0
    ceiling = trials[lowest]["log_loss"] + trials[lowest]["log_loss_se"]
    best = min(c for c in C_GRID if trials[c]["log_loss"] <= ceiling)
    # the same procedure without the sentence-role features: the role classifier was fitted on these
    # very sentences, so the figures with roles are optimistic; these are not
    rules_only = x * np.array([f.name not in ROLE_FEATURES for f in FEATURES])
    baseline = cv_figures(y, grouped_cv(rules_only, y, groups, best))
    final, kept = fit_signed(x, y, best)
    scaler, logistic = final.named_steps["standardscaler"], final.named_steps["logisticregression"]
    coef, mean, scale = np.zeros(len(NAMES)), x.mean(axis=0), np.ones(len(NAMES))
    coef[kept], mean[kept], scale[kept] = logistic.coef_[0], scaler.mean_, scaler.scale_
    return {
        "about": "Logistic regression: P(a trainer keeps the pitch) = 1 / (1 + exp(-z)), "
                 "z = intercept + sum(coef * (x - mean) / scale). Written by `make fit` "
                 "(analyzer/scoring/fit.py); do not edit by hand.",
        "dev_set": {"path": "tests/data/pitches", "sha256": dev_set_hash(folder), "pitches": len(pitches),
                    "good": int(y.sum()), "bad": int(len(y) - y.sum()), "families": len(set(groups)),
                    "excluded": "borderline verdicts (neither keep nor bin)"},
        "cv": {"method": f"GroupKFold by family, {min(FOLDS, len(set(groups)))} folds; C: the most regularised "
                         "within one standard error of the lowest out-of-fold log loss", "C": best, **trials[best],
               "rules_only": {k: baseline[k] for k in ("auc", "brier", "log_loss")},
               "grid": [{"C": round(c, 4), "auc": trials[c]["auc"], "log_loss": trials[c]["log_loss"]}
                        for c in C_GRID]},
        "intercept": float(logistic.intercept_[0]),
        "features": [{"name": f.name, "words": f.words, "dimension": f.dimension, "coef": float(w),
                      "mean": float(m), "scale": float(s)}
                     for f, w, m, s in zip(FEATURES, coef, mean, scale)],
        "audio_prior": audio_prior(),
    }


def audio_prior() -> dict:
    """Logit change per audio finding, carried over from the hand-set penalties (no labelled audio).

    The old scorecard took ``penalty`` points (error 40, warning 20, info 5) off a dimension
    weighing 0.15 of the overall score (delivery, pauses; conversation 0.2 of 1.2), so a warning
    cost about 3 overall points. At an even pitch (p = 0.5) the logistic curve's slope is 1/4, so
    3 points are 0.12 on the logit scale: that is the prior each audio finding keeps.
    """
    penalties, weight = {"error": 40, "warning": 20, "info": 5}, 0.15
    return {"dimensions": ["delivery", "pauses", "conversation"],
            "logit_per_finding": {sev: round(-4 * pts * weight / 100, 3) for sev, pts in penalties.items()},
            "source": "prior, not fitted: the hand-set penalties of the earlier scorecard (error 40, warning 20, "
                      "info 5 points off a dimension weighing 0.15) converted to logits at p = 0.5"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEV_SET)
    parser.add_argument("-o", "--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    model = fit(args.folder)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    cv = model["cv"]
    print(f"wrote {args.out}: C={cv['C']:.3g}, grouped-CV AUC {cv['auc']:.3f}, Brier {cv['brier']:.3f} "
          f"({model['dev_set']['good']} good, {model['dev_set']['bad']} bad, {model['dev_set']['families']} families)",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
