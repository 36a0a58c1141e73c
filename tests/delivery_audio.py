"""Test audio with known answers for the prosody and delivery tests.

- synthetic signals: harmonic tones at a known pitch, silences at known times, a steady
  "vowel" for filled-pause tests;
- real continuous speech with silences inserted at known times, with numpy or with SoX
  (``sox in out pad DUR@POS ...``, as the issue asks), from the LJ Speech clip in ../shared/speech;
- espeak-ng speech without punctuation (so espeak inserts no pauses of its own).

The real recordings are read in place from ../shared/speech and never copied into the repo.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np

SR = 16000
SPEECH = Path(__file__).resolve().parents[1].parent / "shared" / "speech"
LJ = SPEECH / "ljspeech" / "LJ050-0131.wav"
# LJ050-0131 ("unless a system is established | for the frequent formal review | of activities
# thereunder. | In this regard") has three reader's pauses, each a silence 30+ dB under the vowels:
# 1.83-2.23 s, 4.07-4.43 s and 5.92-6.54 s. Between them the speech runs on without a pause;
# these are those stretches, trimmed 30 ms clear of each pause.
LJ_CONTINUOUS_S = [(0.0, 1.80), (2.26, 4.04), (4.46, 5.89), (6.57, 7.64)]


def tone(f0_hz: float, duration_s: float, *, sr: int = SR, amplitude: float = 0.3, harmonics: int = 4) -> np.ndarray:
    """A harmonic complex at ``f0_hz`` (amplitudes falling 1/k), like a sustained voiced vowel."""
    t = np.arange(int(round(duration_s * sr))) / sr
    y = sum(np.sin(2 * np.pi * k * f0_hz * t) / k for k in range(1, harmonics + 1))
    return (amplitude * y / np.max(np.abs(y))).astype(np.float32)


def glide(f0_start_hz: float, f0_end_hz: float, duration_s: float, *, sr: int = SR,
          amplitude: float = 0.3) -> np.ndarray:
    """A harmonic complex whose pitch glides from one frequency to another (log scale)."""
    t = np.arange(int(round(duration_s * sr))) / sr
    f0 = f0_start_hz * (f0_end_hz / f0_start_hz) ** (t / duration_s)
    phase = 2 * np.pi * np.cumsum(f0) / sr
    y = sum(np.sin(k * phase) / k for k in range(1, 5))
    return (amplitude * y / np.max(np.abs(y))).astype(np.float32)


def syllables(duration_s: float, *, sr: int = SR, rate_hz: float = 4.0, seed: int = 0) -> np.ndarray:
    """Speech-like sound without silences: a gliding voiced carrier, amplitude-modulated at the
    syllable rate, dipping to -20 dB between syllables (never silent), with a little noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(round(duration_s * sr))) / sr
    f0 = 120 * 2 ** (np.sin(2 * np.pi * 0.3 * t) / 6)
    phase = 2 * np.pi * np.cumsum(f0) / sr
    carrier = sum(np.sin(k * phase) / k for k in range(1, 6))
    envelope = 0.1 + 0.9 * (0.5 + 0.5 * np.sin(2 * np.pi * rate_hz * t)) ** 2
    y = carrier * envelope + 0.02 * rng.standard_normal(len(t))
    return (0.3 * y / np.max(np.abs(y))).astype(np.float32)


def silence(duration_s: float, *, sr: int = SR, noise_dbfs: float | None = None, seed: int = 1) -> np.ndarray:
    """Digital silence, or white noise at ``noise_dbfs`` RMS (a room-tone bed)."""
    n = int(round(duration_s * sr))
    if noise_dbfs is None:
        return np.zeros(n, dtype=np.float32)
    return (10 ** (noise_dbfs / 20) * np.random.default_rng(seed).standard_normal(n)).astype(np.float32)


def lj_continuous(*, sr: int = SR) -> list[np.ndarray]:
    """The pause-free stretches of the LJ Speech clip, as float32 mono at ``sr``."""
    from analyzer.audio.load import load_audio

    y = load_audio(LJ, sample_rate=sr).samples
    return [y[int(a * sr):int(b * sr)] for a, b in LJ_CONTINUOUS_S]


def loud_points(y: np.ndarray, *, sr: int = SR, count: int, margin_s: float = 0.25,
                spacing_s: float = 0.35) -> list[float]:
    """``count`` times (s) inside loud stretches (vowels) of ``y``, away from its ends and each other."""
    hop = sr // 100
    frames = len(y) // hop
    level = np.array([np.sqrt(np.mean(y[i * hop:(i + 1) * hop] ** 2) + 1e-12) for i in range(frames)])
    loud = 20 * np.log10(level) > 20 * np.log10(level.max()) - 12
    chosen: list[float] = []
    for i in np.argsort(-level):
        t = (i + 0.5) * hop / sr
        if not loud[max(0, i - 3):i + 4].all() or t < margin_s or t > len(y) / sr - margin_s:
            continue
        if all(abs(t - c) >= spacing_s for c in chosen):
            chosen.append(t)
        if len(chosen) == count:
            break
    return sorted(chosen)


def insert_silences(y: np.ndarray, at_s: list[float], durations_s: list[float], *, sr: int = SR,
                    noise_dbfs: float | None = None) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """``y`` with silences inserted at the given input times; returns the audio and the
    (start, end) of each inserted silence on the output's timeline."""
    pieces, truth, cursor, shift = [], [], 0, 0.0
    for seed, (at, duration) in enumerate(sorted(zip(at_s, durations_s))):
        cut = int(round(at * sr))
        pieces += [y[cursor:cut], silence(duration, sr=sr, noise_dbfs=noise_dbfs, seed=seed)]
        truth.append((cut / sr + shift, cut / sr + shift + duration))
        shift += len(pieces[-1]) / sr
        cursor = cut
    pieces.append(y[cursor:])
    return np.concatenate(pieces).astype(np.float32), truth


def sox_insert_silences(src: Path, dst: Path, at_s: list[float], durations_s: list[float]) -> list[tuple[float, float]]:
    """The same with SoX's ``pad`` effect (positions on the input timeline); returns the truth."""
    specs = [f"{d:.4f}@{a:.4f}" for a, d in sorted(zip(at_s, durations_s))]
    subprocess.run(["sox", "-D", "-V1", str(src), str(dst), "pad", *specs], check=True)
    truth, shift = [], 0.0
    for a, d in sorted(zip(at_s, durations_s)):
        truth.append((a + shift, a + shift + d))
        shift += d
    return truth


def write_wav(path: Path, y: np.ndarray, *, sr: int = SR) -> Path:
    import soundfile

    soundfile.write(str(path), y, sr, subtype="PCM_16")
    return path


def espeak(text: str, path: Path, *, wpm: int = 150) -> Path | None:
    """espeak-ng speech for ``text`` at 16 kHz mono, or None when espeak-ng or sox is missing."""
    if not (shutil.which("espeak-ng") and shutil.which("sox")):
        return None
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", str(wpm), "-w", str(raw), text], check=True)
    subprocess.run(["sox", "-D", "-V1", str(raw), "-r", str(SR), "-c", "1", "-b", "16", str(path),
                    "silence", "1", "0.005", "-50d", "reverse", "silence", "1", "0.005", "-50d", "reverse"], check=True)
    return path


def matched(found: np.ndarray, truth: list[tuple[float, float]], tol_s: float) -> list[bool]:
    """For each true span, whether a found span has both edges within ``tol_s``."""
    return [any(abs(s - a) <= tol_s and abs(e - b) <= tol_s for s, e in np.asarray(found).reshape(-1, 2))
            for a, b in truth]
