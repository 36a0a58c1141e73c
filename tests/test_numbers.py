"""analyzer.text.numbers, the one reader of spoken and written numbers, and its users:
phone numbers with timings (delivery), script tokens (alignment) and WER's normaliser."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.audio.wer import normalise
from analyzer.delivery.alignment import tokenize, word_tokens
from analyzer.delivery.numbers import find_numbers
from analyzer.text.document import build_document
from analyzer.text.numbers import NumberRun, number_runs, phone_key, read_digits, times_given
from analyzer.types import Word

# words the number reader treats specially, mixed into random text so that it meets them often
_NUMBERISH = ["five", "oh", "o", "zero", "double", "triple", "seventy", "hundred", "thousand", "extension",
              "ext", "dash", "and", "555", "1212", "555-0134", "twelve", "x", ",", ".", "5."]
_WORDS = st.lists(st.one_of(st.sampled_from(_NUMBERISH), st.text(max_size=8)), max_size=30)


def _timed(texts: list[str], step_s: float = 0.3) -> list[Word]:
    return [Word(t, k * step_s, k * step_s + 0.25, 0.9) for k, t in enumerate(texts)]


def _digits(text: str) -> list[str]:
    return [run.digits for run in number_runs(build_document(text))]


def test_spoken_and_written_numbers_read_the_same():
    for text in ["555-0134", "five five five oh one three four", "five five five zero one three four",
                 "triple five zero one three four", "double five five, oh one three four"]:
        assert _digits(f"Call me at {text} today.") == ["5550134"], text
    assert _digits("That was seventy five minutes, two hundred people.") == ["75", "200"]
    assert _digits("Oh, hi there, double your money.") == []


def test_spelled_out_phone_number_with_timings_is_found():
    # this raised IndexError: the trailing-word trim looked for digit characters only
    words = _timed("five five five zero one three four".split())
    (number,) = find_numbers(words, rest_rate=4.0)
    assert number.digits == 7 and (number.start, number.end) == (words[0].start, words[-1].end)
    assert number.syllables_per_s > 0 and number.ratio is not None


def test_a_number_said_twice_in_one_breath_is_two_numbers():
    words = _timed("call 555-1212 extension 270, 555-1212 extension 270 thanks".split())
    spans = find_numbers(words)
    assert [s.text for s in spans] == ["555-1212 extension 270,", "555-1212 extension 270"]


def test_alignment_and_wer_read_numbers_the_same_way():
    assert [t.text for t in tokenize("five oh two, double five")] == ["5", "0", "2", "5", "5"]
    assert [t.text for t in tokenize("five-five-five")] == ["5", "5", "5"]
    assert normalise("call 5 5 5 one 2 one 2 now") == normalise("call 555 1212 now") == "call 5551212 now"
    assert normalise("call double five 5 one two one two") == "call 5551212"
    assert normalise("one of them") == "one of them"


def test_times_given_is_linear():
    """A 1 MB script's worth of numbers (100,000 runs): counted in one pass, not pair by pair."""
    runs = [NumberRun(k, k + 1, f"{5550000 + k % 5000}") for k in range(100_000)]
    t0 = time.perf_counter()
    given = times_given(runs)
    assert time.perf_counter() - t0 < 2.0
    assert given[phone_key(runs[0])] == 20  # 100,000 mentions cycle through 5,000 numbers
    assert times_given([NumberRun(0, 3, "2755551234"), NumberRun(3, 4, "5551234", dialable=False)])["5551234"] == 1


@settings(max_examples=300, deadline=None)
@given(_WORDS)
def test_no_words_make_the_readers_raise(words):
    read = read_digits([w.lower() for w in words])
    assert len(read) == len(words)
    assert all(d is None or d == "" or d.isdigit() for d in read)
    for span in find_numbers(_timed(words), rest_rate=3.0):
        assert span.digits >= 7 and span.end >= span.start
    word_tokens(words, sentences=False)
    normalise(" ".join(words))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_no_text_makes_the_readers_raise(text):
    if text.strip():
        for run in number_runs(build_document(text)):
            assert run.digits.isdigit()
    tokenize(text)
    normalise(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_NUMBERISH), st.floats(-5, 100), st.floats(0, 3)), max_size=25))
def test_no_timings_make_find_numbers_raise(items):
    """Timings out of order, overlapping or zero-length are survived too."""
    words = [Word(t, start, start + length, 0.5) for t, start, length in items]
    for span in find_numbers(words, rest_rate=0.0):
        assert span.syllables_per_s >= 0.0 and span.ratio is None
