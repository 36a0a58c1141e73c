"""The ``audio.*`` rules: checks on the recording itself, around what was said. Two of them are
gates (no speech, another language: the words cannot be scored as an English pitch); the others
judge the recording (clipping, long silence before or after the pitch).

Rules and thresholds are in ``data/audio.toml``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from analyzer.rules.registry import Rule, audio_check
from analyzer.types import Finding, Measures

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


@audio_check("audio.no-speech", gate=True)
def no_speech(measures: Measures, rules: Mapping[str, Rule]) -> list[Finding]:
    """Nothing was said: silence, noise or music."""
    return [rules["audio.no-speech"].finding()] if measures.transcript.no_speech else []


@audio_check("audio.not-english", gate=True)
def not_english(measures: Measures, rules: Mapping[str, Rule]) -> list[Finding]:
    """Whisper is sure enough that the speech is another language."""
    transcript, r = measures.transcript, rules["audio.not-english"]
    if transcript.language == "en" or transcript.language_probability < float(r.threshold):
        return []
    return [r.finding(value=transcript.language_probability, quote=transcript.text[:80],
                      context={"language_name": language_name(transcript.language)})]


@audio_check("audio.clipping")
def clipping(measures: Measures, rules: Mapping[str, Rule]) -> list[Finding]:
    """The share of full-scale samples reaches the threshold."""
    r = rules["audio.clipping"]
    if measures.channels is None:
        return []
    share = clipped_share(measures.channels)
    return [r.finding(value=round(share, 6))] if share >= float(r.threshold) else []


@audio_check("audio.dead-air")
def dead_air(measures: Measures, rules: Mapping[str, Rule]) -> list[Finding]:
    """More than the threshold before the first word or after the last one (a voicemail; a call's
    silences are the conversation's business)."""
    r, transcript = rules["audio.dead-air"], measures.transcript
    words = transcript.words
    if not words or measures.conversation is not None:
        return []
    stretches = [("start", 0.0, words[0].start), ("end", words[-1].end, transcript.duration)]
    return [r.finding(value=round(end - start, 1), start=round(start, 2), end=round(end, 2), context={"side": side})
            for side, start, end in stretches if end - start > float(r.threshold)]
