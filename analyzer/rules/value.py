"""The value statement: which sentences give the listener a reason to care.

A sentence gives a reason when it holds a cue of ``data/value.toml``: a *benefit* (an
outcome for the listener or a peer: "help you cut", "we filled nine roles"), a *pain*
("chasing invoice approvals") or a *trigger* (something about their business: "I saw
your team just opened…"). Self-description ("we are an IT staffing company") and bare
asks ("call me to discuss") hold no such cue. A value statement is *specific* when it
holds a number, amount or timeframe (phone numbers aside) or is a trigger.

Run-on text (ASR without punctuation) is judged in windows around each cue rather
than by "sentence", which would be the whole transcript.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from analyzer.types import Finding
from analyzer.text.document import Document
from analyzer.text.numbers import number_runs
from analyzer.rules.patterns import Hit, compile_patterns, find_all, run_within
from analyzer.rules.registry import Rule, cues, text_check

REASON_KINDS = ("benefit", "pain", "trigger")


@dataclass(frozen=True)
class ValueStatement:
    """A stretch of the pitch that gives the listener a reason to care."""

    # token indices [first, stop) in the Document
    first: int
    stop: int
    # which kinds of reason it holds: benefit, pain, trigger
    kinds: frozenset[str]
    specific: bool

    @property
    def score(self) -> int:
        return len(self.kinds) + 2 * self.specific

    def span(self, doc: Document) -> tuple[int, int]:
        return doc.tokens[self.first].start, doc.tokens[self.stop - 1].end


@functools.lru_cache(maxsize=8)
def cue_hits(doc: Document) -> dict[str, list[Hit]]:
    """Matches of each cue kind of ``data/value.toml`` (benefit, pain, trigger, specific)."""
    table = cues("value.toml")
    vocab = tuple((name, tuple(words)) for name, words in table["vocab"].items())
    found = {
        kind: find_all(compile_patterns(tuple(lines), vocab), doc.tokens)
        for kind, lines in table["patterns"].items()
    }
    in_phones = {i for run in number_runs(doc) if run.is_phone for i in range(run.first, run.stop)}
    found["specific"] = [h for h in found["specific"] if not in_phones.intersection(range(h.first, h.stop))]
    return found


def _unit(doc: Document, hit: Hit, settings: Mapping) -> tuple[int, int]:
    """The tokens a cue is judged with: its sentence, or a window in run-on text."""
    sentence = doc.tokens[hit.first].sentence
    first = next(i for i in range(hit.first, -1, -1) if i == 0 or doc.tokens[i - 1].sentence != sentence)
    stop = next(i for i in range(hit.stop, len(doc.tokens) + 1) if i == len(doc.tokens) or doc.tokens[i].sentence != sentence)
    if stop - first <= settings["max_sentence_words"]:
        return first, stop
    window = settings["window_words"]
    return max(first, hit.first - window), min(stop, hit.stop + window)


def value_statements(doc: Document) -> list[ValueStatement]:
    """Every value statement of a pitch, best first (most kinds of reason, specifics first)."""
    found, settings = cue_hits(doc), cues("value.toml")
    units = {_unit(doc, hit, settings) for kind in REASON_KINDS for hit in found[kind]}
    # find_all's hits are in order and do not overlap
    bounds = {kind: ([h.first for h in hits], [h.stop for h in hits]) for kind, hits in found.items()}
    statements = []
    for first, stop in units:
        inside = {kind: [hits[i] for i in run_within(*bounds[kind], first, stop)] for kind, hits in found.items()}
        kinds = frozenset(kind for kind in REASON_KINDS if inside[kind])
        if kinds:
            specific = "trigger" in kinds or bool(inside["specific"])
            statements.append(ValueStatement(first, stop, kinds, specific))
    return sorted(statements, key=lambda s: (-s.score, s.first))


@text_check("value.missing", "value.vague")
def check_value(doc: Document, rules: Mapping[str, Rule]) -> list[Finding]:
    """value.missing when no statement gives a reason; value.vague when the best has no specifics."""
    statements = value_statements(doc)
    if not statements:
        return [rules["value.missing"].finding()]
    best = statements[0]
    if best.specific:
        return []
    return [rules["value.vague"].finding(**doc.evidence(*best.span(doc)))]
