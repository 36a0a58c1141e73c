"""The data types that flow between the pipeline's stages (see DESIGN.md).

Every type is a frozen dataclass with ``to_dict()`` / ``from_dict()`` so that it
round-trips through JSON (the transcript cache and the CLI's JSON output rely on it).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Word:
    """One recognised word; field names are those both Whisper libraries use."""

    # the word as the engine wrote it, stripped of surrounding spaces
    word: str
    # start and end time in seconds from the start of the recording
    start: float
    end: float
    # the engine's confidence in the word, 0..1
    probability: float

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Word":
        return cls(str(data["word"]), float(data["start"]), float(data["end"]), float(data["probability"]))


@dataclass(frozen=True)
class Segment:
    """A stretch of speech the engine decoded at once, with its words."""

    text: str
    start: float
    end: float
    words: tuple[Word, ...] = ()
    # the engine's probability that this segment holds no speech at all
    no_speech_prob: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "no_speech_prob": self.no_speech_prob,
            "words": [w.to_dict() for w in self.words],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Segment":
        return cls(
            text=str(data["text"]),
            start=float(data["start"]),
            end=float(data["end"]),
            words=tuple(Word.from_dict(w) for w in data.get("words", [])),
            no_speech_prob=float(data.get("no_speech_prob", 0.0)),
        )


@dataclass(frozen=True)
class Transcript:
    """What was said, with word timings; ``words`` and ``text`` are views over segments."""

    segments: tuple[Segment, ...]
    language: str
    engine: str
    model: str
    # length of the audio in seconds
    duration: float
    file: str = ""
    # how sure the engine is of ``language`` (0..1; 1.0 when it was given or the model is English-only)
    language_probability: float = 1.0

    @property
    def words(self) -> list[Word]:
        return [w for s in self.segments for w in s.words]

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments).strip()

    @property
    def no_speech(self) -> bool:
        """True when the engine found no words at all (silence, noise, music)."""
        return not self.words

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``analyzer transcribe --format json``."""
        return {
            "file": self.file,
            "duration": self.duration,
            "language": self.language,
            "language_probability": self.language_probability,
            "engine": self.engine,
            "model": self.model,
            "text": self.text,
            "no_speech": self.no_speech,
            "segments": [s.to_dict() for s in self.segments],
            "words": [w.to_dict() for w in self.words],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Transcript":
        return cls(
            segments=tuple(Segment.from_dict(s) for s in data["segments"]),
            language=str(data["language"]),
            engine=str(data["engine"]),
            model=str(data["model"]),
            duration=float(data["duration"]),
            file=str(data.get("file", "")),
            language_probability=float(data.get("language_probability", 1.0)),
        )


@dataclass(frozen=True)
class Finding:
    """One problem found in a pitch, with the evidence a rep needs to believe it."""

    # rule id, e.g. "cliche.in-your-area"
    rule: str
    # scorecard dimension the rule belongs to, e.g. "cliches"
    dimension: str
    # "error" | "warning" | "info"
    severity: str
    message: str
    suggestion: str
    # the words of the pitch this finding is about ("" when it is about the whole pitch)
    quote: str = ""
    # character span in the analysed text (None when not tied to text)
    char_start: int | None = None
    char_end: int | None = None
    # time span in seconds when the words have timings
    start: float | None = None
    end: float | None = None
    # the measured value and the threshold it was held to
    value: float | str | None = None
    threshold: float | str | None = None
    # where the threshold comes from (study, trainer's guideline)
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Finding":
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})
