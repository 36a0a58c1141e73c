"""A pitch cut into sentences, whether it is punctuated, timed or neither.

Three sources of boundaries, in the order they are trusted:

1. punctuation: a text with sentence-final marks is split by the project's segmenter (pysbd,
   :func:`analyzer.text.sentences.sentence_spans`);
2. pauses: unpunctuated words with timings are split where the silence between two words is at
   least ``PAUSE_S`` (speakers pause between sentences; 0.4 s is a starting value, not yet
   measured on recordings: ``tests/test_roles.py`` checks only the mechanics);
3. words: unpunctuated text without timings (a recogniser's text pasted as a script) is cut where
   a logistic regression over the words around each gap (the word before, the two after...) says a
   sentence ends. It is fitted on the development set's sentence boundaries
   (:func:`analyzer.text.fit_roles.fit_boundaries`, stored as feature weights in
   ``data/boundaries.json``); :func:`analyzer.text.evaluate_roles.split_report` measures it on the
   ``asr`` variants.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from analyzer.text.numbers import is_number_word
from analyzer.types import Word

# silence between two timed words that ends a sentence (s)
PAUSE_S = 0.4
# at least one sentence-final mark per this many words makes a text "punctuated"
WORDS_PER_MARK = 40
# fewest words in a sentence cut from unpunctuated, untimed text
MIN_WORDS = 2

_WORD = re.compile(r"\S+")
_FINAL = re.compile(r"[.?!](?:\s|$)")


@dataclass(frozen=True)
class Span:
    """One sentence of a pitch: its character span and, when timed, its time span (s)."""

    char_start: int
    char_end: int
    start: float | None = None
    end: float | None = None


def is_punctuated(text: str) -> bool:
    """True when the text carries sentence-final marks (at least one per 40 words)."""
    marks = len(_FINAL.findall(text.strip() + " "))
    return marks > 0 and marks * WORDS_PER_MARK >= len(_WORD.findall(text))


def split_pitch(text: str, *, words: Sequence[Word] | None = None, boundaries: dict | None = None) -> list[Span]:
    """The sentences of ``text`` (``words``, when given, are what ``text`` joins with spaces).

    ``boundaries``: a boundary model as :func:`analyzer.text.fit_roles.fit_boundaries` returns it
    (default: the fitted one in ``data/boundaries.json``)."""
    from analyzer.text.sentences import sentence_spans

    if not text.strip():
        return []
    if is_punctuated(text):
        spans = [Span(a + len(text[a:b]) - len(text[a:b].lstrip()), a + len(text[a:b].rstrip()))
                 for a, b in sentence_spans(text)]
        return _timed(spans, words) if words else spans
    if words:
        return _by_pauses(text, words)
    return _by_words(text, boundaries or _boundary_model())


def _word_spans(words: Sequence[Word]) -> list[tuple[int, int]]:
    spans, offset = [], 0
    for w in words:
        spans.append((offset, offset + len(w.word)))
        offset += len(w.word) + 1
    return spans


def _timed(spans: list[Span], words: Sequence[Word]) -> list[Span]:
    """``spans`` with the times of the words they hold."""
    chars = _word_spans(words)
    out = []
    for span in spans:
        inside = [w for w, (a, b) in zip(words, chars) if a < span.char_end and b > span.char_start]
        out.append(Span(span.char_start, span.char_end, inside[0].start if inside else None,
                        inside[-1].end if inside else None))
    return out


def _by_pauses(text: str, words: Sequence[Word]) -> list[Span]:
    chars = _word_spans(words)
    spans, first = [], 0
    for i in range(1, len(words) + 1):
        if i == len(words) or words[i].start - words[i - 1].end >= PAUSE_S:
            spans.append(Span(chars[first][0], chars[i - 1][1], words[first].start, words[i - 1].end))
            first = i
    return spans


def gap_tokens(text: str) -> tuple[list[re.Match[str]], list[str]]:
    """The whitespace-separated words of ``text`` and their plain forms (lower case, letters and digits)."""
    matches = list(_WORD.finditer(text))
    return matches, [re.sub(r"[^\w]", "", m.group().lower()) for m in matches]


def gap_features(tokens: list[str], i: int) -> list[str]:
    """The features of the gap before token ``i``: the words before it and after it, and which of
    the two words on each side are numbers (a phone number ends a sentence more often than not)."""
    def at(j: int) -> str:
        return tokens[j] if 0 <= j < len(tokens) else ("<s>" if j < 0 else "</s>")

    numbers = "".join("n" if is_number_word(at(j)) else "w" for j in (i - 2, i - 1, i, i + 1))
    return [f"p1={at(i - 1)}", f"p2={at(i - 2)}_{at(i - 1)}", f"n1={at(i)}", f"n2={at(i)}_{at(i + 1)}",
            f"n3={at(i)}_{at(i + 1)}_{at(i + 2)}", f"numbers={numbers}"]


@functools.lru_cache(maxsize=1)
def _boundary_model() -> dict:
    text = resources.files("analyzer.text.data").joinpath("boundaries.json").read_text(encoding="utf-8")
    return json.loads(text)


def _by_words(text: str, model: dict) -> list[Span]:
    weights, bias, threshold = model["weights"], model["intercept"], model["threshold"]
    matches, tokens = gap_tokens(text)
    cuts, since = [0], 0
    for i in range(1, len(tokens)):
        since += 1
        z = bias + sum(weights.get(f, 0.0) for f in gap_features(tokens, i))
        if since >= MIN_WORDS and 1.0 / (1.0 + math.exp(-z)) >= threshold:
            cuts.append(i)
            since = 0
    cuts.append(len(tokens))
    return [Span(matches[a].start(), matches[b - 1].end()) for a, b in zip(cuts, cuts[1:]) if b > a]
