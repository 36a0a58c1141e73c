"""The "sounds read" verdict: its parts on known inputs, and its figures on real read and spontaneous speech."""

from __future__ import annotations

import numpy as np
import pytest

from analyzer.delivery.scripted import (
    MIN_SIGNALS, NO_VERDICT, pitch_runs, read_model, runs_between, scripted_score, scripted_signals,
    scripted_values, verdict,
)


def test_read_like_and_spontaneous_like_signals():
    read = scripted_signals(scripted_values(pause_durations=[0.6, 0.55, 0.62], speech_s=20.0,
                                            slopes=[-2.0, -1.5, -2.2], resets=[3.5, 4.0], run_rates=[4.1, 4.0, 4.2],
                                            fillers_per_min=0.0))
    spontaneous = scripted_signals(scripted_values(pause_durations=[0.3, 2.6, 0.4], speech_s=20.0,
                                                   slopes=[0.5, -0.2, 0.8], resets=[-0.5, 0.3],
                                                   run_rates=[3.0, 5.5, 2.5], fillers_per_min=9.0))
    assert {s.name for s in read} == set(read_model().names)
    assert verdict(scripted_score(read)) == "read" and verdict(scripted_score(spontaneous)) == "spontaneous"


def test_too_little_to_judge():
    few = scripted_signals(scripted_values(pause_durations=[0.5], speech_s=3.0, slopes=[], resets=[],
                                           run_rates=[4.0], fillers_per_min=None))
    assert len(few) < MIN_SIGNALS and scripted_score(few) is None and verdict(None) == NO_VERDICT


def test_model_names_its_fit():
    model = read_model()
    assert 0.5 <= model.threshold < 1.0 and "real recordings" in model.source
    from analyzer.rules.registry import rule
    assert float(rule("delivery.scripted").threshold) == pytest.approx(model.threshold)


def test_runs_and_pitch_runs():
    assert runs_between([(1.0, 1.5), (3.0, 3.2)], 0.0, 4.0) == [(0.0, 1.0), (1.5, 3.0), (3.2, 4.0)]
    times = np.arange(0, 4.0, 0.01)
    st = np.where(times < 2.0, 2 - times, 3 - (times - 2.0))  # falls in each run, resets by +2 st
    slopes, resets = pitch_runs(times, st, [(0.0, 1.9), (2.0, 3.9)])
    assert slopes == pytest.approx([-1.0, -1.0], abs=0.01)
    # median of the last 0.3 s of run 1 (0.26 st) to the first 0.3 s of run 2 (2.86 st)
    assert resets == pytest.approx([2.6], abs=0.02)


@pytest.mark.slow
def test_leave_one_speaker_out_figures_on_real_recordings(speech_dir):
    from analyzer.delivery import evaluate as ev

    rows = ev.judged(ev.measure(speech_dir))
    y = np.array([rec.label for rec, _ in rows])
    assert len(rows) >= 20 and 8 <= y.sum() <= len(rows) - 8
    p = ev.loso(rows)
    figures = ev.report(rows, p, read_model().threshold)
    print(figures)
    assert figures["auc verdict"] >= 0.92
    assert figures["false read on spontaneous"] <= 0.10
    assert figures["recall on read"] >= 0.7
