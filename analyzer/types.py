"""The data types that flow between the pipeline's stages (see DESIGN.md).

Every type is a frozen dataclass with ``to_dict()`` / ``from_dict()`` so that it
round-trips through JSON (the transcript cache and the CLI's JSON output rely on it); both go
through :mod:`analyzer.serialise`, and the card's JSON schema is generated from these declarations
(:mod:`analyzer.schema`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from analyzer import __version__
from analyzer.serialise import from_json_dict, to_json_dict

if TYPE_CHECKING:
    from analyzer.calls.conversation import Conversation
    from analyzer.delivery.measure import Delivery

# the roles the sentence-role classifier (analyzer.text.roles) gives a sentence
Role = Literal["intro", "reason", "value", "ask", "number", "cliche", "other"]


@dataclass(frozen=True)
class Word:
    """One recognised word; field names are those both Whisper libraries use."""

    # the word as the engine wrote it, stripped of surrounding spaces
    word: str
    # start and end time in seconds from the start of the recording
    start: float
    end: float
    # the engine's confidence in the word, 0..1
    probability: float = field(metadata={"schema": {"minimum": 0, "maximum": 1}})

    def to_dict(self) -> dict[str, Any]:
        return to_json_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Word":
        return from_json_dict(cls, data)


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
        return to_json_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Segment":
        return from_json_dict(cls, data)


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
    language_probability: float = field(default=1.0, metadata={"schema": {"minimum": 0, "maximum": 1}})

    # the views written into the JSON too (``analyzer transcribe --format json``)
    JSON_EXTRA: ClassVar = ("text", "no_speech", "words")

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
        return to_json_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Transcript":
        return from_json_dict(cls, data)


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
    role: Role
    # the classifier's probability of that role, 0..1
    confidence: float = field(metadata={"schema": {"minimum": 0, "maximum": 1}})
    # for a cliche: drop-by, checking-in, permission, pretext, familiarity, guilt, self-praise, ...
    cliche_kind: str | None = None
    # id of the pitch holding the most similar development-set sentence of the same role
    nearest_id: str | None = None
    nearest_text: str | None = None
    # cosine similarity of the two sentences' embeddings
    similarity: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return to_json_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Sentence":
        return from_json_dict(cls, data)


@dataclass(frozen=True)
class Finding:
    """One problem found in a pitch, with the evidence a rep needs to believe it."""

    # rule id, e.g. "cliche.in-your-area"
    rule: str = field(metadata={"schema": {"pattern": "^[a-z]+\\.[a-z0-9-]+$"}})
    # scorecard dimension the rule belongs to, e.g. "cliches"
    dimension: str
    severity: Literal["error", "warning", "info"]
    message: str = field(metadata={"schema": {"minLength": 1}})
    suggestion: str = field(metadata={"schema": {"minLength": 1}})
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
    span_text: Literal["card", "script"] = "card"
    # overall points fixing this finding wins back under the fitted model (set on a scorecard)
    points: float | None = field(default=None, metadata={"schema": {"minimum": 0, "maximum": 100}})

    def to_dict(self) -> dict[str, Any]:
        return to_json_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Finding":
        return from_json_dict(cls, data)


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
    overall: float = field(metadata={"round": 1, "schema": {"minimum": 0, "maximum": 100}})
    grade: str
    passed: bool
    dimensions: dict[str, float] = field(metadata={"round": 1, "schema": {"minimum": 0, "maximum": 100}})
    # ordered "fix first": the finding whose fix wins back most points comes first
    findings: tuple[Finding, ...]
    # the analysed text (the script, or the transcript joined word by word)
    text: str
    transcript: Transcript | None = None
    # the Delivery measured from the audio (None for a script)
    delivery: Delivery | None = None
    # the Conversation of a two-party call (None for a voicemail or a script)
    conversation: Conversation | None = None
    # "voicemail" or "opener" (a live call), and the sentence saying why (detected or given)
    kind: Literal["voicemail", "opener"] = "voicemail"
    kind_evidence: str = ""
    # the pitch's sentences with their learned roles (analyzer.text.roles)
    sentences: tuple[Sentence, ...] = ()
    version: str = __version__

    # types of later stages, which import this module (see analyzer.serialise)
    JSON_TYPES_FROM: ClassVar = {"Delivery": "analyzer.delivery.measure", "Conversation": "analyzer.calls.conversation"}

    @property
    def top_fixes(self) -> tuple[Finding, ...]:
        """The first three findings of different rules in fix-first order (a repeat is the same fix)."""
        firsts = {}
        for finding in self.findings:
            firsts.setdefault(finding.rule, finding)
        return tuple(firsts.values())[:3]

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``analyzer score --format json`` (schema: analyzer/data/scorecard.schema.json)."""
        return to_json_dict(self)

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
