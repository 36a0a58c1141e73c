"""Numbers, written or spoken: the one place that reads "five five five oh one three four".

Every stage that meets a number reads it here: the text rules (callback numbers, how often
one is given), the delivery stage (a phone number's pace), script alignment and WER.
:func:`read_digits` gives each word of a sequence the digits it stands for, in context:
digits, number words ("seventy five" -> 75, "two hundred" -> 200), "oh"/"o" as zero next
to another number, "double"/"triple" repeating the digit after them. So "555-0134",
"five five five oh one three four" and "triple five zero one three four" all read as
``5550134``. A run of 7 or more digits is a phone number; the same number given twice is
found by its last seven digits recurring in the digit runs, which also copes with ASR text
where a repeat runs straight on from an extension ("extension two seventy five five five ...").
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from analyzer.text.document import Document, build_document, lexicon
from analyzer.text.placeholders import number_placeholders

# digits in a phone number (without area code) and in the key that identifies one
PHONE_DIGITS = 7
# spoken scale words that never occur in a phone number
_NOT_IN_PHONES = frozenset({"thousand", "million"})


@functools.lru_cache(maxsize=1)
def _tables() -> dict:
    return lexicon()["numbers"]


def is_number_word(word: str) -> bool:
    """True for digits and spelled-out numbers ("7", "seven", "seventy", "hundred")."""
    tables = _tables()
    return word.isdigit() or any(word in tables[t] for t in ("units", "teens", "tens", "zeros"))


def is_phone_joiner(word: str) -> bool:
    """True for words that may sit inside one spoken phone number ("extension", "dash")."""
    return word in _tables()["phone_joiners"]


def word_digits(word: str) -> str | None:
    """The digits one number word stands for on its own ("seven" -> "7", "twenty" -> "20",
    "thirteen" -> "13", "555" -> "555"); None for any other word."""
    tables = _tables()
    if word.isdigit():
        return word
    if word in tables["units"] or word in tables["teens"]:
        return str(tables["units"].get(word, tables["teens"].get(word)))
    if word in tables["tens"]:
        return f"{tables['tens'][word]}0"
    return None


def read_digits(words: Sequence[str]) -> list[str | None]:
    """For each lower-case word, the digits it adds when ``words`` are read aloud as numbers,
    or None when it is not part of a number. A multiplier adds "" and makes the digit after
    it repeat; a tens word before a unit adds its digit only ("seventy five" -> "7", "5")."""
    tables = _tables()
    units, tens, zeros, multipliers = tables["units"], tables["tens"], tables["zeros"], tables["multipliers"]
    n = len(words)
    digits: list[str | None] = [word_digits(w) for w in words]
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < n else ""
        if word in tens and nxt in units and nxt != "zero":
            digits[i] = str(tens[word])
        elif word in zeros:
            digits[i] = ("" if i and digits[i - 1] else "1") + "0" * zeros[word]
        elif word in tables["zero_letters"]:
            beside = (words[i - 1] if i else "", nxt)
            if any(is_number_word(w) or w in multipliers for w in beside):
                digits[i] = "0"
        elif word in multipliers and (nxt in units or nxt in tables["zero_letters"]
                                      or (nxt.isdigit() and len(nxt) == 1)):
            digits[i] = ""
    for i in range(1, n):
        if digits[i - 1] == "" and words[i - 1] in multipliers and digits[i]:
            digits[i] = digits[i] * multipliers[words[i - 1]]
    return digits


@dataclass(frozen=True)
class NumberRun:
    """Adjacent number tokens [first, stop) of a Document read as one digit string."""

    first: int
    stop: int
    digits: str
    # False when the run holds "thousand"/"million": an amount, not a phone number
    dialable: bool = True

    @property
    def is_phone(self) -> bool:
        return self.dialable and len(self.digits) >= PHONE_DIGITS


def number_runs(doc: Document) -> list[NumberRun]:
    """Every run of adjacent number tokens (commas and words break a run)."""
    tokens = doc.tokens
    read = read_digits([t.text for t in tokens])
    runs: list[NumberRun] = []
    i = 0
    while i < len(tokens):
        if read[i] is None:
            i += 1
            continue
        stop = i + 1
        while stop < len(tokens) and read[stop] is not None and doc.number_joined(tokens[stop - 1], tokens[stop]):
            stop += 1
        digits = "".join(read[i:stop])  # type: ignore[arg-type]
        if digits:
            words = {t.text for t in tokens[i:stop]}
            runs.append(NumberRun(i, stop, digits, not _NOT_IN_PHONES.intersection(words)))
        i = stop
    return runs


def first_phone(text: str) -> str | None:
    """The first callback number in ``text`` as written, or the template placeholder standing for
    one ("<your number>", "xxx-xxxx"); None when there is neither."""
    if found := number_placeholders(text):
        return found[0].group()
    doc = build_document(text, split=False)
    for run in number_runs(doc):
        if run.is_phone:
            return doc.quote(doc.tokens[run.first].start, doc.tokens[run.stop - 1].end)
    return None


def phone_key(run: NumberRun) -> str:
    """What identifies a phone number across mentions: its last seven digits."""
    return run.digits[-PHONE_DIGITS:]


def times_given(runs: Sequence[NumberRun]) -> Counter[str]:
    """How often each phone key occurs across the digit runs of a pitch, counted in one pass
    over every seven-digit window of the dialable runs (linear in the length of the text)."""
    return Counter(run.digits[k:k + PHONE_DIGITS] for run in runs if run.dialable
                   for k in range(len(run.digits) - PHONE_DIGITS + 1))
