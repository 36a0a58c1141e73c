"""The analysed text: normalised tokens with character spans, sentences, and time.

Every text rule works on a :class:`Document`. A token is one normalised word ("I'll"
becomes the two tokens ``i`` and ``will``, both spanning the original four characters);
rules match tokens and report character spans of the original text, which
:meth:`Document.time_span` turns into seconds when the words have timings.
Without timings, a position in time is estimated from the spoken words before it at
the rate in ``data/lexicon.toml`` (150 words per minute).
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from analyzer.types import Word
from analyzer.errors import InputError
from analyzer.text.sentences import sentence_spans

# a word (letters/digits, inner apostrophes kept) or a sign that is read aloud
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[%$]")
_SIGNS = {"%": "percent", "$": "dollars"}
# characters that may sit between the digit groups of one spoken number ("555-0134"); a
# comma may also separate spelled-out digits ("five five five, zero one nine five")
_NUMBER_JOINERS = frozenset(" -.()/")


@functools.lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """The normalisation tables of ``data/lexicon.toml``."""
    text = resources.files("analyzer.text.data").joinpath("lexicon.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def words_per_second() -> float:
    """The speaking rate used for estimates (``[speech] words_per_minute`` / 60)."""
    return lexicon()["speech"]["words_per_minute"] / 60.0


def normalise_word(raw: str) -> list[str]:
    """The normalised tokens of one written word: lower case, contractions and slang expanded."""
    word = raw.lower().replace("’", "'")
    if word in _SIGNS:
        return [_SIGNS[word]]
    table = lexicon()
    if word in table["words"]:
        return table["words"][word].split()
    if "'" not in word:
        return [word]
    for suffix, expansion in table["suffixes"].items():
        if word.endswith(suffix) and len(word) > len(suffix):
            return [*normalise_word(word[: -len(suffix)]), expansion]
    base, _, rest = word.partition("'")
    if rest == "s":
        return [base, "is"] if base in table["is_contractions"]["words"] else [base]
    return [word.replace("'", "")]


@dataclass(frozen=True)
class Token:
    """One normalised word and where it came from."""

    text: str
    # character span of the written word it came from
    start: int
    end: int
    # index of its sentence in Document.sentences
    sentence: int
    # spoken words before it (digit groups of 3+ digits are read digit by digit)
    spoken_before: int

    @property
    def is_number(self) -> bool:
        return self.text.isdigit()


def spoken_length(raw: str) -> int:
    """How many words it takes to say a written word ("0134" is four, "32" one)."""
    return len(raw) if raw.isdigit() and len(raw) >= 3 else 1


@dataclass(frozen=True)
class Document:
    """A script or transcript ready for the text rules."""

    text: str
    tokens: tuple[Token, ...]
    # (start, end) character span of each sentence
    sentences: tuple[tuple[int, int], ...]
    # words with timings (a transcript) or () for a plain script
    words: tuple[Word, ...] = ()
    # length of the recording in seconds, when known
    duration: float | None = None
    # "voicemail" or "opener" (a live call: no callback number or length rules)
    kind: str = "voicemail"
    # what the checks found in this document, kept so that a check reading another's results (the
    # phrase hits, say) does not search again: filled by the functions that compute them
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def timed(self) -> bool:
        return bool(self.words)

    @property
    def spoken_words(self) -> int:
        """How many words it takes to say the whole text."""
        return sum(spoken_length(m.group()) for m in _WORD.finditer(self.text))

    def quote(self, start: int, end: int) -> str:
        """The original text of a character span, whitespace collapsed."""
        return " ".join(self.text[start:end].split())

    def evidence(self, start: int, end: int) -> dict[str, Any]:
        """A finding's evidence for a character span: quote, char span and, when timed, times."""
        t0, t1 = self.time_span(start, end)
        return {"quote": self.quote(start, end), "char_start": start, "char_end": end, "start": t0, "end": t1}

    def number_joined(self, left: Token, right: Token) -> bool:
        """True when two number tokens read as one number: only spaces, hyphens or dots
        between them, or also commas when one of them is spelled out."""
        joiners = _NUMBER_JOINERS if left.is_number and right.is_number else _NUMBER_JOINERS | {","}
        return set(self.text[left.end : right.start]) <= joiners

    def seconds_at(self, token: Token) -> float:
        """When a token is said: its word's start time, or an estimate from the words before it."""
        if self.timed:
            return self.words[self._word_index(token.start)].start
        return token.spoken_before / words_per_second()

    def time_span(self, start: int, end: int) -> tuple[float | None, float | None]:
        """Start and end time of a character span (None, None without timings)."""
        if not self.timed or end <= start:
            return None, None
        first, last = self._word_index(start), self._word_index(end - 1)
        return self.words[first].start, self.words[last].end

    def _word_index(self, char: int) -> int:
        """Index of the timed word that holds a character of ``text``."""
        lo, hi = 0, len(self._word_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._word_starts[mid] <= char:
                lo = mid
            else:
                hi = mid - 1
        return lo

    @functools.cached_property
    def _word_starts(self) -> list[int]:
        starts, offset = [], 0
        for w in self.words:
            starts.append(offset)
            offset += len(w.word) + 1
        return starts


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    return sentence_spans(text) or [(0, len(text))]


def build_document(
    text: str,
    *,
    words: Sequence[Word] | None = None,
    duration: float | None = None,
    kind: str = "voicemail",
    split: bool = True,
) -> Document:
    """Tokenise and split a script; ``words`` (with timings) must be what ``text`` joins.

    ``split=False`` keeps the text as one sentence, for callers that read only the tokens (a
    phone number in one sentence): splitting is most of the cost on a short text."""
    if not text or not text.strip():
        raise InputError("script is empty: nothing to check")
    if kind not in ("voicemail", "opener"):
        raise InputError(f"unknown pitch kind {kind!r}: use 'voicemail' or 'opener'")
    words = tuple(words or ())
    if words and text != " ".join(w.word for w in words):
        raise InputError("text must be ' '.join(w.word for w in words) when words are given")
    if not split:  # one sentence's words, asked for many times over a long text: not worth keeping
        return _tokenise(text, [(0, len(text))], words, duration, kind)
    return _document(text, words, duration, kind)


@functools.lru_cache(maxsize=4)
def _document(text: str, words: tuple[Word, ...], duration: float | None, kind: str) -> Document:
    """The Document of a whole pitch, cached per process: the checks, the role cues and the scoring
    model each ask for it, and one Document keeps what the checks found (``memo``) for the others."""
    return _tokenise(text, _sentence_spans(text), words, duration, kind)


def _tokenise(
    text: str, sentences: list[tuple[int, int]], words: tuple[Word, ...], duration: float | None, kind: str
) -> Document:
    """The Document of ``text`` cut into ``sentences``: its normalised tokens, each with its sentence."""
    tokens: list[Token] = []
    spoken, sentence = 0, 0
    for match in _WORD.finditer(text):
        while sentence + 1 < len(sentences) and match.start() >= sentences[sentence + 1][0]:
            sentence += 1
        raw = match.group()
        for piece in normalise_word(raw):
            tokens.append(Token(piece, match.start(), match.end(), sentence, spoken))
        spoken += spoken_length(raw)
    return Document(text, tuple(tokens), tuple(sentences), words, duration, kind)
