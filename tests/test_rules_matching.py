"""The building blocks of the text rules: normalisation, patterns, spoken numbers."""

from __future__ import annotations

import pytest

from analyzer.text.document import build_document, normalise_word
from analyzer.text.numbers import number_runs, phone_key, times_given
from analyzer.rules.patterns import compile_pattern, find, find_all


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
