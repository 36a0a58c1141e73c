"""Run every text rule on a script or transcript: the entry point of the content half."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from analyzer.datatypes import Finding, Transcript, Word
from analyzer.rules import framing, readability, structure, value  # noqa: F401 - register their checks
from analyzer.rules.document import build_document
from analyzer.rules.phrases import check_phrases, is_phrase_rule
from analyzer.rules.registry import TEXT_CHECKS, Rule

if TYPE_CHECKING:
    from analyzer.config import Config


def _config(config: Config | None) -> Config:
    from analyzer.config import Config  # analyzer.config imports the registry: import late

    return config if config is not None else Config()


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
    # one call per check function, even when it serves several rule ids
    for check in dict.fromkeys(c for rule_id, c in TEXT_CHECKS.items() if config.enabled(rule_id)):
        findings.extend(check(doc, rules))
    order = {rule_id: i for i, rule_id in enumerate(rules)}
    findings = config.apply(findings)
    return sorted(findings, key=lambda f: (order.get(f.rule, len(order)), f.char_start or 0))


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
