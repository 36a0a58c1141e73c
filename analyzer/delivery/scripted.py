"""Scripted-delivery score: how much a recording sounds read from a page, 0 (spontaneous) .. 1 (read).

A documented combination of signals that the literature finds separate read from spontaneous
speech. Each signal is a measured value mapped linearly onto 0..1 between a "spontaneous" and a
"read" anchor (clipped), and the score is the weighted mean of the signals that could be
measured (at least ``MIN_SIGNALS`` of them; otherwise there is no score).

- ``pauses_at_text``: share of pauses at sentence/clause marks or script line breaks; high is
  read-like. Readers pause where the text is punctuated or broken, speakers also pause to plan
  (Goldman-Eisler 1968; Howell & Kadi-Hanifi 1991).
- ``pause_regularity``: coefficient of variation of pause durations; low is read-like. Read
  speech has fewer, shorter and more regular pauses (Howell & Kadi-Hanifi 1991).
- ``no_fillers``: filled pauses per minute; low is read-like. Disfluencies are rare in reading
  (Howell & Kadi-Hanifi 1991; Blaauw 1991).
- ``declination``: share of inter-pause runs whose pitch falls, and the pitch reset (st) at run
  starts; high is read-like. Read-aloud speech has steeper declination and stronger resets
  (Swerts, Strangert & Heldner 1996).
- ``rate_evenness``: coefficient of variation of the articulation rate across runs; low is
  read-like. Spontaneous speech alternates hesitant and fluent phases as it is planned
  (Henderson, Goldman-Eisler & Skarbek 1966; Butterworth 1975); reading keeps one tempo.

Pitch level or range is deliberately not a signal: spontaneous speech is often *flatter* than
read speech (e.g. Tøndering 2011 for Danish; review in Morris Haynes, White & Mattys 2015), so
"monotone" does not mean "scripted".

The anchors were set from the literature's direction of effect and checked on the read and
spontaneous recordings in ``../shared/speech`` (see tests/test_delivery_scripted.py); with so
few recordings they are a starting point, not a fitted model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_SIGNALS = 2  # fewer measurable signals than this: no score
MIN_RUN_S = 0.8  # s: shortest inter-pause run used for pitch slope and tempo
MIN_RUN_VOICED = 30  # voiced frames (10 ms) a run needs for a pitch slope
RESET_WINDOW_S = 0.3  # s: pitch at the end of one run vs the start of the next

# name: (weight, value at which the signal reads 0 = spontaneous, value at which it reads 1 = read)
ANCHORS = {
    "pauses_at_text": (0.20, 0.3, 0.8),
    "pause_regularity": (0.10, 0.9, 0.3),
    "no_fillers": (0.25, 4.0, 0.0),
    "declination": (0.20, 0.0, 1.0),
    "rate_evenness": (0.25, 0.35, 0.10),
}


@dataclass(frozen=True)
class Signal:
    """One measured signal of the scripted-delivery score."""

    name: str
    # the measurement (share, coefficient of variation, rate per minute...)
    value: float
    # value mapped onto 0 (spontaneous-like) .. 1 (read-like)
    score: float
    weight: float
    # what the value is, in words, for the evidence
    note: str

    def to_dict(self) -> dict:
        return {"name": self.name, "value": round(float(self.value), 3), "score": round(float(self.score), 3),
                "weight": self.weight, "note": self.note}

    @classmethod
    def from_dict(cls, data: dict) -> "Signal":
        return cls(str(data["name"]), float(data["value"]), float(data["score"]), float(data["weight"]),
                   str(data["note"]))


def ramp(value: float, zero_at: float, one_at: float) -> float:
    """``value`` mapped linearly so that ``zero_at`` -> 0 and ``one_at`` -> 1, clipped to 0..1."""
    return float(np.clip((value - zero_at) / (one_at - zero_at), 0.0, 1.0))


def _signal(name: str, value: float, note: str, score: float | None = None) -> Signal:
    weight, zero_at, one_at = ANCHORS[name]
    return Signal(name, float(value), ramp(value, zero_at, one_at) if score is None else float(score), weight, note)


def runs_between(pauses: list[tuple[float, float]], start: float, end: float) -> list[tuple[float, float]]:
    """Stretches of speech between ``start`` and ``end`` separated by the given pauses."""
    out, cursor = [], start
    for p0, p1 in sorted(pauses):
        if p0 > cursor:
            out.append((cursor, p0))
        cursor = max(cursor, p1)
    if end > cursor:
        out.append((cursor, end))
    return out


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


def scripted_signals(
    *,
    pause_kinds: list[str],
    pause_durations: list[float],
    fillers_per_min: float | None,
    slopes: list[float],
    resets: list[float],
    run_rates: list[float],
) -> list[Signal]:
    """The measurable signals (see module doc); a signal without enough data is left out."""
    signals = []
    if len(pause_kinds) >= 2:
        at_text = sum(k in ("sentence", "clause", "line_break") for k in pause_kinds) / len(pause_kinds)
        signals.append(_signal("pauses_at_text", at_text,
                               f"{at_text:.0%} of {len(pause_kinds)} pauses at punctuation or line breaks"))
    if len(pause_durations) >= 3:
        d = np.asarray(pause_durations)
        cv = float(d.std() / d.mean())
        signals.append(_signal("pause_regularity", cv, f"pause durations vary by {cv:.0%} (coefficient of variation)"))
    if fillers_per_min is not None:
        signals.append(_signal("no_fillers", fillers_per_min, f"{fillers_per_min:.1f} filled pauses per minute"))
    if len(slopes) >= 2 and resets:
        falling = float(np.mean(np.asarray(slopes) < 0))
        reset = float(np.mean(resets))
        score = (ramp(falling, 0.4, 0.9) + ramp(reset, 0.0, 3.0)) / 2.0
        signals.append(_signal("declination", score,
                               f"pitch falls in {falling:.0%} of {len(slopes)} runs, resets by {reset:+.1f} st", score))
    if len(run_rates) >= 3:
        r = np.asarray(run_rates)
        cv = float(r.std() / r.mean())
        signals.append(_signal("rate_evenness", cv, f"articulation rate varies by {cv:.0%} across {len(r)} runs"))
    return signals


def scripted_score(signals: list[Signal]) -> float | None:
    """Weighted mean of the signals' scores; None with fewer than ``MIN_SIGNALS`` signals."""
    if len(signals) < MIN_SIGNALS:
        return None
    weights = np.asarray([s.weight for s in signals])
    return float(np.dot(weights, [s.score for s in signals]) / weights.sum())
