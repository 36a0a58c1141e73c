"""Structure of a voicemail or opener: intro, reason, one ask, callback number, length.

"Early" means within the rule's threshold in seconds when the words have timings.
Without timings it means within the first N sentences (``params.sentences``) or within
the threshold at the estimated speaking rate (150 words per minute), whichever reaches
further: very short sentences ("Great.") would otherwise use up the count. Text without
sentence punctuation (raw ASR output) is judged by the estimated time alone.
Callback-number and length rules apply to voicemails only, not to live openers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from analyzer.types import Finding
from analyzer.text.document import Document, words_per_second
from analyzer.text.numbers import number_runs, phone_key, times_given
from analyzer.text.placeholders import intro_placeholders, number_placeholders
from analyzer.text.syllables import pronunciations
from analyzer.rules.patterns import Hit, compile_patterns, find_all, run_within
from analyzer.rules.registry import Rule, cues, text_check
from analyzer.rules.value import REASON_KINDS, cue_hits


def _hits(doc: Document, lines: Sequence[str], exceptions: Sequence[str] = ()) -> list[Hit]:
    return find_all(compile_patterns(tuple(lines)), doc.tokens, exceptions=compile_patterns(tuple(exceptions)))


def _placeholder_hits(doc: Document, slots: list[re.Match[str]]) -> list[Hit]:
    """Template placeholders ("[Name]", "{rep_name}") as hits on the tokens inside them."""
    starts, ends = [t.start for t in doc.tokens], [t.end for t in doc.tokens]
    hits = []
    for slot in slots:
        if inside := run_within(starts, ends, slot.start(), slot.end()):
            hits.append(Hit(inside.start, inside.stop, "placeholder"))
    return hits


def _is_early(doc: Document, hit: Hit, rule: Rule) -> bool:
    token = doc.tokens[hit.first]
    in_time = doc.seconds_at(token) <= float(rule.threshold)
    if doc.timed or len(doc.sentences) < 2:  # unpunctuated text has no sentences to count
        return in_time
    return in_time or token.sentence < rule.params["sentences"]


def _first_late(doc: Document, hits: list[Hit], rule: Rule) -> list[Finding]:
    """The rule's finding: quoting the first match if it came late, else about the whole pitch."""
    if not hits:
        return [rule.finding()]
    hit = min(hits, key=lambda h: h.first)
    seconds = round(doc.seconds_at(doc.tokens[hit.first]), 1)
    return [rule.finding(**doc.evidence(*hit.span(doc)), value=seconds)]


def _brand_intros(doc: Document, params: Mapping) -> list[Hit]:
    """Intros without a "from"/"with": "Hi Priya, Tom Becker, Ledgerline".

    A greeting followed, a few words on (``params.brand_offsets``), by a coined word —
    one the CMU Pronouncing Dictionary does not know, the usual shape of a brand name.
    """
    low, high = params["brand_offsets"]
    hits = []
    for i, token in enumerate(doc.tokens):
        if token.text not in params["brand_greetings"]:
            continue
        for j in range(i + low, min(i + high + 1, len(doc.tokens))):
            word = doc.tokens[j].text
            if word.isalpha() and len(word) >= 4 and word not in pronunciations():
                hits.append(Hit(i, j + 1, "greeting, name, brand"))
                break
    return hits


@text_check("structure.no-intro")
def check_intro(doc: Document, rules: Mapping[str, Rule]) -> list[Finding]:
    """structure.no-intro: name and company early (see the module docstring for "early")."""
    rule = rules["structure.no-intro"]
    hits = _hits(doc, rule.params["patterns"], rule.params.get("exceptions", ()))
    hits += _placeholder_hits(doc, intro_placeholders(doc.text))
    if not any(_is_early(doc, hit, rule) for hit in hits):
        hits += _brand_intros(doc, rule.params)
        if not any(_is_early(doc, hit, rule) for hit in hits):
            return _first_late(doc, hits, rule)
    return []


@text_check("structure.no-reason")
def check_reason(doc: Document, rules: Mapping[str, Rule]) -> list[Finding]:
    """structure.no-reason: a reason for the call, or any value cue, early."""
    rule = rules["structure.no-reason"]
    value_cues = cue_hits(doc)
    hits = _hits(doc, rule.params["patterns"]) + [h for kind in REASON_KINDS for h in value_cues[kind]]
    if any(_is_early(doc, hit, rule) for hit in hits):
        return []
    return _first_late(doc, hits, rule)


@text_check("structure.no-ask", "structure.many-asks")
def check_asks(doc: Document, rules: Mapping[str, Rule]) -> list[Finding]:
    """structure.no-ask (no call to action) and structure.many-asks (several channels offered)."""
    asks = {channel: _hits(doc, lines) for channel, lines in cues("structure.toml")["asks"].items()}
    if not any(asks.values()):
        return [rules["structure.no-ask"].finding()]
    channels = [channel for channel, hits in asks.items() if hits and channel != "meeting"]
    many = rules["structure.many-asks"]
    if len(channels) <= float(many.threshold):
        return []
    spans = [hit.span(doc) for channel in channels for hit in asks[channel]]
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    return [many.finding(**doc.evidence(start, end), value=len(channels), context={"channels": ", ".join(channels)})]


@text_check("structure.no-callback-number", "structure.number-once")
def check_number(doc: Document, rules: Mapping[str, Rule]) -> list[Finding]:
    """Voicemails: a callback number, given at least ``threshold`` times (digits or words)."""
    if doc.kind != "voicemail":
        return []
    runs = number_runs(doc)
    phones = [run for run in runs if run.is_phone]
    rule = rules["structure.number-once"]
    if not phones and (slots := number_placeholders(doc.text)):  # a template: the rep fills the number in
        if len(slots) >= float(rule.threshold):
            return []
        return [rule.finding(**doc.evidence(slots[0].start(), slots[0].end()), value=len(slots))]
    if not phones:
        return [rules["structure.no-callback-number"].finding()]
    given = times_given(runs)
    counts = {phone_key(run): given[phone_key(run)] for run in phones}
    key = max(counts, key=counts.get)
    if counts[key] >= float(rule.threshold):
        return []
    run = next(run for run in phones if phone_key(run) == key)
    start, end = doc.tokens[run.first].start, doc.tokens[run.stop - 1].end
    return [rule.finding(**doc.evidence(start, end), value=counts[key])]


def spoken_duration(doc: Document) -> tuple[float, str]:
    """Length of the pitch in seconds and how it was known (for the finding's message)."""
    if doc.duration is not None:
        return doc.duration, ""
    if doc.timed:
        return doc.words[-1].end, " (from word timings)"
    wpm = round(words_per_second() * 60)
    return doc.spoken_words / words_per_second(), f" (estimated from {doc.spoken_words} words at {wpm} words per minute)"


@text_check("structure.too-long", "structure.too-short")
def check_length(doc: Document, rules: Mapping[str, Rule]) -> list[Finding]:
    """Voicemails: length outside [too-short, too-long] thresholds, measured or estimated."""
    if doc.kind != "voicemail":
        return []
    seconds, how = spoken_duration(doc)
    too_long, too_short = rules["structure.too-long"], rules["structure.too-short"]
    if seconds > float(too_long.threshold):
        return [too_long.finding(value=round(seconds, 1), context={"how": how})]
    if seconds < float(too_short.threshold):
        return [too_short.finding(value=round(seconds, 1), context={"how": how})]
    return []
