"""Is a pitch a voicemail or a live opener? Decided from its words, with the evidence quoted.

A voicemail asks for a call back, says how to reach the caller (a phone number, or a placeholder
for one in a template), or says the caller will try again: things nobody says to a person on the
line. A pitch with none of those is a live opener (the rep's first turn when the prospect picked
up); its evidence is the question it puts to the listener when there is one. The cues are data
(``data/kinds.toml``); their accuracy on the development set is held by ``tests/test_roles.py``.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Sequence
from importlib import resources

from analyzer.text.numbers import first_phone
from analyzer.types import Word

KINDS = ("voicemail", "opener")


@functools.lru_cache(maxsize=1)
def _cues() -> dict[str, re.Pattern[str]]:
    text = resources.files("analyzer.text.data").joinpath("kinds.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return {kind: re.compile(r"\b(?:" + "|".join(re.escape(c) for c in data[kind]) + r")\b") for kind in KINDS}


def _normalised(text: str) -> str:
    """Lower case, apostrophes dropped, everything else that is not a letter or digit a space."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower().replace("’", "").replace("'", ""))


def detect_kind(text: str, *, words: Sequence[Word] | None = None) -> tuple[str, str]:
    """("voicemail" | "opener", one sentence quoting the words that decided it).

    ``words`` are accepted for symmetry with :func:`analyzer.text.roles.sentence_roles`; the
    decision uses the words themselves, not their timings.
    """
    if not text.strip():
        return "voicemail", "no words: taken as a voicemail"
    norm = _normalised(text)
    if cue := _cues()["voicemail"].search(norm):
        return "voicemail", f'voicemail: "{cue.group()}" is said to a machine, not to someone on the line'
    if number := first_phone(text):
        return "voicemail", f'voicemail: it leaves a callback number ("{number}")'
    if cue := _cues()["opener"].search(norm):
        return "opener", f'opener: "{cue.group()}" speaks to someone on the line'
    question = next((q.strip() for q in re.findall(r"[^.?!]*\?", text)), None)
    if question:
        return "opener", f'opener: no callback request or number, and it asks "{question}"'
    return "opener", "opener: no callback request, number or \"try you again\": it speaks to someone on the line"


def resolve_kind(kind: str | None, text: str, *, words: Sequence[Word] | None = None) -> tuple[str, str]:
    """The kind to judge a pitch as, and why: detected when ``kind`` is None or "auto", else as given."""
    from analyzer.errors import InputError

    if kind in (None, "auto"):
        return detect_kind(text, words=words)
    if kind not in KINDS:
        raise InputError(f"unknown pitch kind {kind!r}: use auto, voicemail or opener")
    return kind, f"{kind}: given (--kind {kind})"
