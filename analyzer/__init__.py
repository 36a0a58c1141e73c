"""pitch-analyzer: why a recorded sales pitch will or won't get a call back.

The public API is imported lazily (PEP 562) so that ``import analyzer`` and ``analyzer --help``
stay fast; heavy libraries load on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "analyze": "analyzer.pipeline",
    "analyze_text": "analyzer.pipeline",
    "Scorecard": "analyzer.scorecard",
    "compare": "analyzer.comparison",
    "plot_comparison": "analyzer.comparison",
    "analyze_batch": "analyzer.batch",
    "summarise": "analyzer.rollup",
    "load_audio": "analyzer.audio",
    "Audio": "analyzer.audio",
    "DecodeOptions": "analyzer.transcribe",
    "Word": "analyzer.datatypes",
    "Segment": "analyzer.datatypes",
    "Transcript": "analyzer.datatypes",
    "Finding": "analyzer.datatypes",
    "AnalyzerError": "analyzer.errors",
    "AudioError": "analyzer.errors",
    "ModelError": "analyzer.errors",
    "InputError": "analyzer.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'analyzer' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)

