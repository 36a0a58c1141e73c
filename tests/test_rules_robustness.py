"""Random input never crashes the text rules (hypothesis); only empty input is refused."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.types import Finding, Word
from analyzer.errors import InputError
from analyzer.rules import check_text

VOCABULARY = (
    "hi this is from with at in your area stop by introduce myself call me five five five one two "
    "zero oh extension seventy percent we helped cut save you your team just checking in kind of "
    "basically world class 555-0134 2.1 % $ I'll gonna won't it's don't , . ? ! - best in the industry"
).split()
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _valid(findings: list[Finding], text: str) -> None:
    for finding in findings:
        assert isinstance(finding, Finding)
        if finding.char_start is not None:
            assert 0 <= finding.char_start <= finding.char_end <= len(text)


@SETTINGS
@given(st.text())
def test_any_unicode_text_never_raises(text: str):
    if not text.strip():
        return
    _valid(check_text(text), text)


@SETTINGS
@given(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=80), st.sampled_from(["voicemail", "opener"]))
def test_pitch_like_word_salad_never_raises(words: list[str], kind: str):
    text = " ".join(words)
    _valid(check_text(text, kind=kind), text)


@SETTINGS
@given(st.lists(st.text(alphabet=string.ascii_letters + "'’-.,0123456789", min_size=1, max_size=12), min_size=1, max_size=40))
def test_timed_words_never_raise_and_times_stay_in_range(tokens: list[str]):
    words = [Word(t, i * 0.5, i * 0.5 + 0.4, 0.9) for i, t in enumerate(tokens)]
    text = " ".join(w.word for w in words)
    findings = check_text(text, words=words, duration=len(words) * 0.5)
    _valid(findings, text)
    for finding in findings:
        if finding.start is not None:
            assert 0.0 <= finding.start <= finding.end <= words[-1].end


def test_whitespace_only_is_the_one_refusal():
    try:
        check_text(" \n ")
    except InputError as error:
        assert str(error) == "script is empty: nothing to check"
    else:
        raise AssertionError("empty script accepted")
