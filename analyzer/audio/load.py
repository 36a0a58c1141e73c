"""Load any common audio format into float32 mono at 16 kHz, with clear errors for bad files.

Decoding goes through PyAV (FFmpeg's libraries, shipped with faster-whisper), so wav, flac,
mp3, ogg/opus and m4a all work without a system ffmpeg. Channels are kept so that two-party
calls (one party per channel) can be split later.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16000  # Hz: what Whisper and every later stage expect
MIN_DURATION_S = 0.1  # shorter than this is treated as empty
# a file that decodes to this much less than its header promises is truncated
TRUNCATION_TOLERANCE_S = 0.5
# MP3 headers that state the number of frames (Xing/Info from LAME and FFmpeg, VBRI from
# Fraunhofer); without one FFmpeg only estimates the length from the bit rate
MP3_LENGTH_TAGS = (b"Xing", b"Info", b"VBRI")


@dataclass(frozen=True, eq=False)
class Audio:
    """Decoded audio: ``samples`` is mono float32 in [-1, 1]; ``channels`` is (n_channels, n)."""

    samples: np.ndarray
    sample_rate: int
    path: str
    channels: np.ndarray
    # sample rate and channel count of the file as it was stored
    source_sample_rate: int = SAMPLE_RATE
    source_channels: int = 1

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.sample_rate

    def channel(self, index: int) -> "Audio":
        """One channel of a multi-channel recording as mono audio (e.g. one party of a call)."""
        mono = np.ascontiguousarray(self.channels[index])
        return dataclasses.replace(self, samples=mono, channels=mono[np.newaxis, :])


def _riff_shortfall(path: Path) -> int:
    """Bytes missing from a WAV file whose header promises more data than the file holds."""
    with open(path, "rb") as handle:
        header = handle.read(12)
        if header[:4] != b"RIFF" or header[8:12] != b"WAVE":
            return 0
        while chunk := handle.read(8):
            if len(chunk) < 8:
                return 0
            size = int.from_bytes(chunk[4:], "little")
            if chunk[:4] == b"data":
                remaining = path.stat().st_size - handle.tell()
                return max(0, size - remaining) if size != 0xFFFFFFFF else 0
            handle.seek(size + (size & 1), 1)
    return 0


def _stated_length_s(container, path: Path) -> float | None:
    """Length in seconds that the file's header states, or None when FFmpeg only estimates it."""
    if container.duration is None:
        return None
    if container.format.name == "mp3":
        with open(path, "rb") as handle:
            head = handle.read(1 << 16)
        if not any(tag in head for tag in MP3_LENGTH_TAGS):
            return None
    return container.duration / 1_000_000


def _decode(path: Path, sample_rate: int) -> tuple[np.ndarray, int, int, float | None]:
    """Decode every audio frame, resampled to ``sample_rate``; returns (channels, sr_in, n_in,
    the length the header states)."""
    import av  # deferred: keeps `analyzer --help` fast

    with av.open(str(path), metadata_errors="ignore") as container:
        stated_s = _stated_length_s(container, path)
        if not container.streams.audio:
            raise ValueError("no audio stream")
        stream = container.streams.audio[0]
        source_rate = stream.codec_context.sample_rate or sample_rate
        n_channels = stream.codec_context.channels or 1
        layout = "stereo" if n_channels >= 2 else "mono"
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=sample_rate)
        chunks = []
        for frame in container.decode(stream):
            chunks.extend(resampled.to_ndarray() for resampled in resampler.resample(frame))
        chunks.extend(resampled.to_ndarray() for resampled in resampler.resample(None))
    if not chunks:
        return np.zeros((min(n_channels, 2), 0), np.float32), source_rate, n_channels, stated_s
    return np.concatenate(chunks, axis=1).astype(np.float32, copy=False), source_rate, n_channels, stated_s


def load_audio(path: str | Path, *, sample_rate: int = SAMPLE_RATE) -> Audio:
    """Decode ``path`` to float32 at ``sample_rate``; raise :class:`AudioError` naming the problem."""
    from analyzer.errors import AudioError

    path = Path(path)
    if not path.exists():
        raise AudioError(path, "file not found")
    if path.is_dir():
        raise AudioError(path, "is a directory, not an audio file")
    try:
        size = path.stat().st_size
        with open(path, "rb"):
            pass
    except PermissionError:
        raise AudioError(path, "permission denied") from None
    if size == 0:
        raise AudioError(path, "empty file (0 bytes)")
    try:
        channels, source_rate, n_channels, stated_s = _decode(path, sample_rate)
    except Exception as exc:  # PyAV raises many FFmpeg error types; one message for the user
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise AudioError(path, f"not a readable audio file ({reason})") from None
    if (missing := _riff_shortfall(path)) > 0:
        raise AudioError(path, f"truncated WAV file ({missing} bytes of audio data missing)")
    decoded_s = channels.shape[1] / sample_rate
    if stated_s is not None and decoded_s < stated_s - TRUNCATION_TOLERANCE_S:
        raise AudioError(path, f"truncated file ({decoded_s:.1f} s decoded of the {stated_s:.1f} s its header states)")
    if channels.shape[1] == 0:
        raise AudioError(path, "holds no audio samples (an empty recording)")
    if channels.shape[1] < MIN_DURATION_S * sample_rate:
        raise AudioError(path, f"audio is shorter than {MIN_DURATION_S} s (empty or truncated)")
    np.clip(channels, -1.0, 1.0, out=channels)
    return Audio(
        samples=channels[0] if len(channels) == 1 else channels.mean(axis=0, dtype=np.float32),
        sample_rate=sample_rate,
        path=str(path),
        channels=channels,
        source_sample_rate=source_rate,
        source_channels=n_channels,
    )
