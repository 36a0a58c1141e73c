"""Sentence boundaries, from pysbd: the one segmenter every stage splits sentences with.

pysbd knows initials and abbreviations ("Chip S. from ABC" is one sentence). Building a
``Segmenter`` compiles its rules, so one is built per process and reused; the script rules
(:mod:`analyzer.text.document`) and script alignment (:mod:`analyzer.delivery.alignment`)
both split through :func:`sentence_spans`.
"""

from __future__ import annotations

import functools


@functools.lru_cache(maxsize=1)
def _segmenter():
    import pysbd  # deferred: only text rules and script alignment need it

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character span of each non-blank sentence of ``text``, in order."""
    return list(_spans(text))


@functools.lru_cache(maxsize=64)
def _spans(text: str) -> tuple[tuple[int, int], ...]:
    """Cached per process: a script is split by the document, the sentence roles and the role
    cues, and pysbd takes ~3 ms each time on a 100-word script."""
    if not text.strip():
        return ()
    return tuple((s.start, s.end) for s in _segmenter().segment(text) if s.sent.strip())
