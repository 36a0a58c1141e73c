"""Delivery: how the pitch was said. Transcript + prosody -> :class:`Delivery` -> findings.

:func:`measure_delivery` is pure computation over an :class:`~analyzer.audio.load.Audio` and its
:class:`~analyzer.types.Transcript` (and optionally the script the rep read from); it
combines :mod:`analyzer.delivery.prosody` (pitch, energy, silences), :mod:`analyzer.delivery.pauses` (pauses and
where they fall), :mod:`analyzer.delivery.fillers` (filled pauses), :mod:`analyzer.delivery.alignment` (script
alignment) and :mod:`analyzer.delivery.scripted` (scripted-delivery score). The ``delivery.*``
and ``pauses.*`` rules that judge a Delivery live in :mod:`analyzer.rules.delivery`.

For a two-party call pass the rep's channel (``audio.channel(i)``), not the mono mix.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import ClassVar, Sequence

import numpy as np

from analyzer.delivery import prosody as pr
from analyzer.delivery.alignment import align_script, word_tokens
from analyzer.audio.load import Audio
from analyzer.types import Transcript, Word
from analyzer.delivery.fillers import Filler, find_fillers, is_filler_word
from analyzer.delivery.numbers import NumberSpan, find_numbers
from analyzer.delivery.pauses import Boundary, Pause, find_pauses, script_boundaries
from analyzer.serialise import from_json_dict, to_json_dict
from analyzer.delivery.scripted import (
    Signal, pitch_runs, runs_between, scripted_score, scripted_signals, scripted_values, verdict,
)
from analyzer.text.syllables import syllable_count

MONOTONE_WINDOW_S = 10.0  # s: window over which pitch spread is measured (Hincks 2005 used ~10 s)
MONOTONE_HOP_S = 5.0  # s: hop between those windows
MIN_WINDOW_VOICED_S = 1.0  # s: voiced speech a window needs to count
CONTOUR_HOP_S = 0.02  # s: pitch contour kept on Delivery for plots, decimated to this hop
MIN_SPEECH_FOR_RATE_S = 5.0  # s: speech needed before a per-minute filler rate is given


@dataclass(frozen=True, eq=False)
class Delivery:
    """Everything measured about how the message was spoken (see DESIGN.md)."""

    duration_s: float = field(metadata={"round": 3})
    # first and last word, corrected by the audio's leading/trailing silence
    speech_start_s: float = field(metadata={"round": 3})
    speech_end_s: float = field(metadata={"round": 3})
    # words (filled pauses excluded; digits count one each, as spoken) and their syllables
    word_count: int
    syllable_count: int
    # words per minute and syllables per second over the speech, pauses included
    wpm: float | None = field(metadata={"round": 1})
    syllables_per_s: float | None = field(metadata={"round": 2})
    # syllables per second with pauses and filled pauses taken out
    articulation_rate: float | None = field(metadata={"round": 2})
    pauses: tuple[Pause, ...]
    fillers: tuple[Filler, ...]
    fillers_per_min: float | None = field(metadata={"round": 2})
    # pitch: median (Hz), robust SD and 5-95% range in semitones re. the median, voiced seconds
    median_f0_hz: float | None = field(metadata={"round": 1})
    pitch_sd_st: float | None = field(metadata={"round": 2})
    pitch_range_st: float | None = field(metadata={"round": 2})
    voiced_s: float = field(metadata={"round": 2})
    # robust pitch SD (st) of each 10 s window with enough voiced speech
    window_sd_st: tuple[float, ...] = field(metadata={"round": 2})
    numbers: tuple[NumberSpan, ...]
    # calibrated P(read) 0..1 (None: not enough speech to judge) and the signals it used
    scripted: float | None = field(metadata={"round": 3})
    signals: tuple[Signal, ...]
    # script check (only with a script): share of script tokens heard, and its boundaries as read
    script_given: bool = False
    script_coverage: float | None = field(default=None, metadata={"round": 3})
    boundaries: tuple[Boundary, ...] = ()
    # pitch contour for plots: times (s) and semitones re. the median (NaN where unvoiced); in the
    # JSON only with ``to_dict(contour=True)``
    contour_times_s: np.ndarray = field(default_factory=lambda: np.zeros(0), metadata={"round": 3, "detail": True})
    contour_st: np.ndarray = field(default_factory=lambda: np.zeros(0), metadata={"round": 2, "detail": True})
    # RMS level (dBFS) on the same times: the plot's level panel, without decoding the audio again
    contour_level_db: np.ndarray = field(default_factory=lambda: np.zeros(0), metadata={"round": 1, "detail": True})

    # summaries of the pauses and the verdict, written into the JSON too
    JSON_EXTRA: ClassVar = {"pauses_by_kind": {}, "pause_time_s": {"round": 3}, "pauses_per_min": {"round": 2},
                            "mid_phrase_share": {"round": 3}, "verdict": {}}

    @property
    def internal_pauses(self) -> list[Pause]:
        return [p for p in self.pauses if p.internal]

    @property
    def mid_phrase_share(self) -> float | None:
        inner = self.internal_pauses
        return sum(p.kind == "mid_phrase" for p in inner) / len(inner) if inner else None

    @property
    def pauses_by_kind(self) -> dict[str, int]:
        """Number of pauses of each kind (lead and trail included)."""
        return dict(sorted(Counter(p.kind for p in self.pauses).items()))

    @property
    def pause_time_s(self) -> float:
        """Seconds of silent pauses between words."""
        return sum(p.duration for p in self.internal_pauses)

    @property
    def pauses_per_min(self) -> float | None:
        """Pauses between words per minute of speech (None for no speech)."""
        span = self.speech_end_s - self.speech_start_s
        return len(self.internal_pauses) / span * 60.0 if span > 1e-6 else None

    @property
    def verdict(self) -> str:
        """"read", "spontaneous" or "not enough speech to judge", from :attr:`scripted`."""
        return verdict(self.scripted)

    def to_dict(self, *, contour: bool = False) -> dict:
        """JSON-safe dict (plain floats and lists) of ``analyzer delivery --format json``; the pitch
        contour only with ``contour``."""
        return to_json_dict(self, detail=contour)

    @classmethod
    def from_dict(cls, data: dict) -> "Delivery":
        """The Delivery back from :meth:`to_dict` (values rounded as written; contour if kept)."""
        return from_json_dict(cls, data)


def _robust_sd(x: np.ndarray) -> float:
    """Spread of ``x`` from its interquartile range (equals the SD for normal data)."""
    q1, q3 = np.percentile(x, [25, 75])
    return float((q3 - q1) / 1.349)


def _speech_span(words: list[Word], pauses: list[Pause]) -> tuple[float, float]:
    start, end = words[0].start, words[-1].end
    for p in pauses:
        if p.kind == "lead" and p.end < words[0].end:
            start = max(start, p.end)
        if p.kind == "trail" and p.start > words[-1].start:
            end = min(end, p.start)
    return start, max(end, start)


def _pitch_windows(times: np.ndarray, st: np.ndarray, start: float, end: float) -> list[float]:
    """Robust SD of the pitch in sliding windows over [start, end]."""
    if end - start <= MONOTONE_WINDOW_S:
        edges = [(start, end)]
    else:
        edges = [(t, t + MONOTONE_WINDOW_S) for t in np.arange(start, end - MONOTONE_WINDOW_S + 1e-9, MONOTONE_HOP_S)]
        if edges[-1][1] < end - MONOTONE_HOP_S / 2:
            edges.append((end - MONOTONE_WINDOW_S, end))
    out = []
    for w0, w1 in edges:
        inside = (times >= w0) & (times < w1) & ~np.isnan(st)
        if inside.sum() * pr.HOP_S >= MIN_WINDOW_VOICED_S:
            out.append(_robust_sd(st[inside]))
    return out


def measure_delivery(audio: Audio, transcript: Transcript, *, script: str | None = None,
                     heard: Sequence[Word] | None = None) -> Delivery:
    """Measure pace, pauses, fillers, pitch and the scripted-delivery score of one recording.

    Pure computation (no I/O, about 0.1-0.3 s per minute of audio). ``transcript`` must be of
    ``audio`` (word timings on its timeline); ``script`` is the text the rep read from, if any,
    which turns on the script-aligned pause checks; ``heard`` are the filler words of the second
    decoding that listens for them (:func:`analyzer.delivery.fillers.heard_fillers`), if it ran.
    """
    p = pr.analyze(audio.samples, sr=audio.sample_rate)
    words = [w for w in transcript.words if w.word.strip()]
    alignment = align_script(script, [w.word for w in words]) if script and script.strip() and words else None
    pauses = find_pauses(p.silences_s, words, alignment=alignment)
    fillers = find_fillers(p, words, heard)
    content = [w for w in words if not is_filler_word(w.word)]
    tokens, _ = word_tokens([w.word for w in content], sentences=False) if content else ([], [])
    n_words = len(tokens)
    n_syllables = sum(syllable_count(t.text) for t in tokens)

    start, end = _speech_span(words, pauses) if words else (0.0, 0.0)
    span = end - start
    inner = [x for x in pauses if x.internal]
    pause_time = sum(x.duration for x in inner)
    # sounding time only: a transcribed filler's timing can stretch over a silent pause
    filler_time = sum(pr.sounding_time(f.start, f.end, p.silences_s) for f in fillers)
    speaking = span - pause_time - filler_time
    wpm = n_words / span * 60.0 if span >= 1.0 and n_words else None
    syl_rate = n_syllables / span if span >= 1.0 and n_words else None
    articulation = n_syllables / speaking if speaking >= 0.5 and n_words else None
    fillers_per_min = len(fillers) / span * 60.0 if span >= MIN_SPEECH_FOR_RATE_S else None

    st = p.pitch_st
    in_speech = (p.times_s >= start) & (p.times_s <= end)
    voiced = in_speech & ~np.isnan(st)
    has_pitch = voiced.sum() * pr.HOP_S >= MIN_WINDOW_VOICED_S
    pitch_sd = _robust_sd(st[voiced]) if has_pitch else None
    pitch_range = float(np.subtract(*np.percentile(st[voiced], [95, 5]))) if has_pitch else None
    windows = _pitch_windows(p.times_s, st, start, end) if has_pitch else []

    runs = runs_between([(x.start, x.end) for x in inner], start, end) if words else []
    slopes, resets = pitch_runs(p.times_s, st, runs)
    run_rates = []
    centres = np.asarray([pr.sounding_centre(w.start, w.end, p.silences_s) for w in content])
    for r0, r1 in runs:
        inside = [w for w, c in zip(content, centres) if r0 <= c < r1]
        run_tokens, _ = word_tokens([w.word for w in inside], sentences=False) if inside else ([], [])
        busy = (r1 - r0) - sum(min(f.end, r1) - max(f.start, r0) for f in fillers if f.end > r0 and f.start < r1)
        if len(run_tokens) >= 3 and busy >= pr.MIN_PAUSE_S:
            run_rates.append(sum(syllable_count(t.text) for t in run_tokens) / busy)
    signals = scripted_signals(scripted_values(pause_durations=[x.duration for x in inner], speech_s=span,
                                               slopes=slopes, resets=resets, run_rates=run_rates,
                                               # the read model's rate counts what both decodings heard
                                               fillers_per_min=fillers_per_min if heard is not None else None))
    keep = np.arange(0, len(p.times_s), max(1, int(round(CONTOUR_HOP_S / pr.HOP_S))))
    return Delivery(
        duration_s=audio.duration, speech_start_s=start, speech_end_s=end,
        word_count=n_words, syllable_count=n_syllables, wpm=wpm, syllables_per_s=syl_rate,
        articulation_rate=articulation, pauses=tuple(pauses), fillers=tuple(fillers),
        fillers_per_min=fillers_per_min,
        median_f0_hz=None if np.isnan(p.median_f0_hz) else p.median_f0_hz,
        pitch_sd_st=pitch_sd, pitch_range_st=pitch_range, voiced_s=float(voiced.sum() * pr.HOP_S),
        window_sd_st=tuple(windows),
        numbers=tuple(find_numbers(content, rest_rate=articulation)),
        scripted=scripted_score(signals), signals=tuple(signals),
        script_given=alignment is not None,
        script_coverage=alignment.coverage if alignment is not None else None,
        boundaries=tuple(script_boundaries(alignment, words, pauses)) if alignment is not None else (),
        contour_times_s=p.times_s[keep], contour_st=st[keep], contour_level_db=p.level_db[keep],
    )
