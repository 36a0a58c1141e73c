"""Prosody from the signal alone: energy, pitch, voicing, spectral steadiness and silent spans.

Pure functions over arrays in the style of ``librosa.feature``: samples and ``sr`` in, frame
tracks or ``(m, 2)`` interval arrays (seconds) out, no hidden state. :func:`analyze` runs them
all once and returns a :class:`Prosody` bundle for :mod:`analyzer.delivery.measure`. Every frame track
shares one grid: frame ``i`` is centred on ``i * HOP_S`` seconds.

Pitch is YIN (de Cheveigné & Kawahara 2002): the cumulative-mean-normalised difference function,
first trough under a threshold, parabolic refinement, as in ``librosa.yin``; the trough depth is
kept as an aperiodicity (voicing) measure, which ``librosa.yin`` does not return. It runs at
8 kHz (speech F0 < 400 Hz) and only on frames above the noise floor.

Only numpy is imported, on purpose. The budget is "prosody + delivery add at most 15% to
transcription time", and on this project's machines importing ``librosa.feature`` and
``scipy.signal`` alone takes 3-6 s (numba, scipy's docstring machinery), ``librosa.yin``'s
numba kernels another 3-4 s to load per process (about 50 s uncached), while the whole
analysis below takes about 0.1 s per minute of audio. The implementations are small and are
checked against librosa's (``feature.rms``, ``autocorrelate``, ``yin``) in tests/test_prosody.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

HOP_S = 0.010  # s: hop of every frame track (pitch, energy, voicing, flux)
ENERGY_FRAME_S = 0.025  # s: RMS window
PITCH_FRAME_S = 0.040  # s: YIN window, 2.6 periods at PITCH_FMIN_HZ
PITCH_SR = 8000  # Hz: pitch runs on audio resampled to this rate
PITCH_FMIN_HZ = 65.0  # Hz: C2, below the lowest usual adult male speaking F0
PITCH_FMAX_HZ = 400.0  # Hz: above the highest usual adult female speaking F0
YIN_TROUGH = 0.10  # first difference-function dip below this gives the period (YIN's default)
MAX_APERIODICITY = 0.35  # a frame is voiced when YIN's trough is below this
HIGHPASS_HZ = 55.0  # Hz: DC, drift and rumble are removed below this before any analysis
MIN_PAUSE_S = 0.25  # s: silent pauses >= 250 ms (Goldman-Eisler 1968); shorter gaps are stop closures
SILENCE_RANGE_FRACTION = 0.35  # silence: below 35% of the floor-to-speech range (in dB)...
SILENCE_BELOW_SPEECH_DB = 30.0  # dB: ...or this far below loud speech, whichever is higher
MIN_RANGE_DB = 6.0  # dB: less floor-to-speech range than this is one steady sound
PITCH_ABOVE_FLOOR_DB = 3.0  # dB: pitch is tracked on frames this far above the noise floor...
PITCH_BELOW_SPEECH_DB = 45.0  # dB: ...and at most this far below loud speech (or on sound frames)
LEVEL_FLOOR_DB = -100.0  # dBFS: level given to digital silence
QUIET_DB = -60.0  # dBFS: a recording whose loud frames stay below this holds no speech
MIN_SOUND_S = 0.05  # s: sound shorter than this (in 25 ms frames) between silences is a click, not a word
# (a word-final stop release, 20-30 ms of burst, shows as 50+ ms of frames and stays sound)
EDGE_SEARCH_S = 0.03  # s: how far either side of a frame-track edge refine_edges looks
EDGE_FRAME_S = 0.002  # s: RMS window used to place pause edges
EDGE_DC_S = 0.004  # s: moving average subtracted before placing pause edges
PAUSE_TOLERANCE_S = 0.01  # s: edges sit within ~5 ms each, so spans from 240 ms count as 250 ms
FLUX_BANDS = 24  # mel bands of the spectral-flux track (100-4000 Hz, the formant region)
FLUX_SMOOTH_S = 0.05  # s: moving average applied to the spectral-flux track
FLUX_RANGE_DB = 50.0  # dB: bands further below a frame's strongest band count as empty
OCTAVE_JUMP_ST = 7.0  # st: F0 this far from its running median is an octave error, dropped
FFT_BLOCK = 1 << 20  # samples filtered per FFT block (65 s at 16 kHz) on long recordings
FRAME_BLOCK = 4096  # frames analysed at once (41 s at a 10 ms hop): memory stays flat on long recordings


@dataclass(frozen=True, eq=False)
class Prosody:
    """Frame tracks on one grid (``times_s``) plus the silent spans derived from them."""

    # frame centres, seconds
    times_s: np.ndarray
    # RMS level per frame, dBFS (LEVEL_FLOOR_DB for digital silence)
    level_db: np.ndarray
    # F0 per frame in Hz, NaN where unvoiced
    f0_hz: np.ndarray
    # YIN trough depth per frame, 0 (periodic) .. 1 (noise); 1 where not computed
    aperiodicity: np.ndarray
    # spectral change per frame, dB per 10 ms: ~1 in a held vowel, 2-6 in running speech
    flux_db: np.ndarray
    # level below which a frame counts as silent
    silence_threshold_db: float
    # (m, 2) start/end seconds of silent spans >= MIN_PAUSE_S, including leading/trailing
    silences_s: np.ndarray
    duration_s: float
    # F0 median over the recording, Hz (NaN when nothing was voiced)
    median_f0_hz: float = field(default=float("nan"))

    @property
    def voiced(self) -> np.ndarray:
        """Boolean per frame: voiced speech."""
        return ~np.isnan(self.f0_hz)

    @property
    def pitch_st(self) -> np.ndarray:
        """F0 in semitones re. the speaker's median F0 (NaN where unvoiced)."""
        return semitones(self.f0_hz, ref_hz=self.median_f0_hz)


def n_frames(n_samples: int, *, sr: int, hop_s: float = HOP_S) -> int:
    """Number of centred frames covering ``n_samples`` at hop ``hop_s``."""
    return 1 + n_samples // int(round(hop_s * sr))


def frame_times(n: int, *, hop_s: float = HOP_S) -> np.ndarray:
    """Centre time in seconds of each of ``n`` frames."""
    return np.arange(n) * hop_s


def frame(y: np.ndarray, *, frame_length: int, hop_length: int, n: int, first: int = 0) -> np.ndarray:
    """``(n, frame_length)`` view of centred frames ``first .. first + n - 1`` of ``y`` (zero padded
    at the edges), like ``librosa.util.frame``; only that stretch of ``y`` is copied."""
    if n <= 0:
        return np.zeros((0, frame_length), np.float32)
    lo = first * hop_length - frame_length // 2
    hi = lo + (n - 1) * hop_length + frame_length
    piece = np.asarray(y[max(lo, 0) : max(min(hi, len(y)), 0)], dtype=np.float32)
    left = min(-lo, hi - lo) if lo < 0 else 0
    padded = np.pad(piece, (left, hi - lo - left - len(piece)))
    return np.lib.stride_tricks.sliding_window_view(padded, frame_length)[::hop_length]


def frame_blocks(total: int, *, block: int = FRAME_BLOCK):
    """``(first, n)`` for consecutive blocks of at most ``block`` frames: long recordings are
    processed a block at a time so that memory does not grow with their length."""
    return [(first, min(block, total - first)) for first in range(0, total, block)]


def level_db(y: np.ndarray, *, sr: int, frame_s: float = ENERGY_FRAME_S, hop_s: float = HOP_S) -> np.ndarray:
    """RMS level of centred frames in dBFS, shape ``(n_frames(len(y)),)``; digital silence is
    ``LEVEL_FLOOR_DB``. Equals ``librosa.feature.rms(center=True, pad_mode="constant")`` in dB."""
    hop, length = int(round(hop_s * sr)), int(round(frame_s * sr))
    total = n_frames(len(y), sr=sr, hop_s=hop_s)
    rms = np.empty(total)
    for first, n in frame_blocks(total):
        frames = frame(y, frame_length=length, hop_length=hop, n=n, first=first).astype(np.float64)
        rms[first : first + n] = np.sqrt(np.mean(np.square(frames), axis=1))
    return np.maximum(20.0 * np.log10(np.maximum(rms, 1e-12)), LEVEL_FLOOR_DB)


def highpass(y: np.ndarray, *, sr: int, cutoff_hz: float = HIGHPASS_HZ, out_sr: int | None = None):
    """``y`` without DC offset, drift and rumble below ``cutoff_hz``: a zero-phase FFT filter
    with a raised-cosine edge from half to one cutoff. With ``out_sr`` (an integer divisor of
    ``sr``) also returns the filtered signal resampled to ``out_sr`` (spectrum truncated at its
    Nyquist frequency), from the same FFT. Long signals go through in overlapping blocks."""
    factor = sr // out_sr if out_sr else 1
    margin = 2 * sr // factor * factor  # context either side of a block, dropped after filtering
    block = (FFT_BLOCK - 2 * margin) // factor * factor
    y_hp, low = np.empty(len(y), np.float32), []
    for start in range(0, len(y), block):
        lo, hi = max(0, start - margin), min(len(y), start + block + margin)
        n = 1 << int(np.ceil(np.log2(max(hi - lo, 2))))  # power of two: fast FFT, zero padded
        spec = np.fft.rfft(np.asarray(y[lo:hi], dtype=np.float64), n)
        edge = np.clip((np.fft.rfftfreq(n, 1.0 / sr) - cutoff_hz / 2) / (cutoff_hz / 2), 0.0, 1.0)
        spec *= 0.5 - 0.5 * np.cos(np.pi * edge)
        keep = slice(start - lo, start - lo + min(block, len(y) - start))
        y_hp[start : start + keep.stop - keep.start] = np.fft.irfft(spec, n)[keep]
        if factor > 1:
            m = n // factor
            low.append((np.fft.irfft(spec[: m // 2 + 1], m)[keep.start // factor : keep.stop // factor] / factor)
                       .astype(np.float32))
    if not out_sr:
        return y_hp
    return y_hp, np.concatenate(low) if low else np.zeros(0, np.float32)


def silence_threshold_db(level: np.ndarray) -> float:
    """Level below which a frame counts as silent, adapted to the recording.

    The noise floor is the 5th percentile of frame levels and loud speech the 95th. Silence is
    below ``SILENCE_RANGE_FRACTION`` of the way from floor to loud speech, but never less than
    ``SILENCE_BELOW_SPEECH_DB`` under loud speech (in a clean recording breaths sit 30-50 dB
    under vowels and belong to the pause). With less than ``MIN_RANGE_DB`` of range the
    recording is one steady sound: all sound, or below ``QUIET_DB`` all silence.
    """
    level = np.asarray(level, dtype=float)
    if level.size == 0:
        return LEVEL_FLOOR_DB
    floor, loud = np.percentile(level, [5, 95])
    if loud - floor < MIN_RANGE_DB:
        return float(floor - MIN_RANGE_DB if loud > QUIET_DB else loud + MIN_RANGE_DB)
    return float(max(floor + SILENCE_RANGE_FRACTION * (loud - floor), loud - SILENCE_BELOW_SPEECH_DB))


def runs(mask: np.ndarray) -> np.ndarray:
    """``(m, 2)`` frame index ranges ``[start, stop)`` of the True runs in a boolean array."""
    mask = np.asarray(mask, dtype=bool)
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return np.stack([np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)], axis=1)


def silent_spans(
    level: np.ndarray,
    *,
    threshold_db: float,
    hop_s: float = HOP_S,
    min_duration_s: float = MIN_PAUSE_S,
    duration_s: float | None = None,
) -> np.ndarray:
    """``(m, 2)`` start/end seconds of runs of frames below ``threshold_db`` lasting ``min_duration_s``.

    Bursts of sound shorter than ``MIN_SOUND_S`` between silent frames (clicks) count as silent.
    Edges sit on frame boundaries (half a hop outside the silent frame centres).
    """
    silent = np.asarray(level) < threshold_db
    for start, stop in runs(~silent):
        if 0 < start and stop < len(silent) and (stop - start) * hop_s < MIN_SOUND_S:
            silent[start:stop] = True
    times = runs(silent).astype(float) * hop_s - hop_s / 2.0
    times[:, 0] = np.maximum(times[:, 0], 0.0)
    if duration_s is not None:
        times[:, 1] = np.minimum(times[:, 1], duration_s)
    return times[times[:, 1] - times[:, 0] >= min_duration_s - 1e-9].reshape(-1, 2)


def refine_edges(y: np.ndarray, spans_s: np.ndarray, *, sr: int, threshold_db: float) -> np.ndarray:
    """Move the edges of silent spans to where a 2 ms RMS crosses ``threshold_db``.

    Frame tracks place an edge to within half an energy window (about 12 ms) and shrink every
    span by that much; searching ``EDGE_SEARCH_S`` either side of each edge with ``EDGE_FRAME_S``
    windows puts it within about 5 ms of where the sound stops and starts again. Pass the signal
    before :func:`highpass`: its sharp filter rings for tens of milliseconds after a sound stops
    abruptly; here DC and drift are removed with an ``EDGE_DC_S`` moving average instead.
    """
    y = np.asarray(y, dtype=np.float32)
    size = max(1, int(round(EDGE_FRAME_S * sr)))
    out = []
    for start, end in np.asarray(spans_s, dtype=float).reshape(-1, 2):
        edges = []
        for edge, side in ((start, -1), (end, +1)):
            lo, hi = max(0, int((edge - EDGE_SEARCH_S) * sr)), min(len(y), int((edge + EDGE_SEARCH_S) * sr))
            n = (hi - lo) // size
            if n < 2 or (side < 0 and edge <= 0.0) or (side > 0 and edge >= len(y) / sr):
                edges.append(edge)
                continue
            seg = y[lo : lo + n * size].astype(np.float64)
            seg = seg - _smooth(seg, int(EDGE_DC_S * sr))  # DC and drift out, 2 ms of smearing
            rms = np.sqrt(np.mean(np.square(seg.reshape(n, size)), axis=1))
            loud = np.flatnonzero(20.0 * np.log10(np.maximum(rms, 1e-12)) >= threshold_db)
            if side < 0:  # start: right after the last loud window before the silence
                loud = loud[lo + loud * size < edge * sr + size]
                edges.append((lo + (loud[-1] + 1) * size) / sr if loud.size else edge)
            else:  # end: the first loud window after it
                loud = loud[lo + loud * size > edge * sr - 2 * size]
                edges.append((lo + loud[0] * size) / sr if loud.size else edge)
        out.append((min(edges[0], end), max(edges[1], start)))
    return np.asarray(out, dtype=float).reshape(-1, 2)


def _smooth(x: np.ndarray, width: int) -> np.ndarray:
    """Moving average over ``width`` frames, edges repeated (``scipy.ndimage.uniform_filter1d``)."""
    if width <= 1 or x.size == 0:
        return x
    padded = np.pad(x, (width // 2, width - 1 - width // 2), mode="edge")
    return np.convolve(padded, np.ones(width) / width, mode="valid")


def _mel_bands(sr: int, n_fft: int) -> np.ndarray:
    """``(FLUX_BANDS, n_fft // 2 + 1)`` triangular mel (HTK) filters over 100-4000 Hz."""
    def mel(f):
        return 2595.0 * np.log10(1.0 + np.asarray(f) / 700.0)

    edges = 700.0 * (10 ** (np.linspace(mel(100.0), mel(min(4000.0, sr / 2)), FLUX_BANDS + 2) / 2595.0) - 1.0)
    freqs = np.fft.rfftfreq(n_fft, 1.0 / sr)
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    return np.maximum(0.0, np.minimum((freqs - lower) / (centre - lower), (upper - freqs) / (upper - centre)))


def spectral_flux_db(y: np.ndarray, *, sr: int, hop_s: float = HOP_S, smooth_s: float = FLUX_SMOOTH_S) -> np.ndarray:
    """Frame-to-frame spectral change in dB, shape ``(n_frames(len(y)),)``.

    Log mel spectrum (``FLUX_BANDS`` bands, 100-4000 Hz), RMS over bands of the change from the
    previous frame, moving-averaged over ``smooth_s``. A held vowel or filled pause ("uh", "um")
    changes about 1 dB per 10 ms; running speech 2-6 dB.
    """
    total = n_frames(len(y), sr=sr, hop_s=hop_s)
    n_fft = int(2 ** np.ceil(np.log2(0.032 * sr)))
    window = np.hanning(n_fft + 1)[:-1].astype(np.float32)
    bands = _mel_bands(sr, n_fft).T
    log_mel = np.empty((total, FLUX_BANDS))
    for first, n in frame_blocks(total):
        frames = frame(y, frame_length=n_fft, hop_length=int(round(hop_s * sr)), n=n, first=first)
        log_mel[first : first + n] = 10.0 * np.log10(np.abs(np.fft.rfft(frames * window, axis=1)) ** 2 @ bands + 1e-10)
    log_mel = np.maximum(log_mel, log_mel.max(axis=1, keepdims=True) - FLUX_RANGE_DB)  # empty bands: no flux
    change = np.sqrt(np.mean(np.square(np.diff(log_mel, axis=0)), axis=1))
    flux = np.concatenate([change[:1], change]) if change.size else np.zeros(total)
    return _smooth(flux, max(1, int(round(smooth_s / hop_s))))


def _cmnd(frames: np.ndarray, *, min_period: int, max_period: int) -> np.ndarray:
    """YIN cumulative-mean-normalised difference of ``(n, L)`` frames, lags min..max, as ``librosa.yin``."""
    length = frames.shape[1]
    spec = np.fft.rfft(frames, n=2 * length, axis=1)
    acf = np.fft.irfft(spec * np.conj(spec), axis=1)[:, : max_period + 1]
    energy = np.cumsum(np.square(frames, dtype=np.float64), axis=1)
    diff = np.maximum(2.0 * (acf[:, :1] - acf[:, 1:]) - energy[:, :max_period], 0.0)
    cumulative_mean = np.cumsum(diff, axis=1) / np.arange(1, max_period + 1)
    return diff[:, min_period - 1 :] / (cumulative_mean[:, min_period - 1 :] + 1e-12)


def yin(
    y: np.ndarray,
    *,
    sr: int,
    fmin_hz: float = PITCH_FMIN_HZ,
    fmax_hz: float = PITCH_FMAX_HZ,
    frame_s: float = PITCH_FRAME_S,
    hop_s: float = HOP_S,
    frames_mask: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """YIN F0 (Hz) and aperiodicity (trough depth, 0..1) of centred frames, ``n_frames(len(y))`` each.

    ``frames_mask`` (one bool per frame) limits the work to frames worth analysing; the others
    get F0 NaN and aperiodicity 1. Decide voicing from the aperiodicity.
    """
    hop, length = int(round(hop_s * sr)), int(round(frame_s * sr))
    total = n_frames(len(y), sr=sr, hop_s=hop_s)
    f0, aperiodicity = np.full(total, np.nan), np.ones(total)
    framed = frame(y, frame_length=length, hop_length=hop, n=total)
    index = np.arange(total) if frames_mask is None else np.flatnonzero(np.asarray(frames_mask)[:total])
    min_period = max(1, int(np.floor(sr / fmax_hz)))
    max_period = min(int(np.ceil(sr / fmin_hz)), length - 1)
    for chunk in np.array_split(index, max(1, index.size // 4000)):  # bounded memory on long files
        if chunk.size == 0:
            continue
        d = _cmnd(framed[chunk].astype(np.float64), min_period=min_period, max_period=max_period)
        inner = d[:, 1:-1]
        trough = (inner < d[:, :-2]) & (inner <= d[:, 2:])
        below = trough & (inner < YIN_TROUGH)
        deepest = np.where(trough.any(axis=1), np.argmin(np.where(trough, inner, np.inf), axis=1),
                           np.argmin(inner, axis=1))
        k = np.where(below.any(axis=1), np.argmax(below, axis=1), deepest) + 1
        rows = np.arange(len(chunk))
        left, mid, right = d[rows, k - 1], d[rows, k], d[rows, k + 1]
        a, b = left + right - 2.0 * mid, (right - left) / 2.0
        shift = np.where(np.abs(b) < np.abs(a), -b / np.where(a == 0, 1.0, a), 0.0)
        f0[chunk] = sr / (min_period + k + shift)
        aperiodicity[chunk] = np.clip(mid, 0.0, 1.0)
    return f0, aperiodicity


def semitones(f0_hz: np.ndarray, *, ref_hz: float) -> np.ndarray:
    """F0 in semitones relative to ``ref_hz`` (NaN stays NaN): ``12 * log2(f0 / ref)``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return 12.0 * np.log2(np.asarray(f0_hz, dtype=float) / ref_hz)


def _drop_octave_jumps(f0_hz: np.ndarray, *, width: int = 15) -> np.ndarray:
    """NaN out frames whose F0 is ``OCTAVE_JUMP_ST`` away from the median of voiced neighbours."""
    voiced = np.flatnonzero(~np.isnan(f0_hz))
    if voiced.size < 3:
        return f0_hz
    log_f0 = np.log2(f0_hz[voiced])
    width = min(width, voiced.size) | 1
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(log_f0, width // 2, mode="edge"), width)
    out = f0_hz.copy()
    out[voiced[np.abs(log_f0 - np.median(windows, axis=1)) * 12.0 > OCTAVE_JUMP_ST]] = np.nan
    return out


def analyze(y: np.ndarray, *, sr: int) -> Prosody:
    """Energy, pitch, voicing, spectral flux and silent spans of mono audio ``y`` at ``sr``."""
    duration = len(y) / sr
    raw = np.asarray(y, dtype=np.float32)
    if sr % PITCH_SR == 0 and sr > PITCH_SR:
        y, y_pitch = highpass(y, sr=sr, out_sr=PITCH_SR)
        pitch_sr = PITCH_SR
    else:
        y = y_pitch = highpass(y, sr=sr)
        pitch_sr = sr
    level = level_db(y, sr=sr)
    total = len(level)
    threshold = silence_threshold_db(level)
    floor, loud = np.percentile(level, [5, 95]) if total else (0.0, 0.0)
    audible = level >= min(threshold, max(floor + PITCH_ABOVE_FLOOR_DB, loud - PITCH_BELOW_SPEECH_DB))
    f0, aperiodicity = yin(y_pitch, sr=pitch_sr, frames_mask=audible[: n_frames(len(y_pitch), sr=pitch_sr)])
    f0, aperiodicity = _fit(f0, total, np.nan), _fit(aperiodicity, total, 1.0)
    f0 = _drop_octave_jumps(np.where(audible & (aperiodicity < MAX_APERIODICITY), f0, np.nan))
    return Prosody(
        times_s=frame_times(total), level_db=level, f0_hz=f0, aperiodicity=aperiodicity,
        flux_db=_fit(spectral_flux_db(y, sr=sr), total, 0.0), silence_threshold_db=threshold,
        silences_s=_silences(raw, level, sr=sr, threshold_db=threshold, duration_s=duration),
        duration_s=duration,
        median_f0_hz=float(np.nanmedian(f0)) if np.any(~np.isnan(f0)) else float("nan"),
    )


def _silences(y: np.ndarray, level: np.ndarray, *, sr: int, threshold_db: float, duration_s: float) -> np.ndarray:
    """Silent spans >= MIN_PAUSE_S from the (high-passed) ``level``, edges refined on a 2 ms
    level of the unfiltered ``y`` (see :func:`refine_edges`).

    Refined edges land up to about 5 ms inside the true silence (2 ms windows, 4 ms DC
    removal), so spans are kept from ``MIN_PAUSE_S - PAUSE_TOLERANCE_S``: a 250 ms pause
    measures 240-250 ms.
    """
    coarse = silent_spans(level, threshold_db=threshold_db, duration_s=duration_s,
                          min_duration_s=MIN_PAUSE_S - 2 * EDGE_SEARCH_S)
    spans = np.clip(refine_edges(y, coarse, sr=sr, threshold_db=threshold_db), 0.0, duration_s)
    return spans[spans[:, 1] - spans[:, 0] >= MIN_PAUSE_S - PAUSE_TOLERANCE_S - 1e-9].reshape(-1, 2)


def _fit(track: np.ndarray, n: int, fill: float) -> np.ndarray:
    """Trim or pad a frame track to ``n`` frames (grids at different rates can differ by one)."""
    if len(track) >= n:
        return track[:n]
    return np.concatenate([track, np.full(n - len(track), fill)])


def _subtract(start: float, end: float, spans: np.ndarray) -> list[tuple[float, float]]:
    """Pieces of ``[start, end]`` not covered by the ``(m, 2)`` spans (sorted, not overlapping)."""
    spans = np.asarray(spans, dtype=float).reshape(-1, 2)
    first = int(np.searchsorted(spans[:, 1], start, side="right"))
    last = int(np.searchsorted(spans[:, 0], end, side="left"))
    pieces, cursor = [], start
    for s0, s1 in spans[first:last]:
        if s1 <= cursor or s0 >= end:
            continue
        if s0 > cursor:
            pieces.append((cursor, min(s0, end)))
        cursor = max(cursor, s1)
    if cursor < end:
        pieces.append((cursor, end))
    return pieces


def sounding_time(start: float, end: float, silences: np.ndarray) -> float:
    """Seconds of ``[start, end]`` outside the silent spans."""
    return float(sum(b - a for a, b in _subtract(start, end, silences)))


def sounding_centre(start: float, end: float, silences: np.ndarray) -> float:
    """Centre of mass of the sounding part of ``[start, end]`` (its midpoint when all silent).

    ASR word timings stretch over neighbouring pauses; the sounding part says where the word is.
    """
    pieces = _subtract(start, end, silences)
    total = sum(b - a for a, b in pieces)
    if total <= 0:
        return (start + end) / 2.0
    return float(sum((b - a) * (a + b) / 2.0 for a, b in pieces) / total)
