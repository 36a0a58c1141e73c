"""The data types that flow between the pipeline's stages (see DESIGN.md).

Every type is a frozen dataclass with ``to_dict()`` / ``from_dict()`` so that it
round-trips through JSON (the transcript cache and the CLI's JSON output rely on it).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from analyzer import __version__


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
class Sentence:
    """One sentence of a pitch and its role, from the sentence-role classifier (analyzer.text.roles)."""

    text: str
    # character span in the card's text
    char_start: int
    char_end: int
    # time span in seconds, when the words have timings
    start: float | None
    end: float | None
    # intro | reason | value | ask | number | cliche | other
    role: str
    # the classifier's probability of that role, 0..1
    confidence: float
    # for a cliche: drop-by, checking-in, permission, pretext, familiarity, guilt, self-praise, ...
    cliche_kind: str | None = None
    # id of the pitch holding the most similar development-set sentence of the same role
    nearest_id: str | None = None
    nearest_text: str | None = None
    # cosine similarity of the two sentences' embeddings
    similarity: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Sentence":
        return cls(**data)


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
    # character span (None when not tied to text) in the text named by ``span_text``: "card"
    # (the card's text: the script checked or the transcript) or "script" (the script read from)
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
    span_text: str = "card"
    # overall points fixing this finding wins back under the fitted model (set on a scorecard)
    points: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Finding":
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

FINDING_COLUMNS = ("rule", "dimension", "severity", "message", "suggestion", "quote", "char_start", "char_end",
                   "start", "end", "value", "threshold", "source", "points")


@dataclass(frozen=True, eq=False)
class Measures:
    """What the audio checks look at: one recording's transcript and what was measured from it."""

    transcript: Transcript
    # the recording's channels, (n_channels, n) float32 (None when only the words are known)
    channels: Any = None
    # the analyzer.delivery.measure.Delivery of the speaker scored (None before it is measured)
    delivery: Any = None
    # the analyzer.calls.conversation.Conversation of a two-party call (None for a voicemail)
    conversation: Any = None


@dataclass(frozen=True, eq=False)
class Scorecard:
    """Scores 0–100 per dimension, the overall score and grade, and the findings to fix first."""

    file: str
    # length of the recording in seconds (None for a script without audio)
    duration: float | None
    overall: float
    grade: str
    passed: bool
    dimensions: dict[str, float]
    # ordered "fix first": the finding whose fix wins back most points comes first
    findings: tuple[Finding, ...]
    # the analysed text (the script, or the transcript joined word by word)
    text: str
    transcript: Transcript | None = None
    # the Delivery measured from the audio (None for a script)
    delivery: Any = None
    # the Conversation of a two-party call (None for a voicemail or a script)
    conversation: Any = None
    # "voicemail" or "opener" (a live call), and the sentence saying why (detected or given)
    kind: str = "voicemail"
    kind_evidence: str = ""
    # the pitch's sentences with their learned roles (analyzer.text.roles)
    sentences: tuple[Sentence, ...] = ()
    version: str = __version__

    @property
    def top_fixes(self) -> tuple[Finding, ...]:
        """The first three findings of different rules in fix-first order (a repeat is the same fix)."""
        firsts = {}
        for finding in self.findings:
            firsts.setdefault(finding.rule, finding)
        return tuple(firsts.values())[:3]

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``analyzer score --format json`` (schema: analyzer/data/scorecard.schema.json)."""
        return {
            "file": self.file,
            "duration": self.duration,
            "overall": round(self.overall, 1),
            "grade": self.grade,
            "passed": self.passed,
            "dimensions": {name: round(score, 1) for name, score in self.dimensions.items()},
            "findings": [f.to_dict() for f in self.findings],
            "text": self.text,
            "transcript": self.transcript.to_dict() if self.transcript else None,
            "delivery": self.delivery.to_dict() if self.delivery is not None else None,
            "conversation": self.conversation.to_dict() if self.conversation is not None else None,
            "kind": self.kind,
            "kind_evidence": self.kind_evidence,
            "sentences": [s.to_dict() for s in self.sentences],
            "version": self.version,
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_frame(self):
        """One row per finding (pandas DataFrame), in fix-first order."""
        import pandas as pd

        rows = [{"file": self.file, "order": i + 1, **f.to_dict()} for i, f in enumerate(self.findings)]
        return pd.DataFrame(rows, columns=["file", "order", *FINDING_COLUMNS])

    def plot(self):
        """Waveform, pitch contour, word timeline and pauses (a matplotlib Figure)."""
        from analyzer.reports.plots import plot_scorecard

        return plot_scorecard(self)

    def _repr_html_(self) -> str:
        from analyzer.reports.render import render_card_html

        return render_card_html(self)
