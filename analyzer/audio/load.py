"""Load any common audio format into float32 mono at 16 kHz, with clear errors for bad files.

Decoding goes through PyAV (FFmpeg's libraries, shipped with faster-whisper), so wav, flac,
mp3, ogg/opus and m4a all work without a system ffmpeg. Channels are kept so that two-party
calls (one party per channel) can be split later.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
import stat
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
# the longest recording decoded (h), unless PITCH_ANALYZER_MAX_AUDIO_HOURS says otherwise: a
# header that states more is refused before decoding (4 h at 16 kHz float32 is 0.9 GB)
MAX_AUDIO_HOURS = 4.0

logger = logging.getLogger(__name__)


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


def max_audio_s() -> float:
    """The longest recording decoded, in seconds: ``PITCH_ANALYZER_MAX_AUDIO_HOURS`` (default 4 h)."""
    from analyzer.errors import InputError

    raw = os.environ.get("PITCH_ANALYZER_MAX_AUDIO_HOURS", str(MAX_AUDIO_HOURS))
    try:
        hours = float(raw)
    except ValueError:
        hours = float("nan")
    if not math.isfinite(hours) or hours <= 0:
        raise InputError(f"PITCH_ANALYZER_MAX_AUDIO_HOURS must be a positive number of hours, not {raw!r}")
    return hours * 3600


class _Samples:
    """A (channels, n) float32 buffer that grows by doubling; filled block by block as frames decode.

    Allocated with ``np.empty``, so pages not yet written cost no memory: sizing it from the length the
    header states keeps the peak at one copy of the decoded audio (a list of frames joined at the end
    held two).
    """

    def __init__(self, n_channels: int, capacity: int) -> None:
        self.data = np.empty((n_channels, max(capacity, 1)), np.float32)
        self.size = 0
        self.non_finite = 0

    def add(self, block: np.ndarray) -> None:
        n = block.shape[1]
        if self.size + n > self.data.shape[1]:
            grown = np.empty((self.data.shape[0], max(2 * self.data.shape[1], self.size + n)), np.float32)
            grown[:, : self.size] = self.data[:, : self.size]
            self.data = grown
        target = self.data[:, self.size : self.size + n]
        target[...] = block
        if not np.isfinite(target).all():  # NaN hangs Whisper's decoder: silence it, clip infinities
            self.non_finite += int(np.count_nonzero(~np.isfinite(target)))
            np.nan_to_num(target, copy=False, nan=0.0, posinf=1.0, neginf=-1.0)
        self.size += n


def _decode(path: Path, sample_rate: int) -> tuple[np.ndarray, int, int, float | None, int]:
    """Decode every audio frame, resampled to ``sample_rate``; returns (channels, sr_in, n_in,
    the length the header states, how many non-finite samples were repaired).

    A header that states (or a stream that decodes to) more than :func:`max_audio_s` is refused
    before the samples are held: a tiny file whose header claims 1 Hz would otherwise decode to a day.
    """
    import av  # deferred: keeps `analyzer --help` fast
    from analyzer.errors import AudioError

    limit_s = max_audio_s()
    too_long = f"longer than the {limit_s / 3600:g} h limit (PITCH_ANALYZER_MAX_AUDIO_HOURS)"
    with av.open(str(path), metadata_errors="ignore") as container:
        stated_s = _stated_length_s(container, path)
        if not container.streams.audio:
            raise ValueError("no audio stream")
        stream = container.streams.audio[0]
        source_rate = stream.codec_context.sample_rate or sample_rate
        n_channels = stream.codec_context.channels or 1
        declared_s = max(stated_s or 0.0, _stream_length_s(stream))
        if declared_s > limit_s:
            raise AudioError(path, f"its header states {declared_s / 3600:.1f} h of audio, {too_long}")
        layout = "stereo" if n_channels >= 2 else "mono"
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=sample_rate)
        buffer = _Samples(min(n_channels, 2), int((declared_s + 1) * sample_rate))
        limit = int(limit_s * sample_rate)
        for frame in _frames(container, stream):
            for resampled in resampler.resample(frame):
                buffer.add(resampled.to_ndarray())
            if buffer.size > limit:
                raise AudioError(path, f"decodes to more audio than its header states, {too_long}")
    return buffer.data[:, : buffer.size], source_rate, n_channels, stated_s, buffer.non_finite


def _frames(container, stream):
    """The stream's decoded frames, then None (which flushes the resampler)."""
    yield from container.decode(stream)
    yield None


def _stream_length_s(stream) -> float:
    """The stream's own stated length in seconds (frames / rate), 0 when it states none."""
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if stream.frames and stream.codec_context.sample_rate:
        return stream.frames / stream.codec_context.sample_rate
    return 0.0


def load_audio(path: str | Path, *, sample_rate: int = SAMPLE_RATE) -> Audio:
    """Decode ``path`` to float32 at ``sample_rate``; raise :class:`AudioError` naming the problem."""
    from analyzer.errors import AnalyzerError, AudioError
    from analyzer.storage import is_url

    if is_url(path):
        return load_url(path, sample_rate=sample_rate)
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise AudioError(path, "file not found") from None
    except OSError as exc:
        raise AudioError(path, f"cannot read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise AudioError(path, "is a directory, not an audio file")
    if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end: never opened
        raise AudioError(path, "not a regular file (a pipe, socket or device); give a recording file")
    try:
        with open(path, "rb"):
            pass
    except PermissionError:
        raise AudioError(path, "permission denied") from None
    if info.st_size == 0:
        raise AudioError(path, "empty file (0 bytes)")
    try:
        channels, source_rate, n_channels, stated_s, repaired = _decode(path, sample_rate)
    except AnalyzerError:
        raise
    except Exception as exc:  # PyAV raises many FFmpeg error types; one message for the user
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise AudioError(path, f"not a readable audio file ({reason})") from None
    if repaired:
        logger.warning("%s: %d samples were not finite numbers (NaN or infinite): set to silence or full scale",
                       path, repaired)
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


def load_url(url: str, *, sample_rate: int = SAMPLE_RATE) -> Audio:
    """:func:`load_audio` for an fsspec URL (``s3://bucket/call.wav``): read through fsspec (see
    :func:`analyzer.storage.local_copy`), with every check of a local file; errors name the URL."""
    from analyzer.errors import AudioError, InputError
    from analyzer.storage import local_copy

    try:
        with local_copy(url) as local:
            return dataclasses.replace(load_audio(local, sample_rate=sample_rate), path=url)
    except AudioError as exc:
        raise AudioError(url, exc.problem) from None
    except InputError as exc:
        raise AudioError(url, str(exc).removeprefix(f"{url}: ")) from None
