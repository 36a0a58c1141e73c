"""The "sounds read" verdict: a calibrated probability that a recording is read from a page.

A logistic regression over a few signals that the literature finds separate read from
spontaneous speech, fitted on real recordings (:mod:`analyzer.delivery.evaluate`, both manifests of
``../shared/speech``, evaluated leave-one-speaker-out); its coefficients, the files it was
fitted on and their hash live in ``analyzer/delivery/data/read_model.toml``.

- ``rate_variation``: coefficient of variation of the articulation rate across inter-pause
  runs; low is read-like. Spontaneous speech alternates hesitant and fluent phases as it is
  planned (Henderson, Goldman-Eisler & Skarbek 1966; Butterworth 1975); reading keeps one tempo.
- ``declination``: share of runs whose pitch falls and the pitch reset (st) at run starts; high
  is read-like (Swerts, Strangert & Heldner 1996).
- ``longest_pause``: log of the longest silent pause (s); readers make fewer, shorter pauses,
  speakers stop to plan (Goldman-Eisler 1968; Howell & Kadi-Hanifi 1991).
- ``filler_rate``: filled pauses per minute (the card's figure); low is read-like. Readers hardly
  say "um" or "uh", speakers planning as they go do (Howell & Kadi-Hanifi 1991). A signal since a
  second decoding listens for the fillers (:func:`analyzer.delivery.fillers.heard_fillers`);
  from the plain transcript and the audio alone the rate barely told the two apart.

None depends on where Whisper put its full stops (Whisper ends a sentence wherever a speaker
pauses, so "pauses at punctuation" was circular). Pitch level or range is not a signal:
spontaneous speech is often *flatter* than read speech (Tøndering 2011; Morris Haynes, White &
Mattys 2015). With less than ``MIN_SPEECH_S`` of speech or fewer than
``MIN_SIGNALS`` signals there is no verdict.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from analyzer.delivery.signal import subtract

MODEL_PATH = Path(__file__).with_name("data") / "read_model.toml"
MIN_SIGNALS = 2  # fewer measurable signals than this: no verdict
MIN_SPEECH_S = 5.0  # s: less speech than this: no verdict
MIN_RUN_S = 0.8  # s: shortest inter-pause run used for pitch slope and tempo
MIN_RUN_VOICED = 30  # voiced frames (10 ms) a run needs for a pitch slope
RESET_WINDOW_S = 0.3  # s: pitch at the end of one run vs the start of the next
SHORTEST_PAUSE_S = 0.25  # s: "longest pause" of a recording without any pause (the pause floor)
NO_VERDICT = "not enough speech to judge"


@dataclass(frozen=True)
class Signal:
    """One measured signal of the scripted-delivery score."""

    name: str
    # the measurement (share, coefficient of variation, rate per minute...)
    value: float = field(metadata={"round": 3})
    # value mapped onto 0 (spontaneous-like) .. 1 (read-like)
    score: float = field(metadata={"round": 3})
    weight: float
    # what the value is, in words, for the evidence
    note: str


def runs_between(pauses: list[tuple[float, float]], start: float, end: float) -> list[tuple[float, float]]:
    """Stretches of speech between ``start`` and ``end`` separated by the given pauses."""
    return subtract(start, end, pauses)


def pitch_runs(times: np.ndarray, st: np.ndarray, runs: list[tuple[float, float]]) -> tuple[list[float], list[float]]:
    """Pitch slope (st/s) of each long run, and the pitch reset (st) between consecutive runs."""
    slopes, resets = [], []
    previous_end = None
    for r0, r1 in runs:
        inside = (times >= r0) & (times < r1) & ~np.isnan(st)
        if r1 - r0 < MIN_RUN_S or inside.sum() < MIN_RUN_VOICED:
            previous_end = None
            continue
        t, y = times[inside], st[inside]
        slopes.append(float(np.polyfit(t - t[0], y, 1)[0]))
        head = np.median(y[t < t[0] + RESET_WINDOW_S])
        if previous_end is not None:
            resets.append(float(head - previous_end))
        previous_end = float(np.median(y[t > t[-1] - RESET_WINDOW_S]))
    return slopes, resets


def _ramp(value: float, zero_at: float, one_at: float) -> float:
    return float(np.clip((value - zero_at) / (one_at - zero_at), 0.0, 1.0))


def scripted_values(
    *, pause_durations: list[float], speech_s: float, slopes: list[float], resets: list[float], run_rates: list[float],
    fillers_per_min: float | None,
) -> dict[str, tuple[float, str]]:
    """The measurable signals (see module doc) as ``name: (value, note)``; one without enough data is left out."""
    out = {}
    if len(run_rates) >= 3:
        r = np.asarray(run_rates)
        cv = float(r.std() / r.mean())
        out["rate_variation"] = (cv, f"articulation rate varies by {cv:.0%} across {len(r)} runs")
    if len(slopes) >= 2 and resets:
        falling, reset = float(np.mean(np.asarray(slopes) < 0)), float(np.mean(resets))
        score = (_ramp(falling, 0.4, 0.9) + _ramp(reset, 0.0, 3.0)) / 2.0
        out["declination"] = (score, f"pitch falls in {falling:.0%} of {len(slopes)} runs, resets by {reset:+.1f} st")
    if speech_s >= MIN_SPEECH_S:
        longest = max([SHORTEST_PAUSE_S, *pause_durations])
        out["longest_pause"] = (float(np.log(longest)), f"longest pause {longest:.2f} s")
    if fillers_per_min is not None:
        out["filler_rate"] = (float(fillers_per_min), f"{fillers_per_min:.1f} filled pauses per minute")
    return out


@dataclass(frozen=True)
class ReadModel:
    """Logistic regression on standardised signals: P(read) = 1 / (1 + exp(-(b + sum w_i z_i)))."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    sd: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    # P(read) at or above which the verdict is "read"
    threshold: float
    source: str


@functools.lru_cache(maxsize=1)
def read_model(path: Path = MODEL_PATH) -> ReadModel:
    """The fitted model from ``read_model.toml``."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    signals = data["signal"]
    return ReadModel(tuple(x["name"] for x in signals), tuple(float(x["mean"]) for x in signals),
                     tuple(float(x["sd"]) for x in signals), tuple(float(x["coef"]) for x in signals),
                     float(data["intercept"]), float(data["threshold"]), str(data["source"]))


def scripted_signals(values: dict[str, tuple[float, str]], model: ReadModel | None = None) -> list[Signal]:
    """Each measured signal with its standardised value (``score``) and coefficient (``weight``):
    ``score * weight`` is its push towards "read" on the log-odds scale."""
    model = model or read_model()
    out = []
    for name, mean, sd, coef in zip(model.names, model.mean, model.sd, model.coef):
        if name in values:
            value, note = values[name]
            out.append(Signal(name, value, (value - mean) / sd, coef, note))
    return out


def scripted_score(signals: list[Signal], model: ReadModel | None = None) -> float | None:
    """P(read) from the model; None (no verdict) with fewer than ``MIN_SIGNALS`` signals. A signal
    that could not be measured counts as the fitted set's mean (it pushes neither way)."""
    model = model or read_model()
    if len(signals) < MIN_SIGNALS:
        return None
    logit = model.intercept + sum(s.score * s.weight for s in signals)
    return float(1.0 / (1.0 + np.exp(-logit)))


def verdict(score: float | None, model: ReadModel | None = None) -> str:
    """"read", "spontaneous" or :data:`NO_VERDICT`."""
    if score is None:
        return NO_VERDICT
    return "read" if score >= (model or read_model()).threshold else "spontaneous"
