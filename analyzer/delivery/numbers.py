"""Phone numbers as spoken: found in the transcript, with how fast they were said.

A callback number the listener cannot write down is a wasted voicemail; :func:`find_numbers`
finds runs of digits in the ASR words ("555-1212", "5 5 5 1 2 1 2", "five five five..."), with
an "extension" allowed inside, and gives each its rate in syllables per second (pauses inside
the number included) for ``delivery.number-rushed``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from analyzer.delivery.alignment import word_tokens
from analyzer.types import Word
from analyzer.text.syllables import syllable_count

MIN_NUMBER_DIGITS = 7  # digits in a row that make a phone number
NUMBER_JOINERS = frozenset({"extension", "ext", "x", "dash", "and"})


@dataclass(frozen=True)
class NumberSpan:
    """A phone number as spoken, with its pace."""

    start: float
    end: float
    # the words as transcribed ("555-1212 extension 270")
    text: str
    digits: int
    # syllables per second over the number, its inner pauses included
    syllables_per_s: float
    # that rate divided by the articulation rate of the rest of the message
    ratio: float | None

    def to_dict(self) -> dict:
        return {"start": round(float(self.start), 3), "end": round(float(self.end), 3), "text": self.text,
                "digits": self.digits, "syllables_per_s": round(float(self.syllables_per_s), 2),
                "ratio": None if self.ratio is None else round(float(self.ratio), 3)}

    @classmethod
    def from_dict(cls, data: dict) -> "NumberSpan":
        return cls(float(data["start"]), float(data["end"]), str(data["text"]), int(data["digits"]),
                   float(data["syllables_per_s"]), None if data["ratio"] is None else float(data["ratio"]))


@functools.lru_cache(maxsize=4096)
def _number_tokens(word: str) -> tuple[str, ...]:
    tokens, _ = word_tokens([word], sentences=False)
    return tuple(t.text for t in tokens)


def _split_repeat(span: list[Word]) -> list[list[Word]]:
    """A number said twice in one breath ("555-1212 ext 270, 555-1212 ext 270") as two spans:
    split where the first four digits come round again."""
    digits = [(i, t) for i, w in enumerate(span) for t in _number_tokens(w.word) if t.isdigit()]
    head = [t for _, t in digits[:4]]
    for k in range(MIN_NUMBER_DIGITS, len(digits) - 3):
        if [t for _, t in digits[k:k + 4]] == head and digits[k][0] > digits[k - 1][0]:
            cut = digits[k][0]
            return [span[:cut]] + _split_repeat(span[cut:])
    # ASR slips break the exact repeat; with two "extension"s, the first extension has as many
    # digits as the last one
    joins = [i for i, w in enumerate(span) if any(t in NUMBER_JOINERS for t in _number_tokens(w.word))]
    if len(joins) >= 2:
        tail = sum(len(_number_tokens(w.word)) for w in span[joins[-1] + 1:])
        count, cut = 0, joins[0] + 1
        while cut < joins[-1] and count < tail:
            count += len(_number_tokens(span[cut].word))
            cut += 1
        rest_digits = sum(t.isdigit() for w in span[cut:] for t in _number_tokens(w.word))
        if count == tail and rest_digits >= MIN_NUMBER_DIGITS:
            return [span[:cut]] + _split_repeat(span[cut:])
    return [span]


def find_numbers(words: list[Word], *, rest_rate: float | None = None) -> list[NumberSpan]:
    """Phone numbers in ``words``: runs of digit words (7+ digits, an "extension" may sit inside),
    a number said twice split in two; ``rest_rate`` (syllables/s) gives each its ``ratio``."""
    spans, i = [], 0
    while i < len(words):
        j, digits = i, 0
        while j < len(words):
            texts = _number_tokens(words[j].word)
            if texts and all(t.isdigit() for t in texts):
                digits += len(texts)
            elif not (texts and digits and all(t in NUMBER_JOINERS for t in texts)):
                break
            j += 1
            if digits >= MIN_NUMBER_DIGITS and words[j - 1].word.rstrip().endswith((".", "?", "!")):
                break  # a sentence end closes the number
        while j > i and not any(ch.isdigit() for ch in words[j - 1].word):
            j -= 1  # a trailing "extension" without digits is not part of it
        if digits >= MIN_NUMBER_DIGITS:
            for part in _split_repeat(words[i:j]):
                syllables = sum(syllable_count(t) for w in part for t in _number_tokens(w.word))
                n_digits = sum(t.isdigit() for w in part for t in _number_tokens(w.word))
                start, end = part[0].start, part[-1].end
                rate = syllables / (end - start) if end > start else 0.0
                spans.append(NumberSpan(start, end, " ".join(w.word for w in part), n_digits, rate,
                                        rate / rest_rate if rest_rate else None))
        i = max(j, i + 1)
    return spans
