"""A pitch → the short list of interpretable numbers the scoring model weighs.

Each feature has a plain-words name, the scorecard dimension it belongs to, and the rules whose
findings it counts or whose fix would change it: that link turns the fitted model's weights into
"points each fix wins back". Text features come from the rule findings (run with the pitch's kind)
and, where :mod:`analyzer.text.roles` is installed, from the sentence roles (intro, reason, value,
ask, number, cliché). Audio findings (delivery, pauses, conversation) are not features of the
fitted model: there is no labelled audio to fit them on, so :mod:`analyzer.scoring.model` adds them
as a prior adjustment (see ``data/model.json``).
"""

from __future__ import annotations

import fnmatch
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from analyzer.types import Finding, Word


@dataclass(frozen=True)
class Feature:
    """One input of the model."""

    # identifier used in model.json
    name: str
    # what it measures, in words a rep understands
    words: str
    # the scorecard dimension its contribution counts towards (None: a baseline, never a problem)
    dimension: str | None
    # rule ids (fnmatch patterns) whose findings this feature counts or whose fix changes it
    rules: tuple[str, ...] = ()
    # "count": number of findings of ``rules`` (a fix removes one); "flag": 1 when a problem is
    # present (a fix sets it to 0); "good": 1 when a strength is present (a fix of ``rules``
    # sets it to 1); "value": a measure whose fix is given by ``fixed``
    kind: str = "count"


# The feature list, in the order of model.json. Rules named here must exist (tests check it).
FEATURES: tuple[Feature, ...] = (
    Feature("drop_by", "visit / in-your-area announcements", "cliches", ("cliche.in-your-area",)),
    Feature("cliche_phrases", "other stock phrases (checking in, bad time?, self-praise, hedges)", "cliches",
            ("cliche.checking-in", "cliche.opener", "cliche.self-praise", "cliche.hedges", "cliche.filler-phrases")),
    Feature("cliche_sentences", "sentences that do nothing for the listener (learned roles)", "cliches",
            ("cliche.*",)),
    Feature("value_missing", "no reason for the listener to care", "value", ("value.missing",), "flag"),
    Feature("value_vague", "value without specifics", "value", ("value.vague",), "flag"),
    Feature("value_early", "a value sentence among the first three", "value", ("value.missing",), "good"),
    Feature("reason_given", "a sentence saying why them, why now", "structure", ("structure.no-reason",), "good"),
    Feature("no_reason", "no reason for the call early on (rule)", "structure", ("structure.no-reason",), "flag"),
    Feature("no_intro", "no name and company early (rule)", "structure", ("structure.no-intro",), "flag"),
    Feature("intro_early", "says who is calling in the first two sentences", "structure",
            ("structure.no-intro",), "good"),
    Feature("no_ask", "no clear next step (rule)", "structure", ("structure.no-ask",), "flag"),
    Feature("one_ask", "exactly one ask", "structure", ("structure.no-ask", "structure.many-asks"), "good"),
    Feature("many_asks", "more than one ask (rule)", "structure", ("structure.many-asks",), "flag"),
    Feature("no_number", "no callback number (voicemail)", "structure", ("structure.no-callback-number",), "flag"),
    Feature("number_once", "number given only once (voicemail)", "structure", ("structure.number-once",), "flag"),
    Feature("length_off", "too long or too short for its kind", "structure",
            ("structure.too-long", "structure.too-short"), "flag"),
    Feature("hard_to_read", "long words and sentences (readability grade)", "structure", ("readability.grade",),
            "flag"),
    Feature("self_centred", "I/we words per you/your word (capped at 3)", "structure",
            ("framing.self-centred",), "value"),
    Feature("ask_question", "the ask is a question to the listener", "structure", (), "good"),
    Feature("words", "length in hundreds of words", None, (), "value"),
    Feature("opener", "a live opener rather than a voicemail", None, (), "value"),
)
NAMES = tuple(f.name for f in FEATURES)
# the features read from the sentence roles (0 where the role classifier is not installed)
ROLE_FEATURES = ("cliche_sentences", "value_early", "reason_given", "intro_early", "one_ask", "ask_question")
# the ratio at which framing.self-centred stops firing (its threshold): what a fix brings the ratio to
_BALANCED_RATIO = 1.0
_RATIO_CAP = 3.0
# length counts up to this many words and back down to nothing at twice that: the longest
# development pitch has 175, so the fitted weight (length helped there: short pitches skip the
# reason and the value) says nothing of longer texts. Capped only, the strong sample pasted twenty
# times (2,000 words) outscored it once; uncapped, a pasted 100 KB playbook scored 100 on length.
_WORDS_CAP = 200
_QUESTION_STARTS = frozenset("are can could would will do does did is should shall may how what when worth "
                             "open any".split())


def matches(feature: Feature, rule: str) -> bool:
    """True when ``rule`` is one of the feature's rules."""
    return any(fnmatch.fnmatchcase(rule, pattern) for pattern in feature.rules)


def owner(rule: str) -> Feature | None:
    """The first feature that counts ``rule``'s findings (None when no feature does)."""
    return next((f for f in FEATURES if f.kind in ("count", "flag") and matches(f, rule)), None)


def sentence_roles(text: str, words: Sequence[Word] | None, params: dict | None = None) -> list | None:
    """The pitch's sentences with roles, or None where the role classifier is not installed
    (``params``: another classifier than the shipped one, see :func:`analyzer.text.roles.sentence_roles`)."""
    try:
        from analyzer.text.roles import sentence_roles as classify
    except ImportError:
        return None
    return classify(text, words=list(words) if words else None, params=params)


def _is_question(text: str) -> bool:
    """A question by its mark, or (ASR text has no marks) by its first word."""
    stripped = text.strip()
    first = stripped.split(maxsplit=1)[0].lower().strip(",.") if stripped else ""
    return stripped.endswith("?") or first in _QUESTION_STARTS


def _role_features(sentences: list | None) -> dict[str, float]:
    """Where the roles sit: 0 for every role feature when there are no roles."""
    if not sentences:
        return dict.fromkeys(ROLE_FEATURES, 0.0)
    roles = [s.role for s in sentences]
    asks = [s for s in sentences if s.role == "ask"]
    return {
        "cliche_sentences": float(roles.count("cliche")),
        "value_early": float("value" in roles[:3]),
        "reason_given": float("reason" in roles),
        "intro_early": float("intro" in roles[:2]),
        "one_ask": float(len(asks) == 1),
        "ask_question": float(any(_is_question(s.text) for s in asks)),
    }


def _self_ratio(text: str, kind: str) -> float:
    """framing.self-centred's own ratio (the same word lists), capped so one pitch cannot dominate."""
    from analyzer.rules.framing import pronoun_counts
    from analyzer.rules.registry import all_rules
    from analyzer.text.document import build_document

    params = all_rules()["framing.self-centred"].params
    self_count, you_count = pronoun_counts(build_document(text, kind=kind), params)
    return min(self_count / max(you_count, 1), _RATIO_CAP)


def pitch_features(text: str, findings: Sequence[Finding], *, kind: str, words: Sequence[Word] | None = None,
                   sentences: list | None = None) -> dict[str, float]:
    """Every feature of one pitch, by name (``sentences``: from :func:`sentence_roles`, or None)."""
    values: dict[str, float] = {}
    rules = [f.rule for f in findings]
    for feature in FEATURES:
        if feature.kind in ("count", "flag"):
            n = sum(matches(feature, rule) for rule in rules)
            values[feature.name] = float(n if feature.kind == "count" else n > 0)
    values.update(_role_features(sentences))
    values["self_centred"] = _self_ratio(text, kind)
    n_words = len(text.split())
    values["words"] = max(0, min(n_words, 2 * _WORDS_CAP - n_words)) / 100.0
    values["opener"] = float(kind == "opener")
    return {name: values[name] for name in NAMES}


def model_inputs(values: dict[str, float]) -> np.ndarray:
    """The features as the model sees them, in ``NAMES`` order: counts enter as log2(1 + count), so
    a second stock phrase costs less than the first and a fifth little more than a fourth (the
    earlier scorecard's "repeats cost half" in a smooth form)."""
    return np.array([math.log2(1.0 + values[f.name]) if f.kind == "count" else values[f.name] for f in FEATURES])


def fixed(values: dict[str, float], rule: str) -> dict[str, float]:
    """The features as they would be with one finding of ``rule`` fixed."""
    out = dict(values)
    for feature in FEATURES:
        if not matches(feature, rule):
            continue
        change: Callable[[float], float] = {
            "count": lambda v: max(v - 1.0, 0.0),
            "flag": lambda v: 0.0,
            "good": lambda v: 1.0,
            "value": lambda v: min(v, _BALANCED_RATIO),
        }[feature.kind]
        out[feature.name] = change(out[feature.name])
    return out


def all_fixed(values: dict[str, float]) -> dict[str, float]:
    """The features with every problem fixed: the reference a dimension score is measured from."""
    out = dict(values)
    for feature in FEATURES:
        if feature.kind in ("count", "flag"):
            out[feature.name] = 0.0
        elif feature.kind == "good" and feature.rules:
            out[feature.name] = 1.0
        elif feature.name == "self_centred":
            out[feature.name] = min(out[feature.name], _BALANCED_RATIO)
    return out
