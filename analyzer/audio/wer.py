"""Word error rate against a reference transcript, after Whisper's English text normaliser
(lower case, no punctuation, spelled-out/written numbers unified, fillers "uh"/"um" removed),
so that the figure measures recognition, not formatting."""

from __future__ import annotations

import functools
import re

from analyzer.text.numbers import read_digits

# annotation tokens in reference transcripts: <cutoff-x>, <hes-x>, [laughter], <VOCNOISE>
_ANNOTATION = re.compile(r"<[^>]*>|\[[^\]]*\]")


@functools.lru_cache(maxsize=1)
def _normaliser():
    from whisper.normalizers import EnglishTextNormalizer

    return EnglishTextNormalizer()


def _join_digit_runs(tokens: list[str]) -> list[str]:
    """"5 5 5 one 2 one 2", "555 oh 1 2" and "555 1212" all become "5551212": a run of number
    words (read by :func:`analyzer.text.numbers.read_digits`) that holds a digit is one token."""
    read = read_digits(tokens)
    joined: list[str] = []
    k = 0
    while k < len(tokens):
        stop = k
        while stop < len(tokens) and read[stop] is not None:
            stop += 1
        if stop > k and any(t.isdigit() for t in tokens[k:stop]):
            joined.append("".join(read[k:stop]))  # type: ignore[arg-type]
            k = stop
        else:
            joined.append(tokens[k])
            k += 1
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
