"""Two takes of a pitch side by side: what improved and what got worse.

:func:`compare` gives one table (pandas DataFrame), indexed by ``name``, with these rows:

- ``overall`` and one row per dimension (``kind`` = ``score``): the scores 0–100, higher is better;
- one row per rule that fired in either take (``kind`` = ``rule``): how many findings of that rule
  each take has, fewer is better. A rule that disappeared has ``after`` = 0. A rule that appeared
  has ``before`` = 0.

Columns: ``kind``, ``dimension`` (the rule's dimension, or the dimension itself), ``before``,
``after``, ``change`` (after − before), and ``verdict``: ``improved``, ``worse``, ``same``, or
``n/a`` for a dimension that only one take was scored on (a script has no delivery score).
Score rows come first (overall, then the dimensions), then rule rows in the order of the first take's
fix-first list, followed by the rules that only the second take has.

:func:`plot_comparison` draws the overlay (score bars side by side, both pitch contours).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from analyzer.types import Scorecard

COLUMNS = ("kind", "dimension", "before", "after", "change", "verdict")
SAME_WITHIN = 0.05  # points: scores are reported to 0.1, so a smaller change is no change


def _verdict(change: float, *, higher_is_better: bool) -> str:
    if math.isnan(change):
        return "n/a"
    if abs(change) < SAME_WITHIN:
        return "same"
    return "improved" if (change > 0) == higher_is_better else "worse"


def _score_row(name: str, dimension: str, before: float, after: float) -> dict:
    change = after - before
    return {"name": name, "kind": "score", "dimension": dimension, "before": before, "after": after,
            "change": change, "verdict": _verdict(change, higher_is_better=True)}


def compare(before: Scorecard, after: Scorecard) -> pd.DataFrame:
    """What changed from the take ``before`` to the take ``after`` (see the module docstring)."""
    import pandas as pd

    nan = float("nan")
    rows = [_score_row("overall", "overall", before.overall, after.overall)]
    for name in dict.fromkeys([*before.dimensions, *after.dimensions]):
        rows.append(_score_row(name, name, before.dimensions.get(name, nan), after.dimensions.get(name, nan)))

    counts: dict[str, list[int]] = {}  # rule id → [before, after], first take's fix-first order first
    dimensions: dict[str, str] = {}
    for side, card in enumerate((before, after)):
        for finding in card.findings:
            counts.setdefault(finding.rule, [0, 0])[side] += 1
            dimensions.setdefault(finding.rule, finding.dimension)
    for rule, (n_before, n_after) in counts.items():
        change = n_after - n_before
        rows.append({"name": rule, "kind": "rule", "dimension": dimensions[rule], "before": n_before,
                     "after": n_after, "change": change, "verdict": _verdict(change, higher_is_better=False)})

    table = pd.DataFrame(rows, columns=["name", *COLUMNS]).set_index("name")
    return table.astype({"before": float, "after": float, "change": float}).round({"before": 1, "after": 1,
                                                                                  "change": 1})


def plot_comparison(before: Scorecard, after: Scorecard, *, labels: tuple[str, str] | None = None):
    """Overlay of two takes (a matplotlib Figure): see :func:`analyzer.reports.plots.plot_comparison`."""
    from analyzer.reports.plots import plot_comparison as plot

    return plot(before, after, labels=labels)
