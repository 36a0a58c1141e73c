"""Numbers in a pitch, written or spoken: digit runs, callback numbers, how often one is given.

"555-0134", "five five five oh one three four" and "555 one three four" all read as the
digits ``5550134``. A run of 7 or more digits is a phone number; the same number given
twice is found by its last seven digits recurring in the digit runs, which also copes with
ASR text where a repeat runs straight on from an extension ("extension two seventy five
five five ...").
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from analyzer.text.document import Document, lexicon

# digits in a phone number (without area code) and in the key that identifies one
PHONE_DIGITS = 7
# spoken scale words that never occur in a phone number
_NOT_IN_PHONES = frozenset({"thousand", "million"})


@functools.lru_cache(maxsize=1)
def _tables() -> dict[str, dict[str, int]]:
    return lexicon()["numbers"]


def is_number_word(word: str) -> bool:
    """True for digits and spelled-out numbers ("7", "seven", "seventy", "hundred")."""
    tables = _tables()
    return word.isdigit() or any(word in tables[t] for t in ("units", "teens", "tens", "zeros"))


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


def _is_zero_letter(doc: Document, i: int) -> bool:
    """ "oh"/"o" read as zero: only between or next to other number tokens."""
    if doc.tokens[i].text not in _tables()["zero_letters"]:
        return False
    neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(doc.tokens)]
    return any(is_number_word(doc.tokens[j].text) for j in neighbours)


def _digits(words: list[str]) -> str:
    """The digits a run of number tokens is read as ("seventy five" -> "75", "two hundred" -> "200")."""
    tables = _tables()
    out, after_tens = "", False
    for word in words:
        if word in tables["tens"]:
            out, after_tens = out + f"{tables['tens'][word]}0", True
            continue
        if word.isdigit():
            out += word
        elif word in tables["units"]:
            digit = str(tables["units"][word])
            out = out[:-1] + digit if after_tens else out + digit
        elif word in tables["teens"]:
            out += str(tables["teens"][word])
        elif word in tables["zeros"]:
            out = (out or "1") + "0" * tables["zeros"][word]
        else:  # "oh" read as zero
            out += "0"
        after_tens = False
    return out


def number_runs(doc: Document) -> list[NumberRun]:
    """Every run of adjacent number tokens (commas and words break a run)."""
    runs: list[NumberRun] = []
    tokens, i = doc.tokens, 0
    while i < len(tokens):
        if not (is_number_word(tokens[i].text) or _is_zero_letter(doc, i)):
            i += 1
            continue
        stop = i + 1
        while stop < len(tokens) and (is_number_word(tokens[stop].text) or _is_zero_letter(doc, stop)):
            if not doc.number_joined(tokens[stop - 1], tokens[stop]):
                break
            stop += 1
        words = [t.text for t in tokens[i:stop]]
        runs.append(NumberRun(i, stop, _digits(words), not _NOT_IN_PHONES.intersection(words)))
        i = stop
    return runs


def phone_key(run: NumberRun) -> str:
    """What identifies a phone number across mentions: its last seven digits."""
    return run.digits[-PHONE_DIGITS:]


def times_given(key: str, runs: list[NumberRun]) -> int:
    """How often a phone number's key occurs across the digit runs of a pitch."""
    return sum(run.digits.count(key) for run in runs if run.dialable)
