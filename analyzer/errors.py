"""One error base class; subclasses say what went wrong and name the file."""

from __future__ import annotations


def one_line(text: object) -> str:
    """``text`` with every run of whitespace (newlines too) as one space: error messages are one line."""
    return " ".join(str(text).split())


class AnalyzerError(Exception):
    """Base class for every error the tool reports to a user in one line."""


class AudioError(AnalyzerError):
    """A file that cannot be read as audio: missing, empty, truncated, not audio."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class ModelError(AnalyzerError):
    """A Whisper model that cannot be found, verified or loaded."""


class InputError(AnalyzerError):
    """Bad text or options given by the user (empty script, unknown format...)."""
