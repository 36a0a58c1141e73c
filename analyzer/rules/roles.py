"""Findings from the learned sentence roles: clichés in wordings no phrase pack lists.

:func:`analyzer.text.roles.sentence_roles` classes every sentence; a sentence classed ``cliche``
with at least the rule's threshold of probability becomes a ``cliche.learned`` finding that quotes
it and names the nearest development example (and how alike the two are), unless a phrase rule of
the cliches dimension already flags that sentence: the learned finding adds what the packs miss.
Fragments under ``min_words`` and the kinds in ``skip_kinds`` (data/roles.toml) are left alone.
"""

from __future__ import annotations

from collections.abc import Mapping

from analyzer.rules.phrases import check_phrases, is_phrase_rule
from analyzer.rules.registry import Rule, text_check
from analyzer.text.document import Document
from analyzer.types import Finding

# how a cliche kind reads in a message
_KIND_WORDS = {"drop-by": "drop-by", "checking-in": "checking-in", "permission": "permission-begging",
               "pretext": "pretext", "familiarity": "fake-familiarity", "guilt": "guilt-trip",
               "self-praise": "self-praise", "formality": "stiff-formality", "how-are-you": "how-are-you"}


@text_check("cliche.learned")
def check_learned_cliches(doc: Document, rules: Mapping[str, Rule]) -> list[Finding]:
    """cliche.learned: sentences classed cliche that no cliche phrase rule flags."""
    from analyzer.text.roles import sentence_roles

    rule = rules["cliche.learned"]
    flagged = [(f.char_start, f.char_end) for r in rules.values()
               if r.dimension == "cliches" and is_phrase_rule(r) for f in check_phrases(doc, r)
               if f.char_start is not None]
    findings = []
    for s in sentence_roles(doc.text, words=doc.words or None):
        if s.role != "cliche" or s.confidence < float(rule.threshold) or s.cliche_kind in rule.params["skip_kinds"]:
            continue
        if len(s.text.split()) < rule.params["min_words"]:
            continue
        if any(a < s.char_end and b > s.char_start for a, b in flagged):
            continue
        evidence = doc.evidence(s.char_start, s.char_end)
        findings.append(rule.finding(
            **evidence, value=round(s.confidence, 2),
            context={"cliche_kind": _KIND_WORDS.get(s.cliche_kind or "", "stock"), "nearest": s.nearest_text,
                     "similarity": s.similarity or 0.0}))
    return findings
