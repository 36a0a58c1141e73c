"""Transcript output formats, one small function per format looked up in a dict (as whisper's
``get_writer``): json (the contract later stages and users rely on), txt, srt, vtt."""

from __future__ import annotations

import json
from typing import Callable

from analyzer.types import Transcript


def _timestamp(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def to_json(transcript: Transcript) -> str:
    return json.dumps(transcript.to_dict(), indent=2, ensure_ascii=False)


def to_txt(transcript: Transcript) -> str:
    if transcript.no_speech:
        return "(no speech detected)"
    return "\n".join(s.text for s in transcript.segments)


def to_srt(transcript: Transcript) -> str:
    return "\n".join(
        f"{i}\n{_timestamp(s.start, ',')} --> {_timestamp(s.end, ',')}\n{s.text}\n"
        for i, s in enumerate(transcript.segments, start=1)
    )


def to_vtt(transcript: Transcript) -> str:
    cues = [f"{_timestamp(s.start, '.')} --> {_timestamp(s.end, '.')}\n{s.text}\n" for s in transcript.segments]
    return "\n".join(["WEBVTT\n", *cues])


TRANSCRIPT_WRITERS: dict[str, Callable[[Transcript], str]] = {
    "json": to_json,
    "txt": to_txt,
    "srt": to_srt,
    "vtt": to_vtt,
}
