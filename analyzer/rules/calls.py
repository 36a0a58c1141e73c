"""The ``call.*`` rules: the conversation of a two-party call, judged on its
:class:`~analyzer.calls.conversation.Conversation`. Every quote is the rep's own words."""

from __future__ import annotations

from collections.abc import Mapping

from analyzer.rules.registry import Rule, audio_check
from analyzer.types import Finding, Measures

QUOTE_WORDS = 20  # longest quote in a finding, in words


def _quote(text: str) -> str:
    words = text.split()
    return " ".join(words[:QUOTE_WORDS]) + (" …" if len(words) > QUOTE_WORDS else "")


@audio_check("call.talk-ratio")
def talk_ratio(measures: Measures, rules: Mapping[str, Rule]) -> list[Finding]:
    """The rep talked more than the threshold share of the call."""
    conv, r = measures.conversation, rules["call.talk-ratio"]
    if conv is None or conv.talk_ratio_rep <= float(r.threshold):
        return []
    return [r.finding(value=round(conv.talk_ratio_rep, 3),
                      context={"rep_talk_s": conv.rep_talk_s, "prospect_talk_s": conv.prospect_talk_s})]


@audio_check("call.monologue")
def monologue(measures: Measures, rules: Mapping[str, Rule]) -> list[Finding]:
    """The rep's longest monologue ran past the threshold."""
    conv, r = measures.conversation, rules["call.monologue"]
    longest = conv.longest_rep_monologue if conv is not None else None
    if longest is None or longest.duration <= float(r.threshold):
        return []
    return [r.finding(value=round(longest.duration, 1), start=longest.start, end=longest.end, quote=_quote(longest.text))]


@audio_check("call.no-questions")
def no_questions(measures: Measures, rules: Mapping[str, Rule]) -> list[Finding]:
    """The rep asked fewer questions than the threshold."""
    conv, r = measures.conversation, rules["call.no-questions"]
    if conv is None or not conv.rep_turns or conv.rep_questions >= float(r.threshold):
        return []
    return [r.finding(value=conv.rep_questions)]


@audio_check("call.interrupts")
def interrupts(measures: Measures, rules: Mapping[str, Rule]) -> list[Finding]:
    """The rep talked over the prospect at least the threshold number of times."""
    conv, r = measures.conversation, rules["call.interrupts"]
    if conv is None or conv.interruptions < float(r.threshold):
        return []
    first = conv.interruption_spans[0]
    return [r.finding(value=conv.interruptions, start=first.start, end=first.end, quote=_quote(first.text))]
