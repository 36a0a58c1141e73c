"""Pause detection on real continuous speech with pauses inserted at known times (numpy and SoX),
on espeak-ng speech, on the bundled samples' ground truth; pause placement and position classes."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from analyzer.delivery import prosody as pr
from analyzer.types import Word
from analyzer.delivery.pauses import find_pauses
from tests.conftest import SAMPLES
from tests.delivery_audio import (LJ, SR, espeak, insert_silences, lj_continuous, loud_points, matched,
                                  sox_insert_silences, write_wav)

DURATIONS_S = [0.25, 0.3, 0.45, 0.7, 1.2, 1.9]
TOLERANCE_S = 0.05
needs_lj = pytest.mark.skipif(not LJ.exists(), reason="../shared/speech not present")


def _continuous_lj() -> np.ndarray:
    """LJ050-0131 with its three reader's pauses cut out: speech with no pause at all."""
    return np.concatenate(lj_continuous())


@needs_lj
def test_continuous_real_speech_has_no_pause():
    y = _continuous_lj()
    silences = pr.analyze(y, sr=SR).silences_s
    inner = [(s, e) for s, e in silences if s > 0.0 and e < len(y) / SR]
    assert inner == []


@needs_lj
@pytest.mark.parametrize("noise_dbfs", [None, -60.0])
def test_pauses_inserted_into_real_speech_are_found_within_50ms(noise_dbfs):
    y = _continuous_lj()
    at = loud_points(y, count=len(DURATIONS_S))
    audio, truth = insert_silences(y, at, DURATIONS_S, noise_dbfs=noise_dbfs)
    found = pr.analyze(audio, sr=SR).silences_s
    assert all(matched(found, truth, TOLERANCE_S)), (found, truth)
    # and nothing else: no pause reported inside the continuous speech
    assert len([1 for s, e in found if s > 0.0 and e < len(audio) / SR]) == len(truth)


@needs_lj
@pytest.mark.skipif(shutil.which("sox") is None, reason="sox not installed")
def test_pauses_inserted_with_sox(tmp_path):
    y = _continuous_lj()
    src = write_wav(tmp_path / "continuous.wav", y)
    at = loud_points(y, count=4, spacing_s=0.6)
    durations = [0.25, 0.5, 0.9, 1.5]
    truth = sox_insert_silences(src, tmp_path / "paused.wav", at, durations)
    from analyzer.audio.load import load_audio

    audio = load_audio(tmp_path / "paused.wav")
    found = pr.analyze(audio.samples, sr=audio.sample_rate).silences_s
    assert all(matched(found, truth, TOLERANCE_S)), (found, truth)
    assert len([1 for s, e in found if s > 0.0 and e < audio.duration]) == len(truth)


@pytest.mark.skipif(shutil.which("espeak-ng") is None or shutil.which("sox") is None, reason="espeak-ng/sox missing")
def test_pauses_inserted_into_espeak_speech(tmp_path):
    from analyzer.audio.load import load_audio

    path = espeak("we help engineering teams in growing companies hire senior people faster than they ever "
                  "thought possible and we would love to show you how it works for a team like yours",
                  tmp_path / "e.wav")
    y = load_audio(path).samples
    assert len([1 for s, e in pr.analyze(y, sr=SR).silences_s if 0 < s and e < len(y) / SR]) == 0
    at = loud_points(y, count=5, spacing_s=0.8)
    audio, truth = insert_silences(y, at, [0.25, 0.35, 0.6, 1.0, 2.0])
    found = pr.analyze(audio, sr=SR).silences_s
    assert all(matched(found, truth, TOLERANCE_S)), (found, truth)
    assert len([1 for s, e in found if s > 0.0 and e < len(audio) / SR]) == len(truth)


@pytest.mark.parametrize("name", ["classic_bad", "classic_bad_linebreaks", "strong", "rambling"])
def test_sample_ground_truth_pauses(name):
    """Every pause >= 250 ms the sample generator inserted is found within 50 ms, and no other."""
    truth_file = SAMPLES / f"{name}.json"
    if not truth_file.exists():
        pytest.skip("sample not generated")
    from analyzer.audio.load import load_audio

    meta = json.loads(truth_file.read_text())
    audio = load_audio(SAMPLES / f"{name}.wav")
    truth = [(p["start_s"], p["end_s"]) for p in meta["pauses"] + meta.get("intra_token_pauses", [])
             if p["duration_ms"] >= 250]
    found = pr.analyze(audio.samples, sr=audio.sample_rate).silences_s
    assert all(matched(found, truth, TOLERANCE_S)), (found, truth)
    inner = [(s, e) for s, e in found if s > 0.01 and e < audio.duration - 0.01]
    assert len(inner) == len(truth)


# placement between words and position classes, on hand-made timings

def _words(spec: str) -> list[Word]:
    """'word@start-end ...' -> Words."""
    out = []
    for item in spec.split():
        word, _, span = item.rpartition("@")
        start, end = span.split("-")
        out.append(Word(word, float(start), float(end), 0.9))
    return out


def test_a_pause_hidden_inside_a_stretched_word_is_found_and_placed():
    # Whisper stretched "area" over the pause (no gap between the words at all)
    words = _words("in@7.9-8.05 your@8.05-8.25 area@8.25-9.21 next@9.21-9.5")
    pauses = find_pauses(np.array([[8.27, 8.96]]), words)
    assert len(pauses) == 1
    p = pauses[0]
    assert (p.word_before, p.word_after, p.kind) == ("your", "area", "mid_phrase")


def test_whisper_sentence_end_after_a_function_word_is_mid_phrase():
    # "I can. Stop by" - Whisper punctuated the pause; the modal says the phrase goes on
    words = _words("if@12.1-12.4 I@12.4-12.6 can.@12.6-13.0 Stop@13.7-14.0 by@14.0-14.3")
    assert find_pauses(np.array([[13.08, 13.78]]), words)[0].kind == "mid_phrase"


@pytest.mark.parametrize("spec, kind", [
    ("thanks@0.5-0.9 for@0.9-1.0 calling.@1.0-1.5 Please@2.2-2.6 call@2.6-2.9", "sentence"),
    ("Hello,@0.4-0.8 this@1.1-1.3 is@1.3-1.4 Chip@1.4-1.7", "clause"),
    ("we@0.4-0.6 help@0.6-0.8 companies@0.8-1.3 because@1.7-2.0 they@2.0-2.2", "clause"),
    ("5@0.4-0.6 5@0.6-0.8 5@0.8-1.0 1@1.4-1.6 2@1.6-1.8", "clause"),
    ("we@0.4-0.6 help@0.6-0.8 the@0.8-1.0 company@1.5-2.0", "mid_phrase"),
])
def test_position_classes_without_script(spec, kind):
    words = _words(spec)
    gap = next((a.end, b.start) for a, b in zip(words, words[1:]) if b.start - a.end >= 0.25)
    assert find_pauses(np.array([gap]), words)[0].kind == kind


def test_lead_and_trail():
    words = _words("hi@0.5-0.8 there@0.8-1.2")
    kinds = [p.kind for p in find_pauses(np.array([[0.0, 0.45], [1.25, 2.0]]), words)]
    assert kinds == ["lead", "trail"]
