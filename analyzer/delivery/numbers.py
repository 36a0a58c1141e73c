"""Phone numbers as spoken: found in the transcript, with how fast they were said.

A callback number the listener cannot write down is a wasted voicemail; :func:`find_numbers`
finds runs of digits in the ASR words ("555-1212", "5 5 5 1 2 1 2", "five five five oh...",
"double five..."), read by :mod:`analyzer.text.numbers`, with an "extension" allowed inside,
and gives each its rate in syllables per second (pauses inside the number included) for
``delivery.number-rushed``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from analyzer.text.numbers import PHONE_DIGITS, is_phone_joiner, read_digits
from analyzer.text.syllables import syllable_count
from analyzer.types import Word

_PIECE = re.compile(r"\d+|[a-z]+")


@dataclass(frozen=True)
class NumberSpan:
    """A phone number as spoken, with its pace."""

    start: float = field(metadata={"round": 3})
    end: float = field(metadata={"round": 3})
    # the words as transcribed ("555-1212 extension 270")
    text: str
    digits: int
    # syllables per second over the number, its inner pauses included
    syllables_per_s: float = field(metadata={"round": 2})
    # that rate divided by the articulation rate of the rest of the message
    ratio: float | None = field(metadata={"round": 3})


@dataclass(frozen=True)
class _Read:
    """One ASR word as read for numbers."""

    # its spoken pieces ("555-1212," -> "555", "1212")
    pieces: tuple[str, ...]
    # the digits it stands for ("" for "double" or "extension"), None when not part of a number
    digits: str | None
    # a joiner ("extension", "dash") rather than a number word
    joiner: bool


def _read(words: list[Word]) -> list[_Read]:
    """Each word's pieces and digits, read in context (``read_digits`` over all pieces)."""
    pieces = [tuple(_PIECE.findall(w.word.lower())) for w in words]
    flat = [p for ps in pieces for p in ps]
    values = iter(read_digits(flat))
    out = []
    for ps in pieces:
        vals = [next(values) for _ in ps]
        joiner = bool(ps) and all(is_phone_joiner(p) for p in ps)
        digits = "".join(v for v in vals if v) if ps and all(v is not None for v in vals) else None
        out.append(_Read(ps, "" if joiner else digits, joiner))
    return out


def _split_repeat(span: list[_Read]) -> list[int]:
    """Where a number said twice in one breath ("555-1212 ext 270, 555-1212 ext 270") splits:
    where the first four digits come round again with a whole number after them (word indices
    into ``span``)."""
    digits = [(i, d) for i, r in enumerate(span) for d in (r.digits or "")]
    head = [d for _, d in digits[:4]]
    for k in range(PHONE_DIGITS, len(digits) - PHONE_DIGITS + 1):
        if [d for _, d in digits[k:k + 4]] == head and digits[k][0] > digits[k - 1][0]:
            cut = digits[k][0]
            return [cut] + [cut + c for c in _split_repeat(span[cut:])]
    # ASR slips break the exact repeat; with two "extension"s, the first extension has as many
    # digits as the last one
    joins = [i for i, r in enumerate(span) if r.joiner]
    if len(joins) >= 2:
        tail = sum(len(r.digits or "") for r in span[joins[-1] + 1:])
        count, cut = 0, joins[0] + 1
        while cut < joins[-1] and count < tail:
            count += len(span[cut].digits or "")
            cut += 1
        if count == tail and sum(len(r.digits or "") for r in span[cut:]) >= PHONE_DIGITS:
            return [cut] + [cut + c for c in _split_repeat(span[cut:])]
    return []


def find_numbers(words: list[Word], *, rest_rate: float | None = None) -> list[NumberSpan]:
    """Phone numbers in ``words``: runs of number words (7+ digits, an "extension" may sit inside),
    a number said twice split in two; ``rest_rate`` (syllables/s) gives each its ``ratio``."""
    read = _read(words)
    spans, i = [], 0
    while i < len(words):
        j, digits = i, 0
        while j < len(words) and read[j].digits is not None and (digits or not read[j].joiner):
            digits += len(read[j].digits)
            j += 1
            if digits >= PHONE_DIGITS and words[j - 1].word.rstrip().endswith((".", "?", "!")):
                break  # a sentence end closes the number
        while j > i and not read[j - 1].digits:
            j -= 1  # a trailing "extension" (or "double") without digits is not part of it
        if digits >= PHONE_DIGITS:
            cuts = [0, *_split_repeat(read[i:j]), j - i]
            for a, b in zip(cuts, cuts[1:]):
                part, reads = words[i + a:i + b], read[i + a:i + b]
                syllables = sum(syllable_count(p) for r in reads for p in r.pieces)
                start, end = part[0].start, part[-1].end
                rate = syllables / (end - start) if end > start else 0.0
                spans.append(NumberSpan(start, end, " ".join(w.word for w in part), sum(len(r.digits) for r in reads),
                                        rate, rate / rest_rate if rest_rate else None))
        i = max(j, i + 1)
    return spans
