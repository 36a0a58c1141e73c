"""How well the shipped score judges the development set: ``python -m analyzer.scoring.evaluate``.

Prints (``make eval``) the grouped-by-family cross-validated AUC and Brier score of the fitting
procedure, a reliability table, the per-role precision and recall of the sentence roles (when
:mod:`analyzer.text.evaluate_roles` is installed), and the histogram of the overall scores that
``analyzer script`` gives every pitch of the set, with the largest share any one score holds.
Needs scikit-learn (the ``fit`` extra), like ``make fit``.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
from collections import Counter
from pathlib import Path

import numpy as np

from analyzer.scoring.fit import (
    DEV_SET, MODEL_PATH, Pitch, cv_figures, dev_set_hash, grouped_cv, held_out_roles, load_pitches, matrix,
)

BAR_WIDTH = 40


def shipped_scores(pitches: list[Pitch]) -> list[float]:
    """Each pitch's overall score as ``analyzer script`` reports it (kind detected, rounded as in the JSON)."""
    from analyzer.pipeline import analyze_text

    return [round(analyze_text(p.text).overall, 1) for p in pitches]


def largest_share(scores: list[float]) -> tuple[float, float]:
    """(the most common score, the share of pitches holding it)."""
    score, n = Counter(scores).most_common(1)[0]
    return score, n / len(scores)


def histogram(scores: list[float], width: int = 10) -> list[str]:
    """Text bars of the scores in ``width``-point bins."""
    counts = Counter(min(int(s // width), 100 // width - 1) for s in scores)
    peak = max(counts.values())
    return [f"{b * width:3d}-{b * width + width:3d} {counts[b]:4d} {'#' * round(BAR_WIDTH * counts[b] / peak)}"
            for b in range(100 // width)]


def cv_report(pitches: list[Pitch], c: float, folder: Path = DEV_SET) -> dict:
    """Grouped-CV figures of the fitting procedure at the stored C, overall and per kind (each
    pitch's roles read by a classifier fitted without its family, as in the fit)."""
    labelled = [p for p in pitches if p.verdict in ("good", "bad")]
    x = matrix(labelled, held_out_roles(folder))
    y = np.array([p.verdict == "good" for p in labelled], dtype=float)
    groups = np.array([p.family for p in labelled])
    p = grouped_cv(x, y, groups, c)
    report = {"all": cv_figures(y, p)}
    for kind in sorted({q.kind for q in labelled}):
        mask = np.array([q.kind == kind for q in labelled])
        if len(set(y[mask])) == 2:
            report[kind] = cv_figures(y[mask], p[mask])
    return report


def weight_lines(model: dict) -> list[str]:
    """The fitted weights in plain units: the logit change per unit of each feature, and the odds factor."""
    lines = [f"{'feature':18s} {'dimension':10s} {'per unit':>8s} {'odds x':>7s}  what"]
    for f in sorted(model["features"], key=lambda f: f["coef"] / f["scale"]):
        per_unit = f["coef"] / f["scale"]
        lines.append(f"{f['name']:18s} {f['dimension'] or '-':10s} {per_unit:8.2f} {math.exp(per_unit):7.2f}  {f['words']}")
    return lines


def role_lines(folder: Path) -> list[str]:
    """The role classifier's grouped-CV precision and recall per role (analyzer.text.evaluate_roles)."""
    try:
        from analyzer.text.evaluate_roles import role_report
        from analyzer.text.fit_roles import load_labelled
    except ImportError:
        return ["analyzer.text.evaluate_roles is not installed"]
    return role_report(load_labelled(folder)).round(3).to_string(index=False).splitlines()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEV_SET)
    args = parser.parse_args(argv)
    model = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    pitches = load_pitches(args.folder)
    if model["dev_set"]["sha256"] != dev_set_hash(args.folder):
        print("note: the development set changed since `make fit`; the shipped model was fitted on an older one")
    print(f"\nScoring model: {len(pitches)} pitches, {len({p.family for p in pitches})} families; grouped-CV by "
          f"family at C={model['cv']['C']:.3g} (good vs bad; borderline left out)")
    for name, figures in cv_report(pitches, model["cv"]["C"], args.folder).items():
        print(f"  {name:10s} AUC {figures['auc']:.3f}  Brier {figures['brier']:.3f}  log loss {figures['log_loss']:.3f}")
        if name == "all":
            for row in figures["reliability"]:
                print(f"    predicted {row['bin']}: n={row['n']:3d} mean predicted {row['predicted']:.2f}, "
                      f"observed good {row['observed']:.2f}")
    rules_only = model["cv"].get("rules_only")
    if rules_only:
        print(f"  without the sentence-role features: AUC {rules_only['auc']:.3f}  Brier {rules_only['brier']:.3f}")
    print("\nFitted weights (logit per unit; counts enter as log2(1 + count)):")
    print("\n".join("  " + line for line in weight_lines(model)))
    scores = shipped_scores(pitches)
    print("\nOverall scores of `analyzer script` on every pitch (10-point bins):")
    print("\n".join("  " + line for line in histogram(scores)))
    score, share = largest_share(scores)
    print(f"  most common score {score:g} holds {share:.1%} of the pitches (limit 5%)")
    for verdict in ("good", "borderline", "bad"):
        mine = [s for s, p in zip(scores, pitches) if p.verdict == verdict]
        if mine:
            print(f"  {verdict:10s} n={len(mine):3d} median {statistics.median(mine):5.1f}  "
                  f"pass (>= 70) {sum(s >= 70 for s in mine) / len(mine):.0%}")
    print("\nSentence roles (grouped-CV by family):")
    print("\n".join("  " + line for line in role_lines(args.folder)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
