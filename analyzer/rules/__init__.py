"""The content rules: what the rep said, checked on a script or a transcript.

Public API::

    check_text(text, *, words=None, duration=None, config=None, kind="voicemail") -> list[Finding]
    check_transcript(transcript, config=None) -> list[Finding]
    check_gate(measures, config=None) / check_audio(measures, config=None) -> list[Finding]
    list_rules(config=None) -> list[Rule]

Rules are declared in ``data/*.toml`` (see :mod:`analyzer.rules.registry`); phrase rules
are data only (:mod:`analyzer.rules.phrases`), the others are functions registered with
:func:`text_check` or :func:`audio_check`.
"""

from analyzer.rules.check import check_audio, check_gate, check_text, check_transcript, list_rules
from analyzer.rules.registry import Rule, all_rules, audio_check, text_check

__all__ = ["check_audio", "check_gate", "check_text", "check_transcript", "list_rules", "Rule", "all_rules",
           "audio_check", "text_check"]
