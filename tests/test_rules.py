"""The content rules on whole pitches: the issue's acceptance cases and the API contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer.types import Finding, Segment, Transcript, Word
from analyzer.errors import InputError
from analyzer.rules import check_text, check_transcript, list_rules
from analyzer.rules.evaluate import text_rule_ids

SCRIPTS = Path(__file__).parent / "data" / "scripts"
CLASSIC = (
    "Hello, this is Chip S. from ABC Consulting. We are an IT staffing and consulting company and I was "
    "going to be in your area next Tuesday and Thursday and wanted to know if I can stop by and introduce "
    "myself and see what possible needs you may have in the coming month. Please give me a call when you "
    "have the opportunity. 555-1212 extension 270, 555-1212 extension 270. Thanks in advance for your time."
)
STRONG = (SCRIPTS / "strong-reno.txt").read_text(encoding="utf-8")
HEADLINE = {"cliche.in-your-area", "value.missing", "framing.self-centred"}
JSON_KEYS = {"rule", "dimension", "severity", "message", "suggestion", "quote", "char_start", "char_end",
             "start", "end", "value", "threshold", "source", "span_text", "points"}


def rules_fired(text: str, **options) -> set[str]:
    return {f.rule for f in check_text(text, **options)}


def test_classic_bad_voicemail_yields_the_headline_findings():
    assert HEADLINE <= rules_fired(CLASSIC)


def test_strong_voicemail_yields_none_of_them():
    assert not HEADLINE & rules_fired(STRONG)


def test_strong_voicemail_is_clean():
    assert rules_fired(STRONG) == set()


@pytest.mark.parametrize(
    "text",
    [
        "I'll be in the neighborhood on Wednesday, so I thought I'd swing by.",
        "hey its mike im gonna be around your office thursday",
        "wanted to pop in to introduce myself real quick",
        "We'll be in the neighbourhood Monday and would love to stop in.",
        "i was gonna be in your area next tuesday and thursday and wanted to know if i could stop by",
        "just wanted to see if there are any needs we could help with",
        "I'm actually going to be over near your building next week and was hoping I could swing by.",
    ],
)
def test_paraphrases_and_asr_variants_of_the_drop_by_cliche_are_caught(text: str):
    assert "cliche.in-your-area" in rules_fired(text)


def test_the_phrase_inside_an_unrelated_sentence_is_not_the_drop_by_cliche():
    text = "With the hail the weather in your area saw last Sunday, roofs like yours often leak within two weeks."
    assert "cliche.in-your-area" not in rules_fired(text)


def test_finding_quotes_the_matched_words_and_their_character_span():
    finding = next(f for f in check_text(CLASSIC) if f.rule == "cliche.in-your-area")
    assert finding.quote == "be in your area"
    assert CLASSIC[finding.char_start : finding.char_end] == "be in your area"
    assert finding.dimension == "cliches" and finding.start is None


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_empty_input_gives_a_clear_message(text: str):
    with pytest.raises(InputError, match="empty"):
        check_text(text)


def test_findings_have_the_scorecard_json_shape():
    for finding in check_text(CLASSIC):
        data = json.loads(json.dumps(finding.to_dict()))
        assert set(data) == JSON_KEYS
        assert Finding.from_dict(data) == finding


def test_dimensions_follow_the_rule_family():
    family = {"cliche": "cliches", "value": "value", "structure": "structure", "framing": "structure",
              "readability": "structure"}
    for rule in list_rules():
        prefix = rule.id.split(".")[0]
        if prefix in family:
            assert rule.dimension == family[prefix], rule.id


def test_every_rule_with_a_threshold_names_its_source_and_explains_itself():
    for rule in list_rules():
        if rule.threshold is not None:
            assert rule.source, rule.id
    for rule_id in text_rule_ids():
        rule = next(r for r in list_rules() if r.id == rule_id)
        assert rule.why and rule.example and rule.suggestion, rule_id


def timed_words(text: str, start: float = 0.0, step: float = 0.4) -> list[Word]:
    return [Word(w, start + i * step, start + i * step + 0.3, 0.9) for i, w in enumerate(text.split())]


def test_timings_map_onto_findings_when_words_are_given():
    words = timed_words(CLASSIC)
    text = " ".join(w.word for w in words)
    finding = next(f for f in check_text(text, words=words) if f.rule == "cliche.in-your-area")
    index = [w.word for w in words].index("be")
    assert finding.start == pytest.approx(words[index].start)
    assert finding.end == pytest.approx(words[index + 3].end)  # "be in your area"


def test_words_must_be_what_the_text_joins():
    with pytest.raises(InputError):
        check_text("something else entirely", words=timed_words("hello there"))


def test_intro_window_uses_real_time_when_timed():
    text = "Hi Dana, it's Marcus Lee with Relay Logistics. Call me at 415-555-0134, that's 415-555-0134."
    assert "structure.no-intro" not in rules_fired(text, words=timed_words(text))
    late = timed_words(text, start=12.0)
    assert "structure.no-intro" in rules_fired(text, words=late)


def test_length_uses_the_duration_then_the_estimate_and_says_which():
    short = "Hi Sam, this is Ivy from Lumen Labs. Call me back at 555-0108. Thanks."
    estimated = next(f for f in check_text(short) if f.rule == "structure.too-short")
    assert "estimated from" in estimated.message and "150 words per minute" in estimated.message
    assert "structure.too-short" not in rules_fired(short, duration=24.0)
    measured = next(f for f in check_text(short, duration=41.0) if f.rule == "structure.too-long")
    assert measured.value == 41.0 and "estimated" not in measured.message


def test_openers_skip_the_voicemail_only_rules():
    text = "Hi Felix, this is Dana from Sparrow. I saw you launched the loyalty app. Would you be open to a call?"
    fired = rules_fired(text, kind="opener")
    assert not fired & {"structure.no-callback-number", "structure.number-once", "structure.too-short"}
    with pytest.raises(InputError, match="kind"):
        check_text(text, kind="podcast")


def test_check_transcript_joins_the_words_and_uses_the_duration():
    words = tuple(timed_words(CLASSIC))
    transcript = Transcript((Segment(CLASSIC, 0.0, 40.0, words),), "en", "test", "none", duration=40.0)
    findings = check_transcript(transcript)
    assert HEADLINE <= {f.rule for f in findings}
    too_long = next(f for f in findings if f.rule == "structure.too-long")
    assert too_long.value == 40.0
    assert all(f.start is not None for f in findings if f.char_start is not None)


def test_number_given_twice_in_digits_or_words_counts_twice():
    assert "structure.number-once" not in rules_fired(CLASSIC)
    spoken = (SCRIPTS / "classic-bad-asr.txt").read_text(encoding="utf-8")
    assert "structure.number-once" not in rules_fired(spoken)
    assert "structure.no-callback-number" not in rules_fired(spoken)


def test_value_vague_quotes_the_best_value_sentence():
    text = "Hi Ellen, this is Carlos from Meridian. We help companies like yours save time. Call me at 555-0135."
    finding = next(f for f in check_text(text) if f.rule == "value.vague")
    assert finding.quote == "We help companies like yours save time"
