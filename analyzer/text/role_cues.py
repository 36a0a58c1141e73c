"""Explainable cues of each sentence's role, from the project's own rules, for the role classifier.

The phrase packs of the cliches dimension (``analyzer/rules/data/cliches.toml``), the value cues
(benefit, pain, trigger, specifics: ``value.toml``), the intro, reason and ask patterns and the
you/I word lists of ``structure.toml`` already say, in explainable terms, much of what a sentence
does. Each becomes a 0/1 feature of the sentence it falls in, beside a few of our own word lists
(``data/role_cues.toml``: a time or day, a greeting, a sign-off). The whole pitch is tokenised and
matched once, and each match is given to the sentence where it starts, so unpunctuated text is
matched exactly as the rules match it. The rules live a layer above the text stage, so they are
imported when first needed, not when this module is.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Sequence
from importlib import resources

import numpy as np

from analyzer.text.document import build_document

# the value cue kinds of analyzer.rules.value.cue_hits
_VALUE_KINDS = ("benefit", "pain", "trigger", "specific")
_OWN = ("time", "greeting", "sign_off", "self_facts", "permission", "guilt", "familiarity", "formality", "how_are_you")


@functools.lru_cache(maxsize=1)
def _cue_patterns() -> tuple[tuple[str, object], ...]:
    """(feature name, compiled patterns or a value cue kind) for every cue, in feature order."""
    from analyzer.rules.patterns import compile_patterns
    from analyzer.rules.phrases import is_phrase_rule
    from analyzer.rules.registry import all_rules, cues

    rules = all_rules()
    table = [(r.id, r) for r in rules.values() if r.dimension == "cliches" and is_phrase_rule(r)]
    table += [(kind, kind) for kind in _VALUE_KINDS]
    table += [(name, compile_patterns(tuple(rules[f"structure.no-{name}"].params["patterns"])))
              for name in ("intro", "reason")]
    table += [(f"ask.{channel}", compile_patterns(tuple(lines)))
              for channel, lines in cues("structure.toml")["asks"].items()]
    own = tomllib.loads(resources.files("analyzer.text.data").joinpath("role_cues.toml").read_text(encoding="utf-8"))
    table += [(name, compile_patterns(tuple(own[name]))) for name in _OWN]
    return tuple(table)


def cue_names() -> tuple[str, ...]:
    """The names of the features :func:`cue_features` returns, in column order."""
    return tuple(name for name, _ in _cue_patterns()) + ("self_words", "you_words")


def cue_features(text: str, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """Which cues fall in each sentence of a pitch, shape (len(spans), len(cue_names())).

    Parameters
    ----------
    text : str
        The whole pitch.
    spans : sequence of (start, end)
        Character spans of its sentences, in order.

    Returns
    -------
    np.ndarray, float32
        1.0 where a cue starts inside the sentence (0.0 otherwise); the last two columns are the
        sentence's first-person and second-person words, counted up to 4 and scaled to [0, 1].
    """
    from analyzer.rules.patterns import find_all
    from analyzer.rules.phrases import hits as phrase_hits
    from analyzer.rules.registry import Rule, all_rules
    from analyzer.rules.value import cue_hits

    table = _cue_patterns()
    out = np.zeros((len(spans), len(table) + 2), dtype=np.float32)
    if not spans or not text.strip():
        return out
    doc = build_document(text)
    starts = np.array([s for s, _ in spans])

    def sentence_of(char: int) -> int:
        return max(int(np.searchsorted(starts, char, side="right")) - 1, 0)

    values = cue_hits(doc)
    for column, (_, cue) in enumerate(table):
        if isinstance(cue, Rule):
            found = phrase_hits(doc, cue)
        elif isinstance(cue, str):
            found = values[cue]
        else:
            found = find_all(cue, doc.tokens)
        for hit in found:
            out[sentence_of(doc.tokens[hit.first].start), column] = 1.0
    params = all_rules()["framing.self-centred"].params
    for column, words in ((len(table), set(params["self_words"])), (len(table) + 1, set(params["you_words"]))):
        for token in doc.tokens:
            if token.text in words:
                out[sentence_of(token.start), column] += 0.25
    np.minimum(out, 1.0, out=out)
    return out
