"""Prosody from the signal alone: energy, pitch, voicing, spectral steadiness and silent spans.

Pure functions over arrays in the style of ``librosa.feature``: samples and ``sr`` in, frame
tracks or ``(m, 2)`` interval arrays (seconds) out, no hidden state. :func:`analyze` runs them
all once and returns a :class:`Prosody` bundle for :mod:`analyzer.delivery.measure`. Every frame track
shares one grid: frame ``i`` is centred on ``i * HOP_S`` seconds.

librosa does the signal work: ``feature.rms`` for energy, ``yin`` for F0 (de Cheveigné &
Kawahara 2002) at 8 kHz (speech F0 < 400 Hz), ``feature.melspectrogram`` for the spectral flux,
``resample`` for the pitch track's rate. ``librosa.yin`` returns no voicing, so each frame's
aperiodicity is one minus the normalised autocorrelation at the YIN period: the periodicity that Praat's pitch tracker votes on (Boersma 1993).
``librosa.pyin`` would give voicing too but costs about 60x more (5.7 s per 30 s of audio).
librosa's numba kernels compile on the first call; :mod:`analyzer.delivery` points numba's disk
cache at the analyzer's cache folder so that only the first run after install pays for it.
Long recordings are analysed a block of frames at a time, so memory stays flat.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from analyzer.delivery.signal import (
    LEVEL_FLOOR_DB, block_samples, bridge, frame_blocks, runs, smooth, subtract,
)
from analyzer.delivery import signal

HOP_S = 0.010  # s: hop of every frame track (pitch, energy, voicing, flux)
ENERGY_FRAME_S = signal.LEVEL_FRAME_S  # s: RMS window
PITCH_FRAME_S = 0.040  # s: YIN window, 2.6 periods at PITCH_FMIN_HZ
PITCH_SR = 8000  # Hz: pitch runs on audio resampled to this rate
PITCH_FMIN_HZ = 65.0  # Hz: C2, below the lowest usual adult male speaking F0
PITCH_FMAX_HZ = 400.0  # Hz: above the highest usual adult female speaking F0
YIN_TROUGH = 0.10  # first difference-function dip below this gives the period (YIN's default)
MAX_APERIODICITY = 0.35  # a frame is voiced when 1 - normalised autocorrelation at the period is below this
HIGHPASS_HZ = 55.0  # Hz: DC, drift and rumble are removed below this before any analysis
MIN_PAUSE_S = 0.25  # s: silent pauses >= 250 ms (Goldman-Eisler 1968); shorter gaps are stop closures
SILENCE_RANGE_FRACTION = 0.35  # silence: below 35% of the floor-to-speech range (in dB)...
SILENCE_BELOW_SPEECH_DB = 30.0  # dB: ...or this far below loud speech, whichever is higher
MIN_RANGE_DB = 6.0  # dB: less floor-to-speech range than this is one steady sound
PITCH_ABOVE_FLOOR_DB = 3.0  # dB: pitch is tracked on frames this far above the noise floor...
PITCH_BELOW_SPEECH_DB = 45.0  # dB: ...and at most this far below loud speech (or on sound frames)
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
OCTAVE_WINDOW = 15  # voiced frames in that running median


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
    return signal.n_frames(n_samples, sr=sr, hop_s=hop_s)


def frame_times(n: int, *, hop_s: float = HOP_S) -> np.ndarray:
    """Centre time in seconds of each of ``n`` frames."""
    return np.arange(n) * hop_s


def level_db(y: np.ndarray, *, sr: int, frame_s: float = ENERGY_FRAME_S, hop_s: float = HOP_S) -> np.ndarray:
    """RMS level of centred frames in dBFS on the prosody grid (:func:`analyzer.delivery.signal.level_db`)."""
    return signal.level_db(y, sr=sr, frame_s=frame_s, hop_s=hop_s)


def highpass(y: np.ndarray, *, sr: int, cutoff_hz: float = HIGHPASS_HZ) -> np.ndarray:
    """``y`` without DC offset, drift and rumble below ``cutoff_hz`` (:func:`analyzer.delivery.signal.highpass`)."""
    return signal.highpass(y, sr=sr, cutoff_hz=cutoff_hz)


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
    silent = bridge(np.asarray(level) < threshold_db, int(np.ceil(MIN_SOUND_S / hop_s - 1e-9)) - 1)
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
            seg = seg - smooth(seg, int(EDGE_DC_S * sr))  # DC and drift out, 2 ms of smearing
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


def spectral_flux_db(y: np.ndarray, *, sr: int, hop_s: float = HOP_S, smooth_s: float = FLUX_SMOOTH_S) -> np.ndarray:
    """Frame-to-frame spectral change in dB, shape ``(n_frames(len(y)),)``.

    Log mel spectrum (``librosa.feature.melspectrogram``: ``FLUX_BANDS`` HTK bands, 100-4000 Hz),
    RMS over bands of the change from the previous frame, moving-averaged over ``smooth_s``. A held
    vowel or filled pause ("uh", "um") changes about 1 dB per 10 ms; running speech 2-6 dB. Unlike
    ``librosa.onset.onset_strength`` (rectified: rises only) it counts falls too, since a steady
    sound is what is sought.
    """
    import librosa

    hop, total = int(round(hop_s * sr)), n_frames(len(y), sr=sr, hop_s=hop_s)
    n_fft = int(2 ** np.ceil(np.log2(0.032 * sr)))
    log_mel = np.empty((total, FLUX_BANDS))
    for first, n in frame_blocks(total):
        piece = block_samples(y, first=first, n=n, frame_length=n_fft, hop_length=hop)
        mel = librosa.feature.melspectrogram(y=piece, sr=sr, n_fft=n_fft, hop_length=hop, center=False,
                                             n_mels=FLUX_BANDS, fmin=100.0, fmax=min(4000.0, sr / 2),
                                             htk=True, norm=None, power=2.0)
        log_mel[first : first + n] = librosa.power_to_db(mel[:, :n], amin=1e-10, top_db=None).T
    log_mel = np.maximum(log_mel, log_mel.max(axis=1, keepdims=True) - FLUX_RANGE_DB)  # empty bands: no flux
    change = np.sqrt(np.mean(np.square(np.diff(log_mel, axis=0)), axis=1))
    flux = np.concatenate([change[:1], change]) if change.size else np.zeros(total)
    return smooth(flux, max(1, int(round(smooth_s / hop_s))))


def yin(
    y: np.ndarray,
    *,
    sr: int,
    fmin_hz: float = PITCH_FMIN_HZ,
    fmax_hz: float = PITCH_FMAX_HZ,
    frame_s: float = PITCH_FRAME_S,
    hop_s: float = HOP_S,
    where: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """F0 (Hz, ``librosa.yin``) and aperiodicity (0 periodic .. 1 noise) of centred frames,
    ``n_frames(len(y))`` each. Decide voicing from the aperiodicity: one minus the normalised
    autocorrelation of the frame at the YIN period (the better of the two nearest whole lags).
    With ``where`` (a boolean per frame) only those frames are analysed (each frame is
    independent of the others); the rest get F0 NaN and aperiodicity 1."""
    import librosa

    hop, length = int(round(hop_s * sr)), int(round(frame_s * sr))
    total = n_frames(len(y), sr=sr, hop_s=hop_s)
    f0, aperiodicity = np.full(total, np.nan), np.ones(total)
    max_lag = min(int(np.ceil(sr / fmin_hz)) + 1, length - 1)
    spans = [(0, total)] if where is None else runs(_fit(np.asarray(where, dtype=bool), total, False))
    blocks = [(start + first, n) for start, stop in spans for first, n in frame_blocks(int(stop - start))]
    for first, n in blocks:
        piece = block_samples(y, first=first, n=n, frame_length=length, hop_length=hop).astype(np.float64)
        block_f0 = librosa.yin(piece, fmin=fmin_hz, fmax=fmax_hz, sr=sr, frame_length=length, hop_length=hop,
                               trough_threshold=YIN_TROUGH, center=False)[:n]
        frames = librosa.util.frame(piece, frame_length=length, hop_length=hop, axis=0)[:n]
        energy = np.concatenate([np.zeros((n, 1)), np.cumsum(np.square(frames), axis=1)], axis=1)
        rows, best = np.arange(n), np.zeros(n)
        for lag in (np.floor(sr / block_f0), np.ceil(sr / block_f0)):
            lag = np.clip(lag.astype(int), 1, max_lag)[:, None]
            index = np.arange(length)[None, :] + lag  # x[t + lag] beside x[t], zero past the frame
            ahead = np.where(index < length, frames[rows[:, None], np.minimum(index, length - 1)], 0.0)
            norm = np.sqrt(energy[rows, length - lag[:, 0]] * (energy[:, -1] - energy[rows, lag[:, 0]]))
            best = np.maximum(best, np.sum(frames * ahead, axis=1) / np.maximum(norm, 1e-20))
        f0[first : first + n], aperiodicity[first : first + n] = block_f0, np.clip(1.0 - best, 0.0, 1.0)
    return f0, aperiodicity


def semitones(f0_hz: np.ndarray, *, ref_hz: float) -> np.ndarray:
    """F0 in semitones relative to ``ref_hz`` (NaN stays NaN): ``12 * log2(f0 / ref)``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return 12.0 * np.log2(np.asarray(f0_hz, dtype=float) / ref_hz)


def _drop_octave_jumps(f0_hz: np.ndarray, *, width: int = OCTAVE_WINDOW) -> np.ndarray:
    """NaN out frames whose F0 is ``OCTAVE_JUMP_ST`` away from the median of voiced neighbours."""
    from scipy.ndimage import median_filter

    voiced = np.flatnonzero(~np.isnan(f0_hz))
    if voiced.size < 3:
        return f0_hz
    log_f0 = np.log2(f0_hz[voiced])
    running = median_filter(log_f0, size=min(width, voiced.size) | 1, mode="nearest")
    out = f0_hz.copy()
    out[voiced[np.abs(log_f0 - running) * 12.0 > OCTAVE_JUMP_ST]] = np.nan
    return out


def analyze(y: np.ndarray, *, sr: int) -> Prosody:
    """Energy, pitch, voicing, spectral flux and silent spans of mono audio ``y`` at ``sr``."""
    import librosa

    duration = len(y) / sr
    raw = np.asarray(y, dtype=np.float32)
    y = highpass(raw, sr=sr)
    y_pitch = _resample(y, sr=sr, target_sr=PITCH_SR) if sr > PITCH_SR else y
    pitch_sr = min(sr, PITCH_SR)
    level = level_db(y, sr=sr)
    total = len(level)
    threshold = silence_threshold_db(level)
    floor, loud = np.percentile(level, [5, 95]) if total else (0.0, 0.0)
    audible = level >= min(threshold, max(floor + PITCH_ABOVE_FLOOR_DB, loud - PITCH_BELOW_SPEECH_DB))
    f0, aperiodicity = yin(y_pitch, sr=pitch_sr, where=audible)  # silent frames are unvoiced anyway
    f0, aperiodicity = _fit(f0, total, np.nan), _fit(aperiodicity, total, 1.0)
    aperiodicity = np.where(audible, aperiodicity, 1.0)
    f0 = _drop_octave_jumps(np.where(aperiodicity < MAX_APERIODICITY, f0, np.nan))
    return Prosody(
        times_s=frame_times(total), level_db=level, f0_hz=f0, aperiodicity=aperiodicity,
        flux_db=_fit(spectral_flux_db(y, sr=sr), total, 0.0), silence_threshold_db=threshold,
        silences_s=_silences(raw, level, sr=sr, threshold_db=threshold, duration_s=duration),
        duration_s=duration,
        median_f0_hz=float(np.nanmedian(f0)) if np.any(~np.isnan(f0)) else float("nan"),
    )


def _resample(y: np.ndarray, *, sr: int, target_sr: int) -> np.ndarray:
    """``y`` at ``target_sr`` (``librosa.resample``, soxr), a block at a time with a margin on each side
    that is dropped, so that a long recording is never copied whole at a higher precision."""
    import librosa

    block, margin = int(signal.HIGHPASS_BLOCK_S * sr), int(signal.HIGHPASS_MARGIN_S * sr)
    ratio = target_sr / sr
    out = np.empty(round(len(y) * ratio), dtype=np.float32)
    for start in range(0, len(y), block):
        stop = min(len(y), start + block)
        first, last = max(0, start - margin), min(len(y), stop + margin)
        piece = librosa.resample(y[first:last], orig_sr=sr, target_sr=target_sr, res_type="soxr_hq")
        skip, begin, end = round((start - first) * ratio), round(start * ratio), min(len(out), round(stop * ratio))
        out[begin:end] = piece[skip : skip + end - begin]
    return out


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


def sounding_time(start: float, end: float, silences: np.ndarray) -> float:
    """Seconds of ``[start, end]`` outside the silent spans."""
    return float(sum(b - a for a, b in subtract(start, end, silences)))


def sounding_centre(start: float, end: float, silences: np.ndarray) -> float:
    """Centre of mass of the sounding part of ``[start, end]`` (its midpoint when all silent).

    ASR word timings stretch over neighbouring pauses; the sounding part says where the word is.
    """
    pieces = subtract(start, end, silences)
    total = sum(b - a for a, b in pieces)
    if total <= 0:
        return (start + end) / 2.0
    return float(sum((b - a) * (a + b) / 2.0 for a, b in pieces) / total)
