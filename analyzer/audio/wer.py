"""Word error rate against a reference transcript, after Whisper's English text normaliser
(lower case, no punctuation, spelled-out/written numbers unified, fillers "uh"/"um" removed),
so that the figure measures recognition, not formatting."""

from __future__ import annotations

import functools
import re

# annotation tokens in reference transcripts: <cutoff-x>, <hes-x>, [laughter], <VOCNOISE>
_ANNOTATION = re.compile(r"<[^>]*>|\[[^\]]*\]")


@functools.lru_cache(maxsize=1)
def _normaliser():
    from whisper.normalizers import EnglishTextNormalizer

    return EnglishTextNormalizer()


_DIGIT_WORDS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
                "seven": "7", "eight": "8", "nine": "9"}


def _join_digit_runs(tokens: list[str]) -> list[str]:
    """"5 5 5 one 2 one 2" and "555 1212" both become "5551212": a phone number is one token."""
    digits = [t.isdigit() for t in tokens]
    tokens = [_DIGIT_WORDS.get(t, t) if (i > 0 and digits[i - 1]) or (i + 1 < len(tokens) and digits[i + 1]) else t
              for i, t in enumerate(tokens)]
    joined: list[str] = []
    for token in tokens:
        if joined and token.isdigit() and joined[-1].isdigit():
            joined[-1] += token
        else:
            joined.append(token)
    return joined


def normalise(text: str) -> str:
    """Text as WER compares it."""
    return " ".join(_join_digit_runs(_normaliser()(_ANNOTATION.sub(" ", text)).split()))


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / reference words, via jiwer."""
    import jiwer

    reference, hypothesis = normalise(reference), normalise(hypothesis)
    if not reference:
        return 0.0 if not hypothesis else 1.0
    return jiwer.wer(reference, hypothesis or "<empty>")
