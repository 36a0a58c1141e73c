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

    return pysbd.Segmenter(language="en", clean=False)  # spans: _char_spans


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character span of each non-blank sentence of ``text``, in order."""
    return list(_spans(text))


@functools.lru_cache(maxsize=64)
def _spans(text: str) -> tuple[tuple[int, int], ...]:
    """Cached per process: a script is split by the document, the sentence roles and the role
    cues, and pysbd takes ~3 ms each time on a 100-word script."""
    if not text.strip():
        return ()
    sentences = _segmenter().processor(text).process()
    return tuple((a, b) for a, b in _char_spans(text, sentences) if text[a:b].strip())


def _char_spans(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    """Where pysbd's ``char_span`` option puts each sentence: its first occurrence, with the
    whitespace after it, that ends past the previous sentence's end. pysbd searches each sentence
    from the start of the text with a new regex (quadratic in the text's length, and the regexes
    crowd pysbd's own out of ``re``'s cache); a match ending past that end starts less than the
    sentence's length before it, so the search starts there."""
    spans: list[tuple[int, int]] = []
    prior_end = 0
    for sentence in sentences:
        start = max(0, prior_end - len(sentence))
        while (found := text.find(sentence, start)) >= 0:
            end = found + len(sentence)
            while end < len(text) and text[end].isspace():
                end += 1
            if end > prior_end:
                spans.append((found, end))
                prior_end = end
                break
            start = max(end, found + 1)
    return spans
