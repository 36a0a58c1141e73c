"""Audio loading: every common format and rate to mono float32 16 kHz; one clear error per bad file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from analyzer.audio.load import SAMPLE_RATE, load_audio
from analyzer.errors import AudioError
from tests.audio_files import write_audio


def test_real_flac_is_mono_16k_with_channels_kept(jfk):
    assert jfk.sample_rate == SAMPLE_RATE and jfk.samples.dtype == np.float32
    assert jfk.samples.ndim == 1 and jfk.channels.shape == (2, len(jfk.samples))
    assert jfk.source_sample_rate == 44100 and jfk.source_channels == 2
    assert 10.9 < jfk.duration < 11.1
    assert np.abs(jfk.samples).max() <= 1.0


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".mp3", ".ogg", ".opus", ".m4a"])
@pytest.mark.parametrize("sample_rate,n_channels", [(8000, 1), (16000, 1), (44100, 2), (48000, 2)])
def test_formats_and_rates_decode_to_the_same_speech(tmp_path, jfk, suffix, sample_rate, n_channels):
    import librosa

    source = librosa.resample(jfk.samples[: 4 * SAMPLE_RATE], orig_sr=SAMPLE_RATE, target_sr=sample_rate)
    path = write_audio(tmp_path / f"clip{suffix}", np.tile(source, (n_channels, 1)), sample_rate)
    audio = load_audio(path)
    assert audio.sample_rate == SAMPLE_RATE and audio.channels.shape[0] == n_channels
    assert abs(audio.duration - 4.0) < 0.25  # encoder priming and padding (AAC at 8 kHz: ~0.22 s)
    # same signal as the original: RMS envelopes in 50 ms frames correlate strongly once the
    # encoder's priming delay (up to ~0.2 s for AAC) is allowed for
    frame = SAMPLE_RATE // 20
    envelope = lambda x: np.sqrt((x[: len(x) // frame * frame].reshape(-1, frame) ** 2).mean(axis=1))  # noqa: E731
    decoded, original = envelope(audio.samples), envelope(jfk.samples[: 4 * SAMPLE_RATE])
    best = max(np.corrcoef(decoded[lag : lag + 70], original[:70])[0, 1] for lag in range(6))
    assert best > 0.95


def test_stereo_channels_stay_apart(tmp_path):
    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    left, right = 0.5 * np.sin(2 * np.pi * 220 * t), np.zeros_like(t)
    audio = load_audio(write_audio(tmp_path / "call.wav", np.stack([left, right]), SAMPLE_RATE))
    assert np.abs(audio.channel(0).samples).max() > 0.4
    assert np.abs(audio.channel(1).samples).max() < 1e-3


def _bad_files(tmp_path, jfk):
    wav = write_audio(tmp_path / "good.wav", jfk.samples[None, :], SAMPLE_RATE)
    mp3 = write_audio(tmp_path / "good.mp3", jfk.samples[None, :], SAMPLE_RATE)
    cases = {
        "missing.wav": ("file not found", None),
        "empty.wav": ("empty file", b""),
        "notes.wav": ("not a readable audio file", b"this is a text file, not audio\n" * 20),
        "random.mp3": ("not a readable audio file", np.random.default_rng(0).bytes(20000)),
        "truncated.wav": ("truncated WAV", wav.read_bytes()[:30000]),
        "header-only.mp3": ("not a readable audio file", mp3.read_bytes()[:200]),
    }
    for name, (_, content) in cases.items():
        if content is not None:
            (tmp_path / name).write_bytes(content)
    return {tmp_path / name: expected for name, (expected, _) in cases.items()}


def test_bad_files_raise_one_line_errors_naming_the_file(tmp_path, jfk):
    for path, expected in _bad_files(tmp_path, jfk).items():
        with pytest.raises(AudioError) as info:
            load_audio(path)
        message = str(info.value)
        assert message.startswith(str(path)) and expected in message and "\n" not in message


def test_directory_and_unreadable_file(tmp_path, jfk):
    with pytest.raises(AudioError, match="is a directory"):
        load_audio(tmp_path)
    locked = write_audio(tmp_path / "locked.wav", jfk.samples[None, :16000], SAMPLE_RATE)
    os.chmod(locked, 0)
    if os.geteuid() != 0:
        with pytest.raises(AudioError, match="permission denied"):
            load_audio(locked)
        return
    # root reads anything: drop the capabilities that bypass permission bits (util-linux setpriv)
    caps = "-dac_override,-dac_read_search"
    code = f"from analyzer.audio.load import load_audio\ntry: load_audio({str(locked)!r})\nexcept Exception as e: print(e)"
    result = subprocess.run(["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}", sys.executable, "-c", code],
                            capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1], check=True)
    assert result.stdout.strip() == f"{locked}: permission denied"
