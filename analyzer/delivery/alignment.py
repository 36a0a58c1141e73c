"""Words of a script or transcript as normalised tokens with the boundary after each, and the
alignment of a transcript's words to the script the rep read from.

A *token* is what ASR output and a script can both be reduced to: lower case, no punctuation,
numbers as single digits ("555-1212" and "5 5 5 1 2 1 2" and "five five five..." all become
the same seven tokens, read by :mod:`analyzer.text.numbers`). Each token records what separates it from the next one in the text:
a sentence end (from pysbd, so "Chip S. from" is not a sentence end), a clause mark
(, ; : dashes, brackets), a line break, a paragraph break, or nothing.

Alignment is an edit-distance alignment of the two token sequences (rapidfuzz's Levenshtein
opcodes), with substituted stretches paired up by string similarity, so ASR errors
("Make up" for "may have") still anchor the words around them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer.text.numbers import read_digits, word_digits
from analyzer.text.sentences import sentence_spans

# boundary strength after a token, weakest first
INSIDE = "inside"  # between the digits or letters of one written word ("555")
GROUP = "group"  # between digit groups of one written number ("555-1212")
WORD = "word"  # plain space between words
CLAUSE = "clause"  # comma, semicolon, colon, dash, bracket
SENTENCE = "sentence"  # sentence end (pysbd) or paragraph break
BOUNDARY_RANK = {INSIDE: 0, GROUP: 1, WORD: 2, CLAUSE: 3, SENTENCE: 4}

# a written word: initials with dots (a.m., U.S.), or letters/digits with inner ' - / .
_PIECE = r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)*"
_WORD_RE = re.compile(rf"(?:[A-Za-z]\.){{2,}}|{_PIECE}(?:[-/.]{_PIECE})*")
_PART_RE = re.compile(r"\d+|[a-z]+(?:'[a-z]+)*")
_CLAUSE_MARKS = re.compile(r"[,;:()\u2013\u2014\"]|\s-\s|--")


@dataclass(frozen=True)
class Token:
    """One normalised token of a text and what follows it."""

    # normalised form used for matching: lower-case word or a single digit
    text: str
    # character span of the written word it comes from
    char_start: int
    char_end: int
    # index of the written (whitespace-separated) word it comes from
    word: int
    # strongest boundary between this token and the next: INSIDE .. SENTENCE
    boundary: str = WORD
    # a line break (or paragraph break) separates this token from the next
    line_break: bool = False


def _parts(word: str, digits: str | None) -> list[tuple[str, bool]]:
    """Normalised tokens of one written word; the flag marks the first token of a digit group.
    ``digits`` is what the word reads as among its neighbours (:func:`read_digits`), if a number."""
    if digits is not None:
        return [(digit, i == 0) for i, digit in enumerate(digits)]
    word = word.lower().replace("\u2019", "'")
    if re.fullmatch(r"(?:[a-z]\.){2,}", word):
        return [(word.replace(".", ""), True)]
    out: list[tuple[str, bool]] = []
    for part in _PART_RE.findall(word):
        digits = word_digits(part)  # a number word inside a written word ("twenty-five", "five-oh")
        if digits is not None:
            out.extend((digit, i == 0) for i, digit in enumerate(digits))
        else:
            out.append((part, True))
    return out


def _read_words(words: list[str], joined: list[bool]) -> list[str | None]:
    """:func:`read_digits` over each stretch of written words that only spaces separate
    ("forty five" is 45, "forty, five" is 40 and 5)."""
    read: list[str | None] = []
    start = 0
    for k in range(len(words)):
        if not joined[k] or k + 1 == len(words):
            read.extend(read_digits([w.lower() for w in words[start:k + 1]]))
            start = k + 1
    return read


def sentence_ends(text: str) -> list[int]:
    """Character offsets where pysbd ends a sentence (line breaks are not sentence ends)."""
    if not text.strip():
        return []
    flat = text.replace("\n", " ").replace("\r", " ")
    ends = []
    for start, end in sentence_spans(flat):
        while end > start and flat[end - 1].isspace():
            end -= 1
        ends.append(end)
    return ends


def tokenize(text: str, *, sentences: bool = True) -> list[Token]:
    """Normalised tokens of ``text`` with the boundary after each (see module doc)."""
    words = list(_WORD_RE.finditer(text))
    ends = sentence_ends(text) if sentences else []
    tokens: list[Token] = []
    gaps = [text[m.end():(words[k + 1].start() if k + 1 < len(words) else len(text))] for k, m in enumerate(words)]
    read = _read_words([m.group() for m in words], [not g.strip() and "\n" not in g for g in gaps])
    for index, match in enumerate(words):
        parts = _parts(match.group(), read[index])
        nxt = words[index + 1].start() if index + 1 < len(words) else len(text)
        between = gaps[index]
        if index + 1 == len(words):
            boundary = SENTENCE
        elif "\n" in between and re.search(r"\n\s*\n", between):
            boundary = SENTENCE  # paragraph break
        elif any(match.end() - 1 <= end <= nxt for end in ends):
            boundary = SENTENCE
        elif _CLAUSE_MARKS.search(between):
            boundary = CLAUSE
        else:
            boundary = WORD
        line_break = "\n" in between
        for i, (part, group_start) in enumerate(parts):
            last = i + 1 == len(parts)
            if last:
                after, brk = boundary, line_break
            else:
                nxt_part = parts[i + 1]
                after = GROUP if (nxt_part[1] and part.isdigit() and nxt_part[0].isdigit()) else (
                    WORD if nxt_part[1] else INSIDE)
                brk = False
            tokens.append(Token(part, match.start(), match.end(), index, after, brk))
    return tokens


def word_tokens(words: list[str], *, sentences: bool = True) -> tuple[list[Token], list[int]]:
    """Tokens of a list of ASR words joined by spaces, and the word index of each token
    (``sentences=False`` skips the sentence splitter when only the tokens are wanted)."""
    text = " ".join(w.strip() for w in words)
    starts, pos = [], 0
    for w in words:
        starts.append(pos)
        pos += len(w.strip()) + 1
    tokens = tokenize(text, sentences=sentences)
    owner = [max(0, _bisect_right(starts, tok.char_start) - 1) for tok in tokens]
    return tokens, owner


def _bisect_right(values: list[int], x: int) -> int:
    import bisect

    return bisect.bisect_right(values, x)


def _similarity(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b) / 100.0


def _pair_block(src: list[str], dst: list[str]) -> list[int | None]:
    """Monotone pairing of a substituted stretch by string similarity (small Needleman-Wunsch)."""
    if len(src) == len(dst):
        return list(range(len(src)))
    n, m = len(src), len(dst)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            pair = score[i - 1][j - 1] + _similarity(src[i - 1], dst[j - 1])
            score[i][j] = max(score[i - 1][j], score[i][j - 1], pair)
    pairs: list[int | None] = [None] * m
    i, j = n, m
    while i > 0 and j > 0:
        if score[i][j] == score[i - 1][j - 1] + _similarity(src[i - 1], dst[j - 1]):
            pairs[j - 1] = i - 1
            i, j = i - 1, j - 1
        elif score[i][j] == score[i - 1][j]:
            i -= 1
        else:
            j -= 1
    return pairs


def align(src: list[str], dst: list[str]) -> list[int | None]:
    """For each token of ``dst`` (transcript), the index of the ``src`` (script) token it matches."""
    from rapidfuzz.distance import Levenshtein

    mapping: list[int | None] = [None] * len(dst)
    for op in Levenshtein.opcodes(src, dst):
        if op.tag == "equal":
            for k in range(op.dest_end - op.dest_start):
                mapping[op.dest_start + k] = op.src_start + k
        elif op.tag == "replace":
            pairs = _pair_block(src[op.src_start:op.src_end], dst[op.dest_start:op.dest_end])
            for k, p in enumerate(pairs):
                if p is not None:
                    mapping[op.dest_start + k] = op.src_start + p
    return mapping


@dataclass(frozen=True)
class ScriptAlignment:
    """A script's tokens and, for each transcript word, the script tokens it was matched to."""

    script: str
    tokens: tuple[Token, ...]
    # per transcript word: (first, last) matched script token index, or None
    word_tokens: tuple[tuple[int, int] | None, ...]

    @property
    def coverage(self) -> float:
        """Share of script tokens matched by some transcript word."""
        matched = {i for span in self.word_tokens if span for i in range(span[0], span[1] + 1)}
        return len(matched) / len(self.tokens) if self.tokens else 0.0

    def boundary_between(self, k: int) -> int | None:
        """Script token index after which the gap before transcript word ``k`` falls.

        The last matched token of words ``< k`` and the first of words ``>= k`` bound the gap;
        when ASR errors leave unmatched script tokens in between, the strongest boundary among
        them (a line break counting as strong) is taken. None when either side is unmatched.
        """
        before = next((s[1] for s in reversed(self.word_tokens[:k]) if s), None)
        after = next((s[0] for s in self.word_tokens[k:] if s), None)
        if before is None or after is None or after <= before:
            return None
        candidates = range(before, after)
        return max(candidates, key=lambda i: (BOUNDARY_RANK[self.tokens[i].boundary], self.tokens[i].line_break, -i))


def align_script(script: str, words: list[str]) -> ScriptAlignment:
    """Align ASR ``words`` to the ``script`` text (robust to ASR errors)."""
    tokens = tokenize(script)
    asr_tokens, owner = word_tokens(words)
    mapping = align([t.text for t in tokens], [t.text for t in asr_tokens])
    spans: list[tuple[int, int] | None] = [None] * len(words)
    for tok_index, script_index in enumerate(mapping):
        if script_index is None:
            continue
        w = owner[tok_index]
        span = spans[w]
        spans[w] = (script_index, script_index) if span is None else (
            min(span[0], script_index), max(span[1], script_index))
    return ScriptAlignment(script, tuple(tokens), tuple(spans))
