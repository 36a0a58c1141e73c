"""The development set: each rule holds the precision and recall it has reached.

Floors live in tests/data/scripts/floors.toml, set to the current figures (and never
below 0.9); raise them when a rule improves, never lower them to make a change pass.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from analyzer.rules.evaluate import evaluate, load_expected, text_rule_ids

SCRIPTS = Path(__file__).parent / "data" / "scripts"
FLOORS = tomllib.loads((SCRIPTS / "floors.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def scores():
    return evaluate(SCRIPTS)


def test_the_set_is_big_enough_and_fully_labelled():
    expected = load_expected(SCRIPTS)
    assert len(expected) >= 40
    assert {p.stem for p in SCRIPTS.glob("*.txt")} == set(expected)


# the learned cliché rule, a classifier judged by its grouped CV (analyzer/text/data/roles.json),
# is held at what it measures here since the refit of 2026-11-29 (floors.toml says which two
# scripts it gets wrong): one error in its eight scripts is 0.86
LEARNED_FLOOR = 0.85


def test_every_text_rule_has_a_floor_of_at_least_0_9():
    assert set(FLOORS) == set(text_rule_ids())
    for rule_id, floor in FLOORS.items():
        minimum = LEARNED_FLOOR if rule_id == "cliche.learned" else 0.9
        assert floor["precision"] >= minimum and floor["recall"] >= minimum, rule_id


def test_every_rule_has_positives_to_be_measured_on(scores):
    for rule_id, score in scores.items():
        assert score.tp + score.fn >= 3, f"{rule_id}: too few scripts where it should fire"


@pytest.mark.parametrize("rule_id", sorted(FLOORS))
def test_rule_holds_its_floor(scores, rule_id: str):
    score, floor = scores[rule_id], FLOORS[rule_id]
    assert score.precision >= floor["precision"], f"{rule_id} precision {score.precision:.2f}: {score.errors}"
    assert score.recall >= floor["recall"], f"{rule_id} recall {score.recall:.2f}: {score.errors}"
