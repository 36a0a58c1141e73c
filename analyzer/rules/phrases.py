"""Phrase rules declared as data, Vale-style, matched on normalised words.

A phrase rule is one ``[[rule]]`` entry whose ``[rule.params]`` says::

    kind = "existence"        # every match is a finding
    phrases = ["be in|around|near the|your? area", ...]      # see analyzer.rules.patterns

    kind = "substitution"     # every match is a finding that suggests what to say instead
    swap = { "how are you doing? today" = "How have you been?" }

    kind = "occurrence"       # one finding when there are more matches than `threshold`
    phrases = ["kind|sort of", "basically", ...]

Optional for every kind: ``exceptions`` (patterns; a match they overlap is dropped, e.g.
"let you know" is not the filler "you know") and ``gap`` (words that may be inserted
between the words of a phrase, default 1). Messages and suggestions may use ``{quote}``,
``{replacement}`` (substitution), ``{value}``/``{threshold}``/``{phrases}`` (occurrence).
"""

from __future__ import annotations

from collections import Counter

from analyzer.types import Finding
from analyzer.text.document import Document
from analyzer.rules.patterns import Hit, compile_patterns, find_all
from analyzer.rules.registry import Rule

KINDS = ("existence", "substitution", "occurrence")


def is_phrase_rule(rule: Rule) -> bool:
    """True for rules checked by this module (their params name a phrase kind)."""
    return rule.params.get("kind") in KINDS


def _lines(rule: Rule) -> tuple[str, ...]:
    key = "swap" if rule.params["kind"] == "substitution" else "phrases"
    if key not in rule.params:
        raise ValueError(f"rule {rule.id}: a {rule.params['kind']} rule needs params.{key}")
    return tuple(rule.params[key])


def validate(rule: Rule) -> None:
    """Raise ValueError (naming the rule) when a phrase rule's params are unusable."""
    try:
        compile_patterns(_lines(rule))
        compile_patterns(tuple(rule.params.get("exceptions", ())))
    except ValueError as error:
        raise ValueError(f"rule {rule.id}: {error}") from None
    if rule.params["kind"] == "occurrence" and not isinstance(rule.threshold, (int, float)):
        raise ValueError(f"rule {rule.id}: an occurrence rule needs a numeric threshold")


def hits(doc: Document, rule: Rule) -> list[Hit]:
    """Where a phrase rule's phrases occur in a document (searched once per document and rule: the
    phrase rules and ``cliche.learned``, which skips the sentences they flag, both ask)."""
    lines, exceptions, gap = _lines(rule), tuple(rule.params.get("exceptions", ())), int(rule.params.get("gap", 1))
    key = ("phrase-hits", lines, exceptions, gap)  # what is searched, whichever config says it
    if key not in doc.memo:
        doc.memo[key] = find_all(compile_patterns(lines), doc.tokens, gap=gap, exceptions=compile_patterns(exceptions))
    return list(doc.memo[key])


def check_phrases(doc: Document, rule: Rule) -> list[Finding]:
    """The findings of one phrase rule."""
    found = hits(doc, rule)
    kind = rule.params["kind"]
    if kind == "occurrence":
        if len(found) <= float(rule.threshold):
            return []
        counts = Counter(doc.quote(*h.span(doc)).lower() for h in found)
        listed = ", ".join(f"{phrase} ×{n}" if n > 1 else phrase for phrase, n in counts.items())
        return [rule.finding(**doc.evidence(*found[0].span(doc)), value=len(found), context={"phrases": listed})]
    findings = []
    for hit in found:
        context = {"replacement": rule.params["swap"][hit.pattern]} if kind == "substitution" else {}
        findings.append(rule.finding(**doc.evidence(*hit.span(doc)), context=context))
    return findings
