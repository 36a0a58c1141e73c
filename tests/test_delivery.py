"""measure_delivery / delivery_findings: the API, the JSON contract, pace, and every rule firing
and not firing (rule examples as data, as in tests/test_rules_examples.py)."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.audio.load import SAMPLE_RATE, Audio
from analyzer.types import Segment, Transcript, Word
from analyzer.delivery.measure import Delivery, NumberSpan, measure_delivery
from tests.findings import delivery_findings
from analyzer.delivery.fillers import Filler
from analyzer.delivery.pauses import Boundary, Pause
from analyzer.rules.registry import all_rules
from analyzer.delivery.scripted import Signal
from tests.delivery_audio import SR, silence, syllables

DELIVERY_RULES = {"pauses.line-break", "pauses.skipped-sentence-end", "pauses.misplaced", "delivery.fillers",
                  "delivery.too-fast", "delivery.too-slow", "delivery.monotone", "delivery.number-rushed",
                  "delivery.scripted"}


def _audio(y: np.ndarray) -> Audio:
    return Audio(samples=y.astype(np.float32), sample_rate=SAMPLE_RATE, path="synthetic.wav", channels=y[None, :])


def _transcript(words: list[Word], duration: float) -> Transcript:
    segment = Segment(" ".join(w.word for w in words), words[0].start if words else 0.0,
                      words[-1].end if words else 0.0, tuple(words))
    return Transcript((segment,) if words else (), "en", "test", "test", duration)


def _spoken(layout: list[tuple[str, float]]) -> tuple[np.ndarray, list[Word]]:
    """Speech-like sound for each word (evenly spread over its chunk) and silences: a known answer."""
    pieces, words, t = [], [], 0.0
    for seed, (text, duration) in enumerate(layout):
        if text == "_":
            pieces.append(silence(duration, noise_dbfs=-70))
        else:
            pieces.append(syllables(duration, seed=seed))
            tokens = text.split()
            step = duration / len(tokens)
            words += [Word(w, t + i * step, t + (i + 1) * step, 0.9) for i, w in enumerate(tokens)]
        t += duration
    return np.concatenate(pieces), words


LAYOUT = [("_", 0.5), ("hi jordan this is chip", 1.4), ("_", 0.6), ("we help teams hire faster", 1.6), ("_", 0.4),
          ("could we talk thursday", 1.2), ("_", 0.5)]


@pytest.fixture(scope="module")
def measured() -> Delivery:
    y, words = _spoken(LAYOUT)
    return measure_delivery(_audio(y), _transcript(words, len(y) / SR))


def test_pace_and_pauses_have_known_values(measured):
    d = measured
    assert d.word_count == 14
    span = 1.4 + 0.6 + 1.6 + 0.4 + 1.2
    assert d.speech_start_s == pytest.approx(0.5, abs=0.02) and d.speech_end_s == pytest.approx(0.5 + span, abs=0.02)
    assert d.wpm == pytest.approx(14 / span * 60, rel=0.02)
    assert d.syllables_per_s == pytest.approx(d.syllable_count / span, rel=0.02)
    assert d.articulation_rate == pytest.approx(d.syllable_count / (span - 1.0), rel=0.03)
    inner = d.internal_pauses
    assert [(round(p.start, 2), round(p.end, 2)) for p in inner] == [(1.9, 2.5), (4.1, 4.5)]
    assert [(p.word_before, p.word_after) for p in inner] == [("chip", "we"), ("faster", "could")]
    assert [p.kind for p in d.pauses] == ["lead", "mid_phrase", "mid_phrase", "trail"]


def test_dataclasses_are_frozen(measured):
    with pytest.raises(dataclasses.FrozenInstanceError):
        measured.wpm = 1.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        measured.pauses[0].kind = "clause"  # type: ignore[misc]


def _plain(value) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or type(value) in (str, int, float, bool)


def test_to_dict_is_json_safe_and_keeps_the_contour_behind_a_flag(measured):
    data = measured.to_dict()
    assert _plain(data) and json.loads(json.dumps(data)) == data
    assert not {"contour_times_s", "contour_st", "contour_level_db"} & set(data)
    assert set(data["pauses"][0]) >= {"start", "end", "duration", "kind", "word_before", "word_after"}
    full = measured.to_dict(contour=True)
    assert _plain(full) and len(full["contour_times_s"]) == len(full["contour_st"]) == len(full["contour_level_db"]) > 0
    assert len(measured.contour_times_s) == len(measured.contour_st)


def test_no_speech_gives_an_empty_delivery_without_findings():
    y = silence(3.0, noise_dbfs=-60)
    d = measure_delivery(_audio(y), _transcript([], 3.0))
    assert d.word_count == 0 and d.wpm is None and d.scripted is None and d.internal_pauses == []
    assert delivery_findings(d) == []
    json.dumps(d.to_dict())


def test_script_adds_line_break_flags_and_boundaries():
    y, words = _spoken([("_", 0.3), ("we help the", 1.0), ("_", 0.6), ("teams hire", 0.8), ("_", 0.3)])
    d = measure_delivery(_audio(y), _transcript(words, len(y) / SR), script="We help the\nteams hire.")
    inner = d.internal_pauses
    assert [(p.kind, p.at_line_break) for p in inner] == [("line_break", True)]
    assert d.script_given and d.script_coverage == 1.0
    assert [(b.kind, b.paused) for b in d.boundaries] == [("line_break", True)]
    assert d.to_dict()["pauses"][1]["at_line_break"] is True


def test_number_rushed_end_to_end():
    # "please call me back at" slowly, then eleven digits fired off in 1.8 s
    y, words = _spoken([("_", 0.3), ("please call me back at", 2.2), ("_", 0.4), ("5 5 5 1 2 1 2 2 7 0 4", 1.8),
                        ("_", 0.3), ("thanks so much for your time today", 2.4), ("_", 0.3)])
    d = measure_delivery(_audio(y), _transcript(words, len(y) / SR))
    assert len(d.numbers) == 1 and d.numbers[0].digits == 11
    assert d.numbers[0].ratio > 1.1
    assert "delivery.number-rushed" in {f.rule for f in delivery_findings(d)}


# every rule: an example that fires and the base example that must not

def _base() -> Delivery:
    return Delivery(
        duration_s=30.0, speech_start_s=0.5, speech_end_s=29.5, word_count=75, syllable_count=105, wpm=155.0,
        syllables_per_s=3.6, articulation_rate=4.2,
        pauses=tuple(Pause(s, s + 0.5, "sentence", "end.", "Next", i + 1) for i, s in enumerate((5.0, 10.0, 15.0))),
        fillers=(), fillers_per_min=0.0, median_f0_hz=120.0, pitch_sd_st=3.0, pitch_range_st=10.0, voiced_s=12.0,
        window_sd_st=(3.1, 2.8, 3.4), numbers=(NumberSpan(20.0, 24.0, "555-1212", 7, 2.5, 0.7),),
        scripted=0.3, signals=(Signal("no_fillers", 0.0, 1.0, 0.25, "0.0 filled pauses per minute"),),
    )


def _boundaries(kind: str, paused: list[bool]) -> tuple[Boundary, ...]:
    return tuple(Boundary(kind, i, 10 * i + 5, "your", "area", 10 * i, 10 * i + 9, 2.0 * i + 1, 2.0 * i + 1.6, p)
                 for i, p in enumerate(paused))


FIRING = {
    "delivery.too-fast": dict(wpm=215.0),
    "delivery.too-slow": dict(wpm=100.0),
    "delivery.monotone": dict(window_sd_st=(1.2, 0.9, 1.5, 2.5)),
    "delivery.number-rushed": dict(numbers=(NumberSpan(20.0, 22.0, "555 1212", 7, 5.0, 1.35),)),
    "delivery.fillers": dict(fillers_per_min=6.0, fillers=(
        Filler(3.0, 3.4, "um", "both"), Filler(7.0, 7.5, "", "audio"), Filler(9.0, 9.3, "uh", "transcript"))),
    "delivery.scripted": dict(scripted=0.82),
    "pauses.misplaced": dict(pauses=(Pause(2.0, 2.5, "mid_phrase", "the", "company", 3),
                                     Pause(5.0, 5.4, "mid_phrase", "can", "stop", 9),
                                     Pause(8.0, 8.6, "sentence", "month.", "Please", 15))),
    "pauses.line-break": dict(script_given=True, boundaries=_boundaries("line_break", [True, True, False])),
    "pauses.skipped-sentence-end": dict(script_given=True, boundaries=_boundaries("sentence", [False, False, True])),
}


def test_every_delivery_rule_is_declared_with_a_source():
    rules = all_rules()
    assert DELIVERY_RULES <= set(rules)
    for rule_id in DELIVERY_RULES:
        r = rules[rule_id]
        assert r.dimension == ("pauses" if rule_id.startswith("pauses.") else "delivery")
        assert r.source and r.why and r.threshold is not None


def test_base_example_fires_nothing():
    assert delivery_findings(_base()) == []


@pytest.mark.parametrize("rule_id", sorted(FIRING))
def test_rule_fires_with_evidence(rule_id):
    findings = delivery_findings(dataclasses.replace(_base(), **FIRING[rule_id]))
    assert {f.rule for f in findings} == {rule_id}
    for f in findings:
        assert f.message and f.suggestion and f.source and f.value is not None and f.threshold is not None
        assert f.start is not None and f.end is not None
    if rule_id == "pauses.line-break":
        assert len(findings) == 2 and findings[0].quote == "your / area" and findings[0].char_start == 0
    if rule_id == "pauses.skipped-sentence-end":
        assert len(findings) == 2


def test_line_break_needs_a_pattern_not_one_coincidence():
    one = dataclasses.replace(_base(), script_given=True, boundaries=_boundaries("line_break", [True, False, False]))
    assert delivery_findings(one) == []


def test_syllable_counts_match_textstat():
    from analyzer.rules.readability import offline_textstat
    from analyzer.text.syllables import syllable_count

    textstat = offline_textstat()
    text = ("Hello this is Chip Stevens with ABC Consulting I noticed you just opened a second office in Denver "
            "Last quarter we helped Acme's engineering team cut time-to-hire opportunity extension Thursday "
            "xyzzy zoomcall")
    for word in text.split():
        assert syllable_count(word) == textstat.syllable_count(word), word


def test_json_round_trip(measured):
    data = measured.to_dict(contour=True)
    back = Delivery.from_dict(json.loads(json.dumps(data)))
    assert back.to_dict(contour=True) == data
    y, words = _spoken([("_", 0.3), ("we help the", 1.0), ("_", 0.6), ("teams hire", 0.8), ("_", 0.3)])
    scripted = measure_delivery(_audio(y), _transcript(words, len(y) / SR), script="We help the\nteams hire.")
    assert Delivery.from_dict(scripted.to_dict()).to_dict() == scripted.to_dict()


@settings(max_examples=25, deadline=None)
@given(
    seconds=st.floats(min_value=0.2, max_value=3.0),
    level=st.sampled_from([0.0, 1e-4, 0.05, 0.3]),
    words=st.lists(st.tuples(st.sampled_from(["um", "the", "5", "555-1212", "Hello.", "thanks,", "a", "uh"]),
                             st.floats(min_value=0.0, max_value=3.0), st.floats(min_value=0.0, max_value=0.8)),
                   max_size=8),
    script=st.sampled_from([None, "", "Hello the\n5 um. Thanks, a"]),
)
def test_any_input_gives_a_json_safe_delivery(seconds, level, words, script):
    y = (level * np.random.default_rng(0).standard_normal(int(seconds * SR))).astype(np.float32)
    timed = sorted((Word(w, start, start + length, 0.5) for w, start, length in words), key=lambda w: w.start)
    d = measure_delivery(_audio(y), _transcript(timed, seconds), script=script)
    delivery_findings(d)
    assert _plain(d.to_dict(contour=True))
