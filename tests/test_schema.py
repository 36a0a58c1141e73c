"""The one JSON mechanism (analyzer.serialise) and the card schema generated from the declarations
(analyzer.schema): the committed schema is what the declarations give, real cards validate against
it, and every stage's type reads back from its JSON."""

from __future__ import annotations

import json
import math
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from analyzer.calls.conversation import Conversation
from analyzer.delivery.measure import Delivery
from analyzer.delivery.pauses import Pause
from analyzer.pipeline import analyze, analyze_text
from analyzer.schema import SCHEMA_PATH, card_schema, schema_text
from analyzer.serialise import from_json_dict, to_json_dict
from analyzer.types import Finding, Scorecard, Sentence, Transcript

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cards() -> dict[str, Scorecard]:
    """A script's card, a voicemail read from its script, and the two-party call."""
    return {
        "script": analyze_text((SAMPLES / "classic_bad_linebreaks.txt").read_text(encoding="utf-8")),
        "voicemail": analyze(SAMPLES / "classic_bad_linebreaks.wav", script=SAMPLES / "classic_bad_linebreaks.txt"),
        "call": analyze(SAMPLES / "cold_call_stereo.wav"),
    }


def test_the_committed_schema_is_what_the_declarations_generate():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), "run `make schema` and commit the file"
    jsonschema.Draft202012Validator.check_schema(card_schema())


def test_the_schema_covers_every_stage_of_the_card(schema):
    defs = schema["$defs"]
    assert {"Transcript", "Segment", "Word", "Finding", "Sentence", "Delivery", "Pause", "Filler", "Conversation",
            "Turn"} <= set(defs)
    # no part of the card is a bare object: every object names its properties and allows no others
    for name, definition in defs.items():
        assert definition["additionalProperties"] is False and definition["properties"], name
    assert set(defs["Delivery"]["required"]) >= {"wpm", "pauses", "verdict", "pauses_by_kind"}
    assert "contour_st" not in defs["Delivery"]["required"]  # written only on request


def test_real_cards_validate_and_a_wrong_card_does_not(cards, schema):
    assert cards["voicemail"].delivery.script_given and cards["call"].conversation is not None
    for name, card in cards.items():
        jsonschema.validate(json.loads(card.to_json()), schema)
    bad = json.loads(cards["call"].to_json())
    bad["conversation"]["rep_turns"][0]["speaker"] = "someone"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    bad = json.loads(cards["voicemail"].to_json())
    bad["delivery"]["wpm"] = "fast"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_a_delivery_with_its_contour_validates_against_its_definition(cards, schema):
    data = json.loads(json.dumps(cards["voicemail"].delivery.to_dict(contour=True)))
    assert len(data["contour_st"]) == len(data["contour_times_s"]) > 0 and None in data["contour_st"]  # NaN: null
    jsonschema.validate(data, {"$defs": schema["$defs"], "$ref": "#/$defs/Delivery"})


def test_every_stage_reads_back_from_its_json(cards):
    call, voicemail = cards["call"], cards["voicemail"]
    data = json.loads(voicemail.to_json())
    assert Transcript.from_dict(data["transcript"]) == voicemail.transcript
    assert tuple(Finding.from_dict(f) for f in data["findings"]) == voicemail.findings
    assert tuple(Sentence.from_dict(s) for s in data["sentences"]) == voicemail.sentences
    delivery = Delivery.from_dict(json.loads(json.dumps(voicemail.delivery.to_dict(contour=True))))
    assert delivery.to_dict(contour=True) == voicemail.delivery.to_dict(contour=True)
    assert np.isnan(delivery.contour_st).any() and delivery.boundaries == tuple(
        from_json_dict(type(b), to_json_dict(b)) for b in voicemail.delivery.boundaries)
    assert Conversation.from_dict(json.loads(call.to_json())["conversation"]) == call.conversation


def test_declared_rounding_extras_and_plain_types():
    pause = Pause(np.float32(1.23456), 2.5, "clause", word_index=np.int64(3), at_line_break=np.bool_(True))
    data = to_json_dict(pause)
    assert data == {"start": 1.235, "end": 2.5, "kind": "clause", "word_before": "", "word_after": "",
                    "word_index": 3, "at_line_break": True, "script_char": None, "duration": 1.265}
    assert [type(data[k]) for k in ("start", "word_index", "at_line_break")] == [float, int, bool]
    assert to_json_dict({"x": (math.nan, math.inf, np.array([1.0, np.nan]))}) == {"x": [None, None, [1.0, None]]}


def test_reading_ignores_unknown_keys_fills_defaults_and_rejects_wrong_values():
    finding = Finding.from_dict({"rule": "a.b", "dimension": "value", "severity": "info", "message": "m",
                                 "suggestion": "s", "value": 3, "added_later": 1})
    assert finding.value == 3 and finding.span_text == "card" and finding.points is None
    with pytest.raises(ValueError, match="severity"):
        Finding.from_dict({**to_json_dict(finding), "severity": "fatal"})
    with pytest.raises(ValueError, match="missing 'rule'"):
        Finding.from_dict({"dimension": "value"})
    with pytest.raises(ValueError, match="Word.start"):
        Transcript.from_dict({"segments": [{"text": "hi", "start": 0, "end": 1,
                                            "words": [{"word": "hi", "start": "0", "end": 1, "probability": 1}]}],
                              "language": "en", "engine": "e", "model": "m", "duration": 1})
