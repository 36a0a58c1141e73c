"""The scripted-delivery score: its parts on known inputs, and read vs spontaneous real speech."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.delivery.scripted import ANCHORS, MIN_SIGNALS, pitch_runs, ramp, runs_between, scripted_score, scripted_signals
from tests.conftest import SPEECH, speech_manifest


def test_ramp():
    assert ramp(0.5, 0.0, 1.0) == 0.5 and ramp(-1, 0, 1) == 0.0 and ramp(5, 0, 1) == 1.0
    assert ramp(0.2, 0.35, 0.10) == pytest.approx(0.6)  # falling anchors: lower is more read-like


def test_signals_read_like_and_spontaneous_like():
    read = scripted_signals(pause_kinds=["sentence", "clause", "sentence", "sentence"],
                            pause_durations=[0.6, 0.55, 0.62, 0.58], fillers_per_min=0.0,
                            slopes=[-2.0, -1.5, -2.2], resets=[3.5, 4.0], run_rates=[4.1, 4.0, 4.2, 4.1])
    spontaneous = scripted_signals(pause_kinds=["mid_phrase", "clause", "mid_phrase", "mid_phrase"],
                                   pause_durations=[0.3, 1.6, 0.4, 0.9], fillers_per_min=6.0,
                                   slopes=[0.5, -0.2, 0.8], resets=[-0.5, 0.3], run_rates=[3.0, 5.5, 4.0, 2.5])
    assert {s.name for s in read} == set(ANCHORS)
    assert scripted_score(read) > 0.9 > 0.1 > scripted_score(spontaneous)


def test_too_little_to_judge():
    few = scripted_signals(pause_kinds=["sentence"], pause_durations=[0.5], fillers_per_min=None, slopes=[],
                           resets=[], run_rates=[4.0])
    assert len(few) < MIN_SIGNALS and scripted_score(few) is None


def test_runs_and_pitch_runs():
    assert runs_between([(1.0, 1.5), (3.0, 3.2)], 0.0, 4.0) == [(0.0, 1.0), (1.5, 3.0), (3.2, 4.0)]
    times = np.arange(0, 4.0, 0.01)
    st = np.where(times < 2.0, 2 - times, 3 - (times - 2.0))  # falls in each run, resets by +2 st
    slopes, resets = pitch_runs(times, st, [(0.0, 1.9), (2.0, 3.9)])
    assert slopes == pytest.approx([-1.0, -1.0], abs=0.01)
    # median of the last 0.3 s of run 1 (0.26 st) to the first 0.3 s of run 2 (2.86 st)
    assert resets == pytest.approx([2.6], abs=0.02)


def _recordings() -> list[tuple[str, str]]:
    if not SPEECH.is_dir():
        return []
    # michaelandsickmichael.wav holds the same two monologues as acoustic_corpus/cold_corpus;
    # clips under 7 s (one sentence, at most one pause) are too short to score
    return [(row["file"], row["type"]) for row in speech_manifest()
            if row["type"] in ("read", "spontaneous") and "michaelandsick" not in row["file"]
            and float(row["duration_s"]) >= 7.0]


@pytest.mark.skipif(not SPEECH.is_dir(), reason="../shared/speech not present")
def test_read_speech_scores_higher_than_spontaneous_speech():
    from analyzer.audio.load import load_audio
    from analyzer.delivery.measure import measure_delivery
    from analyzer.rules.registry import rule
    from analyzer.audio.transcribe import transcribe

    table = []
    for path, kind in _recordings():
        audio = load_audio(SPEECH / path)
        delivery = measure_delivery(audio, transcribe(audio))
        table.append((path, kind, audio.duration, delivery.scripted,
                      {s.name: round(s.value, 2) for s in delivery.signals}))
    print("\nfile | type | s | scripted score | signal values")
    for row in table:
        print(" | ".join(str(x if not isinstance(x, float) else round(x, 2)) for x in row))
    read = [score for _, kind, _, score, _ in table if kind == "read" and score is not None]
    spontaneous = [score for _, kind, _, score, _ in table if kind == "spontaneous" and score is not None]
    assert len(read) >= 2 and len(spontaneous) >= 3
    assert np.mean(read) > np.mean(spontaneous) + 0.15
    # no spontaneous monologue is called scripted
    assert max(spontaneous) < float(rule("delivery.scripted").threshold)
