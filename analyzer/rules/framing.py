"""Framing: does the pitch talk about the caller (I/we/our) or the listener (you/your)?

Counts first-person and second-person words after dropping the courtesy and logistics
phrases every voicemail has on both sides ("call me", "my number", "thank you for your
time"), which say nothing about whose interests the pitch serves. Fires when the ratio
of self-references to listener references (listener count at least 1) exceeds the
threshold.
"""

from __future__ import annotations

from collections.abc import Mapping

from analyzer.types import Finding
from analyzer.text.document import Document
from analyzer.rules.patterns import compile_patterns, find_all
from analyzer.rules.registry import Rule, text_check


def pronoun_counts(doc: Document, params: Mapping) -> tuple[int, int]:
    """(self-references, listener references) outside the excluded phrases."""
    excluded = {
        i for hit in find_all(compile_patterns(tuple(params["exclude"])), doc.tokens) for i in range(hit.first, hit.stop)
    }
    counted = [t.text for i, t in enumerate(doc.tokens) if i not in excluded]
    return (
        sum(word in params["self_words"] for word in counted),
        sum(word in params["you_words"] for word in counted),
    )


@text_check("framing.self-centred")
def check_framing(doc: Document, rules: Mapping[str, Rule]) -> list[Finding]:
    """framing.self-centred: ratio of I/we/our to you/your above the threshold."""
    rule = rules["framing.self-centred"]
    self_count, you_count = pronoun_counts(doc, rule.params)
    ratio = self_count / max(you_count, 1)
    if ratio <= float(rule.threshold):
        return []
    return [rule.finding(value=round(ratio, 2), context={"self_count": self_count, "you_count": you_count})]
