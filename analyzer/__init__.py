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
    "Scorecard": "analyzer.types",
    "compare": "analyzer.reports.comparison",
    "plot_comparison": "analyzer.reports.comparison",
    "analyze_batch": "analyzer.batch.runner",
    "summarise": "analyzer.batch.rollup",
    "load_audio": "analyzer.audio.load",
    "Audio": "analyzer.audio.load",
    "DecodeOptions": "analyzer.audio.transcribe",
    "Word": "analyzer.types",
    "Segment": "analyzer.types",
    "Transcript": "analyzer.types",
    "Finding": "analyzer.types",
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

