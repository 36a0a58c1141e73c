"""Write test audio in any container/codec with PyAV, so format tests use real encoders."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

# container format and codec for each file suffix
CODECS = {".wav": ("wav", "pcm_s16le"), ".flac": ("flac", "flac"), ".mp3": ("mp3", "libmp3lame"),
          ".ogg": ("ogg", "libopus"), ".opus": ("ogg", "libopus"), ".m4a": ("mp4", "aac")}


def write_audio(path: Path, channels: np.ndarray, sample_rate: int) -> Path:
    """Encode ``channels`` (n_channels, n_samples) float32 to ``path``, codec chosen by suffix."""
    fmt, codec = CODECS[path.suffix]
    rate = 48000 if codec == "libopus" and sample_rate not in (8000, 12000, 16000, 24000, 48000) else sample_rate
    layout = "stereo" if channels.shape[0] == 2 else "mono"
    with av.open(str(path), "w", format=fmt) as container:
        stream = container.add_stream(codec, rate=rate, layout=layout)
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(channels, dtype=np.float32), format="fltp", layout=layout)
        frame.sample_rate = sample_rate
        resampler = av.AudioResampler(format=stream.codec_context.format, layout=layout, rate=rate)
        for chunk in resampler.resample(frame) + resampler.resample(None):
            for packet in stream.encode(chunk):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path
