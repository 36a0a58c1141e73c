"""Scoring agrees with common sense on the samples, and follows its data file."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

from analyzer.types import Finding
from analyzer.pipeline import analyze_text
from analyzer.scoring.model import dimension_scores, fix_first, grade, overall_score, scoring_model


def finding(rule: str, dimension: str, severity: str) -> Finding:
    return Finding(rule=rule, dimension=dimension, severity=severity, message="m", suggestion="s")


def test_bad_voicemail_scores_far_below_the_strong_one(sample_cards):
    bad, strong = sample_cards["classic_bad"], sample_cards["strong"]
    assert bad.grade == "F" and not bad.passed
    assert strong.passed and strong.grade in "AB"
    assert strong.overall - bad.overall >= 25
    top = [f.rule for f in bad.top_fixes]
    assert "cliche.in-your-area" in top and "value.missing" in top


def test_read_from_the_page_scores_below_the_natural_read(sample_cards):
    assert sample_cards["classic_bad_linebreaks"].overall < sample_cards["classic_bad"].overall


def test_silence_gets_a_failing_card_with_no_speech(sample_cards):
    card = sample_cards["silence_noise"]
    assert card.overall == 0 and card.grade == "F" and [f.rule for f in card.findings] == ["audio.no-speech"]


def test_every_card_validates_against_the_schema(sample_cards):
    schema = json.loads(resources.files("analyzer.data").joinpath("scorecard.schema.json").read_text())
    for card in sample_cards.values():
        jsonschema.validate(json.loads(card.to_json()), schema)
    jsonschema.validate(json.loads(analyze_text("Hi, this is Sam from Acme. Call me at 555 1212.").to_json()), schema)


def test_penalties_come_from_the_data_file():
    model = scoring_model()
    scores = dimension_scores([finding("a.b", "value", "error"), finding("c.d", "value", "warning")], ["value"])
    assert scores["value"] == 100 - model.penalties["error"] - model.penalties["warning"]
    # repeats of one rule cost a share, then nothing
    repeated = [finding("a.b", "cliches", "warning")] * 5
    expected = model.penalties["warning"] * (1 + model.repeat_share * model.max_repeats)
    assert dimension_scores(repeated, ["cliches"])["cliches"] == 100 - expected


def test_overall_is_the_weighted_mean_and_grades_follow_bands():
    weights = scoring_model().weights
    dims = {"value": 40.0, "cliches": 100.0}
    expected = (40 * weights["value"] + 100 * weights["cliches"]) / (weights["value"] + weights["cliches"])
    assert overall_score(dims) == pytest.approx(expected)
    assert [grade(s) for s in (95, 85, 75, 65, 10)] == ["A", "B", "C", "D", "F"]


def test_fix_first_puts_the_costliest_fix_first():
    info = finding("x.info", "cliches", "info")
    error = finding("x.error", "value", "error")
    warning = finding("x.warn", "structure", "warning")
    ordered = fix_first([info, warning, error], {"cliches": 100, "value": 100, "structure": 100})
    assert [f.rule for f in ordered] == ["x.error", "x.warn", "x.info"]


def test_text_only_cards_omit_audio_dimensions():
    card = analyze_text("Hi Dana, this is Sam from Acme. We cut month-end close from ten days to four for "
                        "firms like yours. Could we talk Thursday? My number is 555 1212, again 555 1212.")
    assert set(card.dimensions) == {"cliches", "value", "structure"}
    assert card.duration is None and card.delivery is None
