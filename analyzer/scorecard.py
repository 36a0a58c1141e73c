"""The Scorecard: the product's main output, and its views (dict, JSON, DataFrame, plot, HTML)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from analyzer import __version__
from analyzer.datatypes import Finding, Transcript

FINDING_COLUMNS = ("rule", "dimension", "severity", "message", "suggestion", "quote", "char_start", "char_end",
                   "start", "end", "value", "threshold", "source")


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
    version: str = __version__

    @property
    def top_fixes(self) -> tuple[Finding, ...]:
        return self.findings[:3]

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
        from analyzer.plots import plot_scorecard

        return plot_scorecard(self)

    def _repr_html_(self) -> str:
        from analyzer.report import render_card_html

        return render_card_html(self)
