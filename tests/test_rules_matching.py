"""The building blocks of the text rules: normalisation, patterns, spoken numbers."""

from __future__ import annotations

from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.text.document import build_document, normalise_word
from analyzer.text.numbers import number_runs, phone_key, times_given
from analyzer.rules.patterns import compile_pattern, compile_patterns, find, find_all


@pytest.mark.parametrize(
    ("raw", "tokens"),
    [
        ("I'll", ["i", "will"]),
        ("gonna", ["going", "to"]),
        ("won't", ["will", "not"]),
        ("didn’t", ["did", "not"]),
        ("it's", ["it", "is"]),
        ("team's", ["team"]),
        ("im", ["i", "am"]),
        ("its", ["its"]),
        ("%", ["percent"]),
        ("Neighbourhood", ["neighborhood"]),
    ],
)
def test_normalise_word(raw: str, tokens: list[str]):
    assert normalise_word(raw) == tokens


def words(text: str) -> list[str]:
    doc = build_document(text)
    return [doc.quote(*hit.span(doc)) for hit in find(PATTERN, doc.tokens)]


PATTERN = compile_pattern("i|we _? stop|swing by|in")


def test_pattern_allows_inserted_words_and_alternatives():
    assert words("I was really hoping I could swing by") == ["I could swing by"]
    assert words("we would love to stop in") == ["we would love to stop in"]
    assert words("want us to stop by") == []


def test_pattern_never_crosses_a_sentence():
    assert words("That's what I said. Stop by the desk.") == []


def test_prefix_number_and_fuzzy_words():
    doc = build_document("We were touching base after saving 32 percent; the neighbourhod crew is waiting.")
    assert find(compile_pattern("touch* base"), doc.tokens)
    assert find(compile_pattern("saving # percent"), doc.tokens)
    assert find(compile_pattern("neighborhood"), doc.tokens)  # ASR misspelling, rapidfuzz ratio >= 85
    assert not find(compile_pattern("find"), build_document("we were fined").tokens)


def test_exceptions_cancel_overlapping_matches():
    doc = build_document("I wanted to let you know. You know, it works.")
    hits = find_all([compile_pattern("you know")], doc.tokens, gap=0, exceptions=[compile_pattern("let you know")])
    assert [doc.quote(*h.span(doc)) for h in hits] == ["You know"]


@pytest.mark.parametrize("line", ["I'll be", "in your Area", "", "a|", "_? ?"])
def test_malformed_patterns_are_refused(line: str):
    with pytest.raises(ValueError):
        compile_pattern(line)


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("555-0134", ["5550134"]),
        ("five five five oh one three four", ["5550134"]),
        ("one eight hundred five five five", ["1800555"]),
        ("extension two seventy", ["270"]),
        ("seventy five percent", ["75"]),
        ("five five five, zero one nine five", ["5550195"]),
        ("847-555-0112, 847-555-0112", ["8475550112", "8475550112"]),
    ],
)
def test_number_runs(text: str, digits: list[str]):
    assert [run.digits for run in number_runs(build_document(text))] == digits


def test_a_number_said_twice_is_counted_twice_even_run_together():
    doc = build_document("five five five one two one two extension two seventy five five five one two one two")
    runs = number_runs(doc)
    assert times_given(runs)[phone_key(runs[0])] == 2


def test_amounts_are_not_phone_numbers():
    runs = number_runs(build_document("we saved them eighty thousand dollars"))
    assert not any(run.is_phone for run in runs)


def _from_every_start(pattern, tokens, gap):
    """find() as it was before the word index: a match tried from every token."""
    with mock.patch("analyzer.rules.patterns._starts", lambda _pattern, tokens, _gap: range(len(tokens))):
        return find(pattern, tokens, gap)


# words and phrases of the packs, with neighbours, numbers and punctuation between them
_PITCH_WORDS = ("i we you your just was really calling from with here at this is Sam Acme checking in touch base "
                "wanted to reach out swing by stop in the area quick call touching touched circle back "
                "seven 555 0199 40% save cut costs since noticed . , ? ! \n").split(" ") + [
    "this is Sam calling from Acme", "Sam here from Acme", "hi Dana it's Sam with Acme", "just checking in",
    "I was hoping to swing by", "call me at 555 010 0199", "if you have a minute my number is", "we help teams cut"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PITCH_WORDS), min_size=1, max_size=80).map(" ".join), st.sampled_from([0, 1, 2]))
def test_index_finds_what_every_start_finds(text, gap):
    """Every phrase rule's and structure rule's patterns, searched from the words their anchor accepts, find exactly the
    matches found by trying every token as a start (optional and "_" first slots included)."""
    from analyzer.rules.phrases import _lines, is_phrase_rule
    from analyzer.rules.registry import all_rules

    if not text.strip() or not any(c.isalnum() for c in text):
        return
    tokens = build_document(text).tokens
    if not tokens:
        return
    packs = [_lines(r) for r in all_rules().values() if is_phrase_rule(r)]
    packs += [tuple(r.params["patterns"]) for r in all_rules().values() if "patterns" in r.params]
    for pattern in (p for lines in packs for p in compile_patterns(lines)):
        everywhere = _from_every_start(pattern, tokens, gap)
        assert find(pattern, tokens, gap) == everywhere, pattern.text
        with mock.patch("analyzer.rules.patterns._FEW_STARTS", 0):  # anchored at the rarest required word
            assert find(pattern, tokens, gap) == everywhere, pattern.text
