"""What makes an HTML card listenable: the recording as an ``<audio>`` source (a compressed copy
embedded as a data: URI, or a link to the file when it is too long to embed), the time of every
word of the card's text, and the script (``static/listen.js``) that plays from a clicked finding
or word and highlights the word being heard."""

from __future__ import annotations

import base64
import io
from importlib.resources import files
from pathlib import Path

from analyzer.types import Scorecard

# longer recordings are linked, not embedded: at OPUS_BIT_RATE 10 minutes is ~1.8 MB of base64
EMBED_MAX_S = 600.0
# bit/s: Opus speech at 24 kbit/s is transparent enough to judge delivery (RFC 6716 §2.1.1)
OPUS_BIT_RATE = 24_000


def listen_js() -> str:
    """The card's playback script (shared by the HTML report and ``analyzer serve``)."""
    return files("analyzer.reports").joinpath("static/listen.js").read_text(encoding="utf-8")


def opus_bytes(samples, *, sr: int) -> bytes:
    """Mono float32 ``samples`` at ``sr`` Hz encoded as Opus in an Ogg container (PyAV)."""
    import av
    import numpy as np

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=sr, layout="mono")
        stream.bit_rate = OPUS_BIT_RATE
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples, dtype=np.float32)[np.newaxis, :],
                                           format="flt", layout="mono")
        frame.sample_rate = sr
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    return buffer.getvalue()


def audio_source(path: str | Path) -> str | None:
    """An ``<audio src>`` for the recording at ``path``: an Opus data: URI, or the file's URI when
    it is longer than :data:`EMBED_MAX_S`; None when the file cannot be read (nothing to play)."""
    from analyzer.audio.load import load_audio
    from analyzer.errors import AudioError

    path = Path(path)
    try:
        audio = load_audio(path)
    except AudioError:
        return None
    if audio.duration > EMBED_MAX_S:
        return path.resolve().as_uri()
    return audio_data_uri(audio.samples, sr=audio.sample_rate)


def audio_data_uri(samples, *, sr: int) -> str:
    """Mono ``samples`` at ``sr`` Hz as an ``audio/ogg`` (Opus) data: URI."""
    return "data:audio/ogg;base64," + base64.b64encode(opus_bytes(samples, sr=sr)).decode("ascii")


def word_spans(card: Scorecard) -> list[tuple[int, int, float, float]]:
    """(char start, char end, start s, end s) of each transcript word found, in order, in ``card.text``
    (a call's card holds only the rep's opener words: the others are not found and left out)."""
    if card.transcript is None:
        return []
    spans, position = [], 0
    for word in card.transcript.words:
        token = word.word.strip()
        at = card.text.find(token, position) if token else -1
        if at < 0:
            continue
        spans.append((at, at + len(token), word.start, word.end))
        position = at + len(token)
    return spans
