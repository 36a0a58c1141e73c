"""Precision and recall of each text rule on a labelled set of scripts.

A set is a folder of ``NAME.txt`` scripts and one ``expected.toml`` mapping each NAME to
the rule ids that should fire (``NAME = [...]``, or ``NAME = { kind = "opener", rules =
[...] }`` for a live-call opener). Run::

    python -m analyzer.rules.evaluate tests/data/scripts [--verbose]

It prints, per rule, TP, FP, FN, precision and recall; ``--verbose`` also lists every
script where a rule was missed or fired wrongly.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.rules.check import check_text, list_rules
from analyzer.rules.phrases import is_phrase_rule
from analyzer.rules.registry import TEXT_CHECKS


@dataclass
class Score:
    """Counts for one rule over a labelled set."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    # "script: missed" / "script: false alarm" lines for --verbose
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def text_rule_ids() -> list[str]:
    """The rules evaluated: every rule with a text check or a phrase pack."""
    return [r.id for r in list_rules() if r.id in TEXT_CHECKS or is_phrase_rule(r)]


def load_expected(folder: Path) -> dict[str, tuple[str, set[str]]]:
    """``{name: (kind, expected rule ids)}`` from ``folder/expected.toml``."""
    entries = tomllib.loads((folder / "expected.toml").read_text(encoding="utf-8"))
    expected = {}
    for name, entry in entries.items():
        if isinstance(entry, dict):
            expected[name] = (entry.get("kind", "voicemail"), set(entry["rules"]))
        else:
            expected[name] = ("voicemail", set(entry))
    return expected


def evaluate(folder: Path) -> dict[str, Score]:
    """Score of every evaluated rule on the labelled set in ``folder``."""
    rule_ids = text_rule_ids()
    scores = {rule_id: Score() for rule_id in rule_ids}
    for name, (kind, expected) in sorted(load_expected(folder).items()):
        unknown = expected - set(rule_ids)
        if unknown:
            raise ValueError(f"{name}: unknown rule ids {sorted(unknown)}")
        text = (folder / f"{name}.txt").read_text(encoding="utf-8")
        fired = {f.rule for f in check_text(text, kind=kind)}
        for rule_id in rule_ids:
            score = scores[rule_id]
            if rule_id in fired and rule_id in expected:
                score.tp += 1
            elif rule_id in fired:
                score.fp += 1
                score.errors.append(f"{name}: false alarm")
            elif rule_id in expected:
                score.fn += 1
                score.errors.append(f"{name}: missed")
    return scores


def format_table(scores: dict[str, Score]) -> str:
    """A per-rule table: rule, TP, FP, FN, precision, recall (tabulate's when installed)."""
    header = ["rule", "TP", "FP", "FN", "precision", "recall"]
    rows = [[rid, s.tp, s.fp, s.fn, f"{s.precision:.2f}", f"{s.recall:.2f}"] for rid, s in scores.items()]
    if importlib.util.find_spec("tabulate"):
        from tabulate import tabulate

        return tabulate(rows, headers=header)
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(str(cell).ljust(w) if i == 0 else str(cell).rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analyzer.rules.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="folder with NAME.txt scripts and expected.toml")
    parser.add_argument("--verbose", action="store_true", help="list every miss and false alarm")
    args = parser.parse_args(argv)
    scores = evaluate(args.folder)
    print(format_table(scores))
    if args.verbose:
        for rule_id, score in scores.items():
            for line in score.errors:
                print(f"{rule_id}: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
