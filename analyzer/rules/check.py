"""Run the registered checks: every text rule on a script or transcript, every audio rule on a
recording's measurements. The pipeline asks these two functions, never a rule module."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from analyzer.rules import calls, delivery, framing, readability, recording, roles, structure, value  # noqa: F401 - register
from analyzer.rules.phrases import check_phrases, is_phrase_rule
from analyzer.rules.registry import AUDIO_CHECKS, GATE_CHECKS, TEXT_CHECKS, Check, Rule
from analyzer.text.document import build_document
from analyzer.threads import one_blas_thread
from analyzer.types import Finding, Measures, Transcript, Word

if TYPE_CHECKING:
    from analyzer.config import Config


def _config(config: Config | None) -> Config:
    from analyzer.config import Config  # analyzer.config imports the registry: import late

    return config if config is not None else Config()


@one_blas_thread
def check_text(
    text: str,
    *,
    words: Sequence[Word] | None = None,
    duration: float | None = None,
    config: Config | None = None,
    kind: str = "voicemail",
) -> list[Finding]:
    """Findings of every enabled text rule, in rule order, then by position.

    ``text`` is a script, or ``" ".join(w.word for w in words)`` when ``words`` (with
    timings) are given; findings then carry start/end times. ``duration`` is the
    recording length in seconds (without it, length is taken from the word timings or
    estimated at 150 words per minute, and the finding says so). ``kind`` is
    ``"voicemail"`` or ``"opener"`` (a live call: no callback-number or length rules).
    Raises InputError for empty text.
    """
    config = _config(config)
    doc = build_document(text, words=words, duration=duration, kind=kind)
    rules = config.rules()
    findings: list[Finding] = []
    for rule in rules.values():
        if is_phrase_rule(rule) and config.enabled(rule.id):
            findings.extend(check_phrases(doc, rule))
    findings = config.apply(findings) + _run(TEXT_CHECKS, doc, config)
    order = {rule_id: i for i, rule_id in enumerate(rules)}
    return sorted(findings, key=lambda f: (order.get(f.rule, len(order)), f.char_start or 0))


def _run(checks: dict[str, Check], subject, config: Config) -> list[Finding]:
    """Each enabled check once (a check may serve several rule ids), with the effective rules."""
    rules = config.rules()
    findings: list[Finding] = []
    for check in dict.fromkeys(c for rule_id, c in checks.items() if config.enabled(rule_id)):
        findings.extend(check(subject, rules))
    return config.apply(findings)


def check_gate(measures: Measures, config: Config | None = None) -> list[Finding]:
    """Findings of the gate rules: why a recording's words cannot be scored (no speech, not English)."""
    return _run(GATE_CHECKS, measures, _config(config))


def check_audio(measures: Measures, config: Config | None = None) -> list[Finding]:
    """Findings of every enabled audio rule (recording, delivery, pauses, call) on the measurements."""
    return _run(AUDIO_CHECKS, measures, _config(config))


def check_transcript(transcript: Transcript, config: Config | None = None, *, kind: str = "voicemail") -> list[Finding]:
    """:func:`check_text` on a transcript's words, with their timings and its duration."""
    words = transcript.words
    if not words:
        return check_text(transcript.text, duration=transcript.duration, config=config, kind=kind)
    text = " ".join(w.word for w in words)
    return check_text(text, words=words, duration=transcript.duration, config=config, kind=kind)


def list_rules(config: Config | None = None) -> list[Rule]:
    """Every declared rule (text and audio, built in and from the config's packs), in order."""
    return list(_config(config).rules().values())
