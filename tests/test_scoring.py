"""Scoring agrees with common sense on the samples, and follows its data file."""

from __future__ import annotations

import json
import math
from importlib import resources

import jsonschema
import pytest

from analyzer.pipeline import analyze, analyze_text
from analyzer.types import Finding
from analyzer.scoring.features import FEATURES, pitch_features, sentence_roles
from analyzer.scoring.model import fitted_model, grade, judge, scoring_model


def test_bad_voicemail_scores_far_below_the_strong_one(sample_cards):
    bad, strong = sample_cards["classic_bad"], sample_cards["strong"]
    assert bad.grade == "F" and not bad.passed
    assert strong.passed and strong.grade in "AB"
    assert strong.overall - bad.overall >= 25
    top = [f.rule for f in bad.top_fixes]
    assert "cliche.in-your-area" in top and "value.missing" in top


def test_read_from_the_page_scores_below_the_natural_read(samples_dir):
    """Same script, same words: reading it line by line costs points on pauses, and the card says why.
    (The overall scores of the two are both near 0, where the transcripts' small differences decide.)"""
    script = samples_dir / "classic_bad_linebreaks.txt"  # the script as printed, line breaks and all
    by_line = analyze(samples_dir / "classic_bad_linebreaks.wav", script=script)
    natural = analyze(samples_dir / "classic_bad.wav", script=script)
    assert by_line.dimensions["pauses"] < natural.dimensions["pauses"]
    assert "pauses.line-break" in {f.rule for f in by_line.findings} - {f.rule for f in natural.findings}


def test_silence_gets_a_failing_card_with_no_speech(sample_cards):
    card = sample_cards["silence_noise"]
    assert card.overall == 0 and card.grade == "F" and [f.rule for f in card.findings] == ["audio.no-speech"]


def test_every_card_validates_against_the_schema(sample_cards):
    schema = json.loads(resources.files("analyzer.data").joinpath("scorecard.schema.json").read_text())
    for card in sample_cards.values():
        jsonschema.validate(json.loads(card.to_json()), schema)
    jsonschema.validate(json.loads(analyze_text("Hi, this is Sam from Acme. Call me at 555 1212.").to_json()), schema)


def test_overall_is_the_fitted_probability():
    """The card's overall score is 100 x sigmoid(intercept + sum of standardised terms) of model.json."""
    text = "Hi Dana, this is Sam from Acme. We cut month-end close from ten days to four for firms like yours."
    card = analyze_text(text)
    model = fitted_model()
    values = pitch_features(text, card.findings, kind=card.kind, sentences=sentence_roles(text, None))
    x = [math.log2(1 + values[f.name]) if f.kind == "count" else values[f.name] for f in FEATURES]
    z = model.intercept + sum(w * (v - m) / s for v, w, m, s in zip(x, model.coef, model.mean, model.scale))
    assert card.overall == pytest.approx(100 / (1 + math.exp(-z)))


def test_grades_follow_the_bands_in_data():
    assert [grade(s) for s in (95, 85, 75, 65, 10)] == ["A", "B", "C", "D", "F"]
    assert list(scoring_model().grades) == ["A", "B", "C", "D", "F"]


def test_a_finding_costs_its_own_dimension_only():
    text = "Hi Dana, this is Sam Ortiz at Fieldline. Worth a ten-minute call on Thursday?"
    dims = ("cliches", "value", "structure")
    drop_by = Finding(rule="cliche.in-your-area", dimension="cliches", severity="error", message="m", suggestion="s")
    clean = judge(text, [], kind="opener", dimensions=dims)
    flagged = judge(text, [drop_by], kind="opener", dimensions=dims)
    assert flagged.dimensions["cliches"] < clean.dimensions["cliches"] <= 100
    assert flagged.dimensions["value"] == clean.dimensions["value"]
    assert flagged.dimensions["structure"] == clean.dimensions["structure"]
    assert flagged.overall < clean.overall


def test_fix_first_orders_by_points_won_back():
    card = analyze_text("Hello, this is Chip from ABC. I was going to be in your area next Tuesday and wanted to "
                        "stop by and introduce myself. Give me a call.")
    gains = [f.points for f in card.findings]
    assert gains == sorted(gains, reverse=True) and gains[0] > 0


def test_text_only_cards_omit_audio_dimensions():
    card = analyze_text("Hi Dana, this is Sam from Acme. We cut month-end close from ten days to four for "
                        "firms like yours. Could we talk Thursday? My number is 555 1212, again 555 1212.")
    assert set(card.dimensions) == {"cliches", "value", "structure"}
    assert card.duration is None and card.delivery is None


def test_a_pasted_playbook_is_not_scored_on_its_length(samples_dir):
    """Length counts only up to the development set's range: the strong script pasted twenty times
    over (2,000+ words, every cliché and ask of it twenty times) scores below the script once."""
    strong = (samples_dir / "strong.txt").read_text(encoding="utf-8")
    once, pasted = analyze_text(strong), analyze_text("\n".join([strong] * 20))
    assert once.grade == "A"
    assert pasted.overall < once.overall
