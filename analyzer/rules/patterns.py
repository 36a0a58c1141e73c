"""Phrase patterns over normalised tokens, matched fuzzily with rapidfuzz.

A pattern is a line of words in normalised form (see ``data/lexicon.toml``)::

    word      the word, or an ASR misspelling of it: same first letter and rapidfuzz
              ``fuzz.ratio`` >= 85, for words of six letters or more
    a|b|c     any of these
    word*     any word that starts with "word" ("touch*": touch, touched, touching)
    _         any one word
    #         a number, in digits or spelled out
    x?        optional (also "a|b?")
    {name}    the alternatives listed under ``name`` in the vocabulary passed in

Between two consecutive words of a pattern up to ``gap`` other words may be inserted
("I was *really* hoping to swing by"); a match never crosses a sentence boundary.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from analyzer.text.document import Document, Token
from analyzer.text.numbers import is_number_word

# fuzzy matching of whole words: minimum score and minimum word length
FUZZY_SCORE = 85
FUZZY_MIN_LETTERS = 6
# words remembered per slot before the memory is cleared (bounds memory in batch runs)
_SEEN_LIMIT = 20_000
_FORM = re.compile(r"[a-z0-9]+\*?|_|#")
# a pattern's first required word found more often than this sends the search to its rarest one
# (finding each slot's words costs more than trying a few starts, as on a short pitch)
_FEW_STARTS = 32


@dataclass(frozen=True)
class Slot:
    """One position of a pattern: the word forms it accepts."""

    forms: tuple[str, ...]
    optional: bool = False
    # answers already worked out, by word (matching is pure; this only saves time)
    _seen: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    def accepts(self, word: str) -> bool:
        if word not in self._seen:
            if len(self._seen) > _SEEN_LIMIT:
                self._seen.clear()
            self._seen[word] = self._decide(word)
        return self._seen[word]

    def _decide(self, word: str) -> bool:
        exact, prefixes, fuzzy, anything = _split_forms(self.forms)
        if anything or word in exact or ("#" in exact and is_number_word(word)):
            return True
        if any(word.startswith(stem) or _close(stem, word[: len(stem)]) for stem in prefixes):
            return True
        candidates = [f for f in fuzzy.get(word[:1], ()) if abs(len(f) - len(word)) <= len(f) // 3]
        return bool(candidates) and process.extractOne(
            word, candidates, scorer=fuzz.ratio, score_cutoff=FUZZY_SCORE
        ) is not None


@functools.lru_cache(maxsize=4096)
def _split_forms(forms: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...], dict[str, tuple[str, ...]], bool]:
    """A slot's forms sorted for matching: exact words, prefixes, fuzzy candidates by first letter, "_"."""
    exact = frozenset(f for f in forms if not f.endswith("*"))
    prefixes = tuple(f[:-1] for f in forms if f.endswith("*"))
    fuzzy: dict[str, list[str]] = {}
    for form in exact:
        if len(form) >= FUZZY_MIN_LETTERS:
            fuzzy.setdefault(form[0], []).append(form)
    return exact, prefixes, {k: tuple(v) for k, v in fuzzy.items()}, "_" in exact


def _close(form: str, word: str) -> bool:
    return (
        len(form) >= FUZZY_MIN_LETTERS
        and form[0] == word[:1]
        and fuzz.ratio(form, word) >= FUZZY_SCORE
    )


@dataclass(frozen=True)
class Pattern:
    """A compiled pattern: its source line and its slots."""

    text: str
    slots: tuple[Slot, ...]


def compile_pattern(line: str, vocab: Mapping[str, Sequence[str]] | None = None) -> Pattern:
    """Parse one pattern line; ValueError names the line when it is malformed."""
    vocab = vocab or {}
    slots = []
    for item in line.split():
        optional = item.endswith("?")
        forms: list[str] = []
        for form in item.rstrip("?").split("|"):
            if form.startswith("{") and form.endswith("}"):
                if form[1:-1] not in vocab:
                    raise ValueError(f"pattern {line!r}: unknown list {form}")
                forms.extend(vocab[form[1:-1]])
            else:
                forms.append(form)
        if not forms or not all(_FORM.fullmatch(f) for f in forms):
            raise ValueError(f"pattern {line!r}: {item!r} is not lower-case normalised words")
        slots.append(Slot(tuple(forms), optional))
    if not any(not s.optional for s in slots):
        raise ValueError(f"pattern {line!r} has no required word")
    return Pattern(line, tuple(slots))


@functools.lru_cache(maxsize=256)
def compile_patterns(lines: tuple[str, ...], vocab_items: tuple = ()) -> tuple[Pattern, ...]:
    """Compile many pattern lines (cached); ``vocab_items`` is ``tuple(vocab.items())``."""
    vocab = {name: tuple(words) for name, words in vocab_items}
    return tuple(compile_pattern(line, vocab) for line in lines)


@dataclass(frozen=True)
class Hit:
    """Where a pattern matched: token indices [first, stop) of a Document."""

    first: int
    stop: int
    pattern: str

    def span(self, doc: Document) -> tuple[int, int]:
        """Character span of the match in the document's text."""
        return doc.tokens[self.first].start, doc.tokens[self.stop - 1].end

    def overlaps(self, other: "Hit") -> bool:
        return self.first < other.stop and other.first < self.stop


def _match_at(
    slots: tuple[Slot, ...], k: int, tokens: Sequence[Token], pos: int, gap: int, first: bool, sentence: int
) -> int | None:
    """End index of a match of ``slots[k:]`` from ``pos`` on (None when there is none).

    The first slot must match at ``pos`` itself; later ones may skip up to ``gap`` words;
    every matched word lies in ``sentence``.
    """
    if k == len(slots):
        return pos
    slot = slots[k]
    for j in range(pos, min(pos + (1 if first else gap + 1), len(tokens))):
        if tokens[j].sentence != sentence:
            break
        if slot.accepts(tokens[j].text):
            end = _match_at(slots, k + 1, tokens, j + 1, gap, False, sentence)
            if end is not None:
                return end
    if slot.optional:
        return _match_at(slots, k + 1, tokens, pos, gap, first, sentence)
    return None


@dataclass(frozen=True)
class _Index:
    """Where each distinct word of a token sequence occurs, with the words grouped by first letter
    and the number words apart, so that a pattern's first slot is tested only on the words it
    could accept (an exact form, a number for "#", or a word sharing the first letter of one of
    its prefixes or fuzzy forms: :meth:`Slot.accepts` accepts no other)."""

    tokens: Sequence[Token]
    positions: dict[str, list[int]]
    by_letter: dict[str, tuple[str, ...]]
    numbers: tuple[str, ...]

    def starts(self, slot: Slot) -> list[int]:
        """Positions of the words ``slot`` accepts, in order."""
        exact, prefixes, fuzzy, anything = _split_forms(slot.forms)
        if anything:
            return list(range(len(self.tokens)))
        words = {w for w in exact if w in self.positions}
        if "#" in exact:
            words.update(self.numbers)
        for letter in {stem[0] for stem in prefixes} | fuzzy.keys():
            words.update(self.by_letter.get(letter, ()))
        return sorted(i for word in words if slot.accepts(word) for i in self.positions[word])


# the index of the token tuple searched last: the rules search one document's tokens with many
# patterns in turn, and building the index is a pass over every token
_last_index: list[_Index] = []


def _index(tokens: Sequence[Token]) -> _Index:
    """The :class:`_Index` of ``tokens``: the last one again when ``tokens`` is the same tuple
    (a tuple of frozen tokens cannot have changed since)."""
    if _last_index and _last_index[0].tokens is tokens and isinstance(tokens, tuple):
        return _last_index[0]
    positions: dict[str, list[int]] = {}
    for i, token in enumerate(tokens):
        positions.setdefault(token.text, []).append(i)
    by_letter: dict[str, list[str]] = {}
    for word in positions:
        by_letter.setdefault(word[:1], []).append(word)
    index = _Index(tokens, positions, {k: tuple(v) for k, v in by_letter.items()},
                   tuple(w for w in positions if is_number_word(w)))
    _last_index[:] = [index]
    return index


def run_within(starts: Sequence[int], ends: Sequence[int], low: int, high: int) -> range:
    """Indices of the items lying within [``low``, ``high``], from each item's start and end: the
    items are in order and do not overlap, so those inside are a run from the first that starts at
    or after ``low`` (tokens inside a placeholder, hits inside a value statement)."""
    first = stop = bisect.bisect_left(starts, low)
    while stop < len(ends) and ends[stop] <= high:
        stop += 1
    return range(first, stop)


def _starts(pattern: Pattern, tokens: Sequence[Token], gap: int) -> Iterable[int]:
    """Where a match of ``pattern`` may start, in order: every match holds a word accepted by each
    required slot that is not "_", and starts at most one word plus ``gap`` per slot before it (so
    "_ _? calling from" is tried only near a "calling"). The anchor is the first such slot, or where
    its words are common the rarest one ("introduce" rather than "i" in "i wanted to introduce myself")."""
    required = [k for k, slot in enumerate(pattern.slots) if not slot.optional and not _split_forms(slot.forms)[3]]
    if not required:
        return range(len(tokens))
    index = _index(tokens)
    anchor, found = required[0], index.starts(pattern.slots[required[0]])
    if len(found) > _FEW_STARTS:  # a common first word on a long text: look for a rarer one
        others = ((k, index.starts(pattern.slots[k])) for k in required[1:])
        anchor, found = min([(anchor, found), *others], key=lambda kf: len(kf[1]))
    if anchor == 0:
        return found
    reach = (anchor + 1) * (gap + 1)
    return sorted({i for a in found for i in range(max(0, a - reach), a + 1)})


def find(pattern: Pattern, tokens: Sequence[Token], gap: int = 1) -> list[Hit]:
    """Non-overlapping matches of one pattern, left to right."""
    hits: list[Hit] = []
    for i in _starts(pattern, tokens, gap):
        if hits and i < hits[-1].stop:
            continue
        stop = _match_at(pattern.slots, 0, tokens, i, gap, True, tokens[i].sentence)
        if stop is not None and stop > i:
            hits.append(Hit(i, stop, pattern.text))
    return hits


def find_all(
    patterns: Iterable[Pattern],
    tokens: Sequence[Token],
    *,
    gap: int = 1,
    exceptions: Iterable[Pattern] = (),
) -> list[Hit]:
    """Matches of any pattern, overlaps merged into the first, minus those an exception covers."""
    excluded = {i for p in exceptions for h in find(p, tokens, gap) for i in range(h.first, h.stop)}
    hits = sorted(
        (h for p in patterns for h in find(p, tokens, gap) if excluded.isdisjoint(range(h.first, h.stop))),
        key=lambda h: (h.first, -h.stop),
    )
    merged: list[Hit] = []
    for hit in hits:
        if merged and hit.overlaps(merged[-1]):
            last = merged[-1]
            merged[-1] = Hit(last.first, max(last.stop, hit.stop), last.pattern)
        else:
            merged.append(hit)
    return merged
