"""Script alignment and the script-aligned pause checks (pauses.line-break, pauses.skipped-sentence-end)."""

from __future__ import annotations

import json
import re
from functools import lru_cache

import pytest

from analyzer.delivery.alignment import CLAUSE, GROUP, INSIDE, SENTENCE, WORD, align, align_script, sentence_ends, tokenize
from tests.conftest import SAMPLES


def test_tokens_numbers_and_boundaries():
    tokens = tokenize("Call 555-1212 ext 270, thanks.\nBye now")
    assert [t.text for t in tokens] == ["call", "5", "5", "5", "1", "2", "1", "2", "ext", "2", "7", "0", "thanks",
                                        "bye", "now"]
    by_text = [(t.text, t.boundary, t.line_break) for t in tokens]
    assert by_text[1] == ("5", INSIDE, False)
    assert by_text[3] == ("5", GROUP, False)  # between the digit groups of 555-1212
    assert by_text[11] == ("0", CLAUSE, False)  # "270,"
    assert by_text[12] == ("thanks", SENTENCE, True)
    assert by_text[-1] == ("now", SENTENCE, False)


def test_number_words_become_digits():
    assert [t.text for t in tokenize("forty five minutes, fifteen days, eighteen")] == [
        "4", "5", "minutes", "1", "5", "days", "1", "8"]


def test_line_break_inside_a_sentence_is_not_a_sentence_end():
    tokens = tokenize("We are an IT\nstaffing company. Hello, this is Chip S. from ABC.")
    it = next(t for t in tokens if t.text == "it")
    assert it.line_break and it.boundary == WORD
    assert next(t for t in tokens if t.text == "company").boundary == SENTENCE
    assert next(t for t in tokens if t.text == "s").boundary == WORD  # pysbd: "S." is an initial
    assert len(sentence_ends("Hello, this is Chip S. from ABC Consulting. We call.")) == 2


def test_paragraph_break_is_a_sentence_boundary():
    tokens = tokenize("Are you hiring\n\nHow long does it take")
    assert next(t for t in tokens if t.text == "hiring").boundary == SENTENCE


def test_alignment_survives_asr_errors():
    script = "may have in the coming month please give me a call".split()
    asr = "make up in the coming months please give a call uh".split()
    mapping = align(script, asr)
    assert [script[i] if i is not None else None for i in mapping] == [
        "may", "have", "in", "the", "coming", "month", "please", "give", "a", "call", None]


def test_align_script_words_to_script_tokens():
    script = "My number is 555-1212.\nAgain, 555-1212."
    words = ["My", "number", "is", "5", "5", "5", "1", "2", "1", "2.", "Again,", "555", "-1212."]
    al = align_script(script, words)
    assert al.coverage == 1.0
    assert al.word_tokens[3] == (3, 3) and al.word_tokens[12] == (14, 17)
    # the gap before "Again" falls on the sentence end (with the line break)
    b = al.boundary_between(10)
    assert al.tokens[b].boundary == SENTENCE and al.tokens[b].line_break


# the samples: the same script read with pauses at its line breaks, and at its sentence ends

@lru_cache(maxsize=None)
def _delivery(name: str):
    from analyzer.audio.load import load_audio
    from analyzer.delivery.measure import measure_delivery
    from tests.findings import delivery_findings
    from analyzer.audio.transcribe import transcribe

    audio = load_audio(SAMPLES / f"{name}.wav")
    script = (SAMPLES / f"{name}.txt").read_text()
    delivery = measure_delivery(audio, transcribe(audio), script=script)
    return delivery, delivery_findings(delivery), script, json.loads((SAMPLES / f"{name}.json").read_text())


def _needs(name):
    return pytest.mark.skipif(not (SAMPLES / f"{name}.wav").exists(), reason=f"sample {name} not generated")


@_needs("classic_bad_linebreaks")
def test_line_break_pauses_are_reported_at_the_right_line_breaks():
    delivery, findings, script, meta = _delivery("classic_bad_linebreaks")
    words = list(re.finditer(r"\S+", script))
    # the line breaks where the generator put a pause (all of them fall inside sentences)
    expected = {words[p["after_word_index"]].start() for p in meta["pauses"] if p["position"] == "line_break"}
    reported = {f.char_start for f in findings if f.rule == "pauses.line-break"}
    assert expected and reported == expected
    for f in findings:
        if f.rule == "pauses.line-break":
            pause = next(p for p in meta["pauses"] if words[p["after_word_index"]].start() == f.char_start)
            assert abs(f.start - pause["start_s"]) < 0.05 and abs(f.end - pause["end_s"]) < 0.05
            assert "/" in f.quote and f.value == 1.0
    kinds = [p.kind for p in delivery.pauses if p.internal]
    assert kinds == ["line_break"] * len(expected)
    assert all(p.at_line_break for p in delivery.pauses if p.internal)


@_needs("classic_bad_linebreaks")
def test_run_on_sentence_ends_are_reported():
    _, findings, script, meta = _delivery("classic_bad_linebreaks")
    skipped = [f for f in findings if f.rule == "pauses.skipped-sentence-end"]
    n_ends = len(sentence_ends(script)) - 1  # the last sentence end has nothing after it
    assert len(skipped) == n_ends >= 2


@_needs("classic_bad")
def test_same_script_read_with_sentence_pauses_has_no_line_break_finding():
    delivery, findings, _, meta = _delivery("classic_bad")
    rules = {f.rule for f in findings}
    assert "pauses.line-break" not in rules
    assert "pauses.skipped-sentence-end" not in rules
    line_breaks = [b for b in delivery.boundaries if b.kind == "line_break"]
    assert line_breaks and not any(b.paused for b in line_breaks)
    sentence_pauses = [p for p in delivery.pauses if p.kind == "sentence"]
    assert len(sentence_pauses) == sum(p["position"] == "sentence" for p in meta["pauses"])


@_needs("classic_bad_linebreaks")
def test_without_a_script_mid_phrase_pauses_are_flagged():
    from analyzer.audio.load import load_audio
    from analyzer.delivery.measure import measure_delivery
    from tests.findings import delivery_findings
    from analyzer.audio.transcribe import transcribe

    audio = load_audio(SAMPLES / "classic_bad_linebreaks.wav")
    delivery = measure_delivery(audio, transcribe(audio))
    assert delivery.mid_phrase_share >= 0.5
    assert "pauses.misplaced" in {f.rule for f in delivery_findings(delivery)}
    audio = load_audio(SAMPLES / "classic_bad.wav")
    assert "pauses.misplaced" not in {f.rule for f in delivery_findings(measure_delivery(audio, transcribe(audio)))}
