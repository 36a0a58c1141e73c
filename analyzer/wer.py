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


def normalise(text: str) -> str:
    """Text as WER compares it."""
    return _normaliser()(_ANNOTATION.sub(" ", text))


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / reference words, via jiwer."""
    import jiwer

    reference, hypothesis = normalise(reference), normalise(hypothesis)
    if not reference:
        return 0.0 if not hypothesis else 1.0
    return jiwer.wer(reference, hypothesis or "<empty>")
