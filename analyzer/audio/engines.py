"""The speech recognition engines, by name: the registry the CLI reads its ``--engine`` choices
from, light enough to import for ``analyzer --help`` (each loader imports its engine's library
only when called)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from analyzer.audio.models import ResolvedModel
    from analyzer.audio.transcribe import Engine


def _faster_whisper(model: ResolvedModel) -> Engine:
    from analyzer.audio.transcribe import FasterWhisperEngine

    return FasterWhisperEngine(model)


def _openai_whisper(model: ResolvedModel) -> Engine:
    from analyzer.audio.transcribe import OpenAIWhisperEngine

    return OpenAIWhisperEngine(model)


# name -> loader of that engine with a resolved model; the first is the default
ENGINES: dict[str, Callable[[ResolvedModel], Engine]] = {
    "faster-whisper": _faster_whisper,
    "openai-whisper": _openai_whisper,
}
DEFAULT_ENGINE = next(iter(ENGINES))
