"""Signal helpers shared by every stage that looks at audio: intervals, frame levels, filters.

Like ``librosa.util`` for librosa's features: each helper lives here once, and the delivery
(prosody, pauses, fillers, the "sounds read" signals) and the call split
(:mod:`analyzer.calls.speakers`) use the same one. Intervals are ``(start, end)`` pairs in
seconds; frame tracks share a grid on which frame ``i`` is centred on ``i * hop_s`` seconds.
"""

from __future__ import annotations

import numpy as np

LEVEL_FRAME_S = 0.025  # s: RMS window of the level track (a 10 ms hop, the usual speech frame)
LEVEL_FLOOR_DB = -100.0  # dBFS: level given to digital silence
FRAME_BLOCK = 4096  # frames analysed at once (41 s at a 10 ms hop): memory stays flat on long recordings
HIGHPASS_BLOCK_S = 60.0  # s: audio high-passed at once
HIGHPASS_MARGIN_S = 1.0  # s: filtered on either side of a block and dropped (the filter rings for < 0.1 s)


# ------------------------------------------------------------------------------------ intervals --

def runs(mask: np.ndarray) -> np.ndarray:
    """``(m, 2)`` frame index ranges ``[start, stop)`` of the True runs in a boolean array."""
    mask = np.asarray(mask, dtype=bool)
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return np.stack([np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)], axis=1)


def bridge(mask: np.ndarray, frames: int) -> np.ndarray:
    """``mask`` with its False gaps of at most ``frames`` frames filled where True lies on both sides."""
    mask = np.array(mask, dtype=bool)
    for start, stop in runs(~mask):
        if start > 0 and stop < len(mask) and stop - start <= frames:
            mask[start:stop] = True
    return mask


def subtract(start: float, end: float, spans) -> list[tuple[float, float]]:
    """Pieces of ``[start, end]`` not covered by ``spans`` (any order, may overlap)."""
    pieces, cursor = [], start
    for s0, s1 in sorted((float(a), float(b)) for a, b in np.asarray(spans, dtype=float).reshape(-1, 2)):
        if s1 <= cursor or s0 >= end:
            continue
        if s0 > cursor:
            pieces.append((cursor, min(s0, end)))
        cursor = max(cursor, s1)
    if cursor < end:
        pieces.append((cursor, end))
    return pieces


def overlap_s(a0: float, a1: float, b0: float, b1: float) -> float:
    """Seconds shared by ``[a0, a1]`` and ``[b0, b1]`` (0 when apart)."""
    return max(0.0, min(a1, b1) - max(a0, b0))


def total_overlap_s(a, b) -> float:
    """Seconds during which a span of ``a`` and a span of ``b`` both run (each sorted, not overlapping)."""
    total, j = 0.0, 0
    for start, end in a:
        while j < len(b) and b[j][1] <= start:
            j += 1
        k = j
        while k < len(b) and b[k][0] < end:
            total += overlap_s(start, end, b[k][0], b[k][1])
            k += 1
    return total


def merge_close(spans, gap_s: float) -> np.ndarray:
    """``(m, 2)`` sorted ``spans`` with those less than ``gap_s`` apart joined into one."""
    merged: list[list[float]] = []
    for start, end in sorted(np.asarray(spans, dtype=float).reshape(-1, 2).tolist()):
        if merged and start - merged[-1][1] <= gap_s:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return np.asarray(merged, dtype=float).reshape(-1, 2)


def overlaps_any(start: float, end: float, spans) -> bool:
    """True when ``[start, end]`` shares time with any of ``spans``."""
    return any(overlap_s(start, end, s, e) > 0 for s, e in spans)


# ---------------------------------------------------------------------------------- frame tracks --

def n_frames(n_samples: int, *, sr: int, hop_s: float) -> int:
    """Number of centred frames covering ``n_samples`` at hop ``hop_s``."""
    return 1 + n_samples // int(round(hop_s * sr))


def frame_blocks(total: int, *, block: int = FRAME_BLOCK) -> list[tuple[int, int]]:
    """``(first, n)`` for consecutive blocks of at most ``block`` frames."""
    return [(first, min(block, total - first)) for first in range(0, total, block)]


def block_samples(y: np.ndarray, *, first: int, n: int, frame_length: int, hop_length: int) -> np.ndarray:
    """The stretch of ``y`` (zero padded at the edges) whose uncentred frames are the centred frames
    ``first .. first + n - 1``: pass it to a librosa feature with ``center=False``."""
    lo = first * hop_length - frame_length // 2
    hi = lo + (n - 1) * hop_length + frame_length
    piece = np.asarray(y[max(lo, 0) : max(min(hi, len(y)), 0)], dtype=np.float32)
    left = min(-lo, hi - lo) if lo < 0 else 0
    return np.pad(piece, (left, hi - lo - left - len(piece)))


def level_db(y: np.ndarray, *, sr: int, hop_s: float, frame_s: float = LEVEL_FRAME_S) -> np.ndarray:
    """RMS level of centred frames in dBFS (``librosa.feature.rms``), ``n_frames(len(y))`` of them;
    digital silence is ``LEVEL_FLOOR_DB``. Computed a block at a time: flat memory on long audio."""
    import librosa

    hop, length = int(round(hop_s * sr)), int(round(frame_s * sr))
    total = n_frames(len(y), sr=sr, hop_s=hop_s)
    rms = np.empty(total)
    for first, n in frame_blocks(total):
        piece = block_samples(y, first=first, n=n, frame_length=length, hop_length=hop)
        rms[first : first + n] = librosa.feature.rms(y=piece.astype(np.float64), frame_length=length,
                                                     hop_length=hop, center=False)[0, :n]
    return np.maximum(librosa.amplitude_to_db(rms, ref=1.0, amin=1e-12, top_db=None), LEVEL_FLOOR_DB)


def smooth(x: np.ndarray, width: int) -> np.ndarray:
    """Moving average over ``width`` samples, edges repeated (``scipy.ndimage.uniform_filter1d``)."""
    from scipy.ndimage import uniform_filter1d

    if width <= 1 or np.size(x) == 0:
        return np.asarray(x)
    return uniform_filter1d(np.asarray(x, dtype=float), width, mode="nearest")


# -------------------------------------------------------------------------------------- filters --

def highpass(y: np.ndarray, *, sr: int, cutoff_hz: float, order: int = 4) -> np.ndarray:
    """``y`` without DC, drift and rumble below ``cutoff_hz``: Butterworth, zero phase (forward and
    backward), float32 out."""
    from scipy.signal import butter, sosfiltfilt

    if len(y) <= 3 * (2 * order + 1):  # too short to filter both ways: only the DC offset goes
        return (np.asarray(y, dtype=np.float32) - np.mean(y)).astype(np.float32) if len(y) else np.asarray(y, np.float32)
    sos = butter(order, cutoff_hz, "highpass", fs=sr, output="sos")
    # in blocks, each filtered with a margin on both sides that is then dropped: scipy filters in
    # float64 with padded copies (about 6x the block), and the filter's response has died away well
    # within the margin, so the blocks join seamlessly while memory stays flat for any length
    block, margin, n = int(HIGHPASS_BLOCK_S * sr), int(HIGHPASS_MARGIN_S * sr), len(y)
    out = np.empty(n, dtype=np.float32)
    for start in range(0, n, block):
        stop = min(n, start + block)
        first, last = max(0, start - margin), min(n, stop + margin)
        if last - first <= 3 * (2 * order + 1):  # a last scrap too short to filter both ways
            first = max(0, last - block - 2 * margin)
        filtered = sosfiltfilt(sos, np.asarray(y[first:last], dtype=np.float32))
        out[start:stop] = filtered[start - first : stop - first]
    return out
