"""Filled pauses: transcribed fillers, and fillers found in the audio on real um/uh recordings."""

from __future__ import annotations

import json

import numpy as np
import pytest

from analyzer.delivery import prosody as pr
from analyzer.types import Word
from analyzer.delivery.fillers import find_fillers, heard_fillers, is_filler_word, steady_voiced_spans
from tests.conftest import SAMPLES, SPEECH
from tests.delivery_audio import SR, glide, silence, syllables, tone

MFA = SPEECH / "mfa"
needs_speech = pytest.mark.skipif(not MFA.is_dir(), reason="../shared/speech not present")


def _prosody(path):
    from analyzer.audio.load import load_audio

    audio = load_audio(path)
    return pr.analyze(audio.samples, sr=audio.sample_rate), audio


@pytest.mark.parametrize("word, expected", [("um", True), ("Uh,", True), ("Umm.", True), ("hmm", True),
                                            ("a", False), ("I'm", False), ("umbrella", False)])
def test_filler_words(word, expected):
    assert is_filler_word(word) is expected


def test_a_held_vowel_between_words_is_a_filler_a_glide_is_not():
    # "so [uhhh] we" : a steady 110 Hz vowel for 0.5 s in a gap between two words
    y = np.concatenate([syllables(0.8, seed=1), silence(0.1), tone(110, 0.5, amplitude=0.2), silence(0.1),
                        syllables(0.8, seed=2)])
    p = pr.analyze(y, sr=SR)
    words = [Word("so", 0.1, 0.8, 0.9), Word("we", 1.5, 2.2, 0.9)]
    found = find_fillers(p, words)
    assert len(found) == 1 and found[0].source == "audio"
    assert found[0].start == pytest.approx(0.9, abs=0.06) and found[0].end == pytest.approx(1.4, abs=0.06)
    # the same stretch with a rising pitch (intonation on a word) is no filler
    y2 = np.concatenate([syllables(0.8, seed=1), silence(0.1), glide(100, 160, 0.5, amplitude=0.2), silence(0.1),
                         syllables(0.8, seed=2)])
    assert find_fillers(pr.analyze(y2, sr=SR), words) == []


def test_a_filler_inside_a_stretched_word_counts_once_a_transcribed_one_is_confirmed():
    y = np.concatenate([syllables(0.6, seed=1), tone(110, 0.6, amplitude=0.2), syllables(0.6, seed=2)])
    p = pr.analyze(y, sr=SR)
    # Whisper dropped the "uh" and stretched "the" over it
    stretched = [Word("to", 0.0, 0.3, 0.9), Word("the", 0.3, 1.25, 0.9), Word("office", 1.25, 1.8, 0.9)]
    found = find_fillers(p, stretched)
    assert [f.source for f in found] == ["audio"]
    # Whisper wrote the "uh" (with drifted timing): one filler, confirmed by the audio
    written = [Word("to", 0.0, 0.3, 0.9), Word("the", 0.3, 0.5, 0.9), Word("uh", 0.4, 0.6, 0.5),
               Word("office", 1.2, 1.8, 0.9)]
    found = find_fillers(p, written)
    assert [(f.word, f.source) for f in found] == [("uh", "both")]
    assert found[0].start == pytest.approx(0.6, abs=0.06)


def test_a_written_filler_needs_sound_under_it():
    # speech for 0.8 s, then a second of silence: Whisper, prompted with fillers, can write some there
    y = np.concatenate([syllables(0.8, seed=1), silence(1.0)])
    p = pr.analyze(y, sr=SR)
    words = [Word("so", 0.0, 0.5, 0.9), Word("um", 0.6, 0.6, 0.7),  # heard but timed 0 s long: kept
             Word("uh", 1.3, 1.5, 0.1), Word("uh", 1.7, 1.7, 0.1)]  # over the silence: dropped
    assert [(f.word, f.start) for f in find_fillers(p, words)] == [("um", 0.6)]


@needs_speech
@pytest.mark.parametrize("name, between", [
    ("mfa_um.flac", (2.6, 5.3)),     # "montreal forced | um | aligner": after "forced" (ends ~2.7 s)
    ("mfa_uh.flac", (1.7, 3.7)),     # "montreal | uh | forced aligner"
    ("mfa_uhum.flac", (1.7, 6.8)),   # "montreal forced | uh um uh hm hm um | forced aligner"
    ("mfa_crossword.flac", (1.9, 8.1)),  # "but um montreal but um but montreal forced aligner"
])
def test_filled_pauses_found_in_real_recordings(name, between):
    p, _ = _prosody(MFA / name)
    spans = steady_voiced_spans(p)
    inside = [(s, e) for s, e in spans if between[0] <= s and e <= between[1]]
    assert inside, spans
    assert all(e - s >= 0.25 for s, e in inside)


@needs_speech
@pytest.mark.parametrize("path", ["ljspeech/LJ050-0131.wav", "whisper/jfk.flac", "librispeech/61-70968-0000.flac",
                                  "mfa/english_fast.wav", "mfa/english_slow.wav", "mfa/english_t.wav"])
def test_no_filled_pause_in_read_speech(path):
    p, _ = _prosody(SPEECH / path)
    assert len(steady_voiced_spans(p)) == 0


@needs_speech
def test_mfa_um_end_to_end_with_the_transcript():
    from analyzer.audio.transcribe import transcribe

    p, audio = _prosody(MFA / "mfa_um.flac")
    found = find_fillers(p, transcribe(audio).words)
    assert len(found) == 1 and found[0].source in ("audio", "both")
    assert 3.5 <= found[0].start <= 5.0


@needs_speech
def test_the_second_decoding_hears_the_fillers_the_first_drops():
    """mfa_uhum: "montreal forced | uh um uh hm hm um | forced aligner", six fillers in one gap."""
    from analyzer.audio.transcribe import transcribe

    p, audio = _prosody(MFA / "mfa_uhum.flac")
    words = transcribe(audio).words
    heard = heard_fillers(audio)
    assert len(heard) >= 4 > len([w for w in words if is_filler_word(w.word)])
    assert all(1.7 <= w.start <= 6.8 for w in heard)  # in the gap, none copied from the prompt elsewhere
    found = find_fillers(p, list(words), heard)
    assert len(found) >= 5 and all(f.source != "audio" for f in found)
    # a filler both decodings wrote counts once: heard again, nothing is added
    both_wrote = sorted([*words, *heard], key=lambda w: w.start)
    assert find_fillers(p, both_wrote, heard) == find_fillers(p, both_wrote, ())


@needs_speech
def test_switching_the_filler_rule_off_skips_the_second_decoding():
    from analyzer.audio.transcribe import transcribe
    from analyzer.config import Config
    from analyzer.delivery.measure import measure_delivery
    from analyzer.pipeline import analyze

    _, audio = _prosody(MFA / "mfa_uhum.flac")
    transcript = transcribe(audio)
    listened = analyze(audio).delivery.fillers
    one_pass = analyze(audio, config=Config(disabled={"delivery.fillers"})).delivery.fillers
    assert listened == measure_delivery(audio, transcript, heard=heard_fillers(audio)).fillers
    assert one_pass == measure_delivery(audio, transcript).fillers
    assert len(listened) > len([f for f in one_pass if f.source != "audio"])


def test_rambling_sample_fillers_found_at_their_times():
    meta_file = SAMPLES / "rambling.json"
    if not meta_file.exists():
        pytest.skip("sample not generated")
    meta = json.loads(meta_file.read_text())
    p, _ = _prosody(SAMPLES / "rambling.wav")
    spans = steady_voiced_spans(p)
    truth = meta["um_uh_timings"]
    hit = [any(s < t["end_s"] and e > t["start_s"] for s, e in spans) for t in truth]
    assert sum(hit) >= len(truth) - 1
    # every candidate is one of the inserted fillers (no false alarms in the synthetic speech)
    assert all(any(s < t["end_s"] + 0.1 and e > t["start_s"] - 0.1 for t in truth) for s, e in spans)
