"""Checks on the recording itself, around what was said: is it English, is it clipped, does it
start or end with a long stretch of silence.

Rules and thresholds are in ``rules/data/audio.toml``.
"""

from __future__ import annotations

import numpy as np

from analyzer.config import Config
from analyzer.datatypes import Finding, Transcript

NEAR_FULL_SCALE = 0.99  # |sample| at or above this (within 1% of full scale) counts as clipped


def clipped_share(channels: np.ndarray) -> float:
    """Largest share, over the ``(n_channels, n)`` channels, of samples within 1% of full scale."""
    channels = np.atleast_2d(channels)
    if channels.shape[1] == 0:
        return 0.0
    return float(max(np.count_nonzero(np.abs(ch) >= NEAR_FULL_SCALE) for ch in channels) / channels.shape[1])


def language_name(code: str) -> str:
    """English name of a Whisper language code ("de" -> "German"); the code itself if unknown."""
    import pycountry

    try:
        return pycountry.languages.lookup(code).name
    except LookupError:
        return code


def clipping_findings(channels: np.ndarray, *, config: Config) -> list[Finding]:
    """``audio.clipping`` when the share of full-scale samples reaches its threshold."""
    rule = config.rule("audio.clipping")
    share = clipped_share(channels)
    return [rule.finding(value=round(share, 6))] if share >= float(rule.threshold) else []


def not_english(transcript: Transcript, *, config: Config) -> Finding | None:
    """``audio.not-english`` when Whisper is sure enough that the speech is another language."""
    rule = config.rule("audio.not-english")
    if not config.enabled(rule.id) or transcript.language == "en" or transcript.language_probability < float(rule.threshold):
        return None
    return rule.finding(value=transcript.language_probability, quote=transcript.text[:80],
                        context={"language_name": language_name(transcript.language)})


def dead_air_findings(transcript: Transcript, *, config: Config) -> list[Finding]:
    """``audio.dead-air`` for each end of the recording with more than the threshold before the
    first word or after the last one."""
    rule = config.rule("audio.dead-air")
    words = transcript.words
    if not words:
        return []
    stretches = [("start", 0.0, words[0].start), ("end", words[-1].end, transcript.duration)]
    return [rule.finding(value=round(end - start, 1), start=round(start, 2), end=round(end, 2), context={"side": side})
            for side, start, end in stretches if end - start > float(rule.threshold)]
