"""Two-party calls: splitting by channel, conversation metrics, and the conversation findings.

End to end on samples/cold_call_stereo.wav, whose ground truth (cold_call_stereo.json) gives every
turn, the rep's talk ratio and the number of rep questions; plus synthetic spans with known
answers for turns, backchannels and interruptions, and question-syntax examples both ways.
"""

from __future__ import annotations

import dataclasses
import json
import re

import numpy as np
import pytest
import soundfile

from analyzer.audio.load import load_audio
from analyzer.calls.conversation import (
    Conversation,
    build_turns,
    is_question,
    measure_conversation,
    opener_words,
)
from analyzer.types import Segment, Transcript, Word
from analyzer.errors import InputError
from analyzer.rules import check_text
from analyzer.rules.registry import all_rules
from analyzer.calls.speakers import CallSplit, infer_rep_channel, is_two_party, split_call, total_s
from analyzer.audio.transcribe import transcribe
from tests.findings import conversation_findings

CALL_RULES = ("call.talk-ratio", "call.monologue", "call.no-questions", "call.interrupts")


def _tokens(text: str) -> list[str]:
    return [t for t in re.sub(r"[^\w' ]+", " ", text.lower()).split() if t]


@pytest.fixture(scope="module")
def truth(samples_dir) -> dict:
    return json.loads((samples_dir / "cold_call_stereo.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def call(samples_dir):
    return load_audio(samples_dir / "cold_call_stereo.wav")


@pytest.fixture(scope="module")
def split(call):
    return split_call(call)


@pytest.fixture(scope="module")
def conv(split) -> Conversation:
    return measure_conversation(split, transcribe(split.rep), transcribe(split.prospect))


# ------------------------------------------------------------ speaker split ---

def test_the_stereo_call_is_two_party(call):
    assert is_two_party(call)


def test_a_mono_recording_is_not_two_party(samples_dir):
    assert not is_two_party(load_audio(samples_dir / "strong.wav"))


def test_a_stereo_file_with_the_same_signal_twice_is_not_a_call(tmp_path, call):
    rep = call.channels[0]
    path = tmp_path / "dual_mono.wav"
    soundfile.write(path, np.stack([rep, rep], axis=1), call.sample_rate)
    assert not is_two_party(load_audio(path))


def test_a_stereo_file_with_one_silent_channel_is_not_a_call(tmp_path, call):
    path = tmp_path / "one_sided.wav"
    soundfile.write(path, np.stack([call.channels[0], np.zeros_like(call.channels[0])], axis=1), call.sample_rate)
    assert not is_two_party(load_audio(path))


def test_the_rep_channel_is_inferred_as_left(split, truth):
    assert truth["audio"]["channel_map"]["left"] == "rep"
    assert split.rep_channel == "left" and split.prospect_channel == "right"
    assert split.decided_by.startswith("inferred")
    assert np.array_equal(split.rep.samples, split.rep.channels[0])


def test_a_given_rep_channel_swaps_rep_and_prospect(call, split):
    given = split_call(call, rep_channel="right")
    assert given.rep_channel == "right" and given.decided_by == "given"
    assert np.array_equal(given.rep.samples, call.channels[1])
    assert np.array_equal(given.prospect.samples, call.channels[0])
    assert given.rep_speech == split.prospect_speech and given.prospect_speech == split.rep_speech
    assert split_call(call, rep_channel="Left").rep_channel == "left"


@pytest.mark.parametrize(("left", "right", "rep", "uncertain"), [
    ([(2.5, 12.0)], [(0.5, 2.0), (13.0, 15.0)], 0, False),   # right answers "Hello?", left pitches and talks most
    ([(0.5, 9.0)], [(9.5, 12.0)], 0, False),                 # left opens straight away and talks most
    ([(2.5, 6.0)], [(0.5, 2.0), (6.5, 14.0)], 1, True),      # left opens after the greeting but talks far less
    ([(2.5, 8.0)], [(0.5, 2.0), (8.5, 15.0)], 0, True),      # near 50/50: the opener wins
])
def test_the_rep_is_the_party_who_opens_and_talks_most(left, right, rep, uncertain):
    index, reason = infer_rep_channel(left, right)
    assert index == rep and reason.startswith("inferred") and ("uncertain" in reason) == uncertain


def test_bad_input_to_split_call_is_an_input_error(call, samples_dir):
    with pytest.raises(InputError, match="left' or 'right"):
        split_call(call, rep_channel="middle")
    with pytest.raises(InputError, match="mono"):
        split_call(load_audio(samples_dir / "strong.wav"))


def test_leakage_of_the_other_party_is_not_counted_as_talk(call, truth):
    # each party leaks into the other's channel 26 dB down (echo on a phone line)
    mixed = np.stack([call.channels[0] + 0.05 * call.channels[1], call.channels[1] + 0.05 * call.channels[0]])
    leaky = dataclasses.replace(call, channels=mixed, samples=mixed.mean(axis=0))
    assert is_two_party(leaky)
    split = split_call(leaky)
    rep, prospect = total_s(split.rep_speech), total_s(split.prospect_speech)
    assert split.rep_channel == "left"
    assert abs(rep / (rep + prospect) - truth["talk_ratio_rep"]) < 0.05


# ------------------------------------------------------------ metrics ---

def test_talk_ratio_is_within_five_points_of_the_truth(conv, truth):
    assert abs(conv.talk_ratio_rep - truth["talk_ratio_rep"]) < 0.05
    assert conv.rep_talk_s == pytest.approx(truth["rep_speech_s"], rel=0.1)
    assert conv.prospect_talk_s == pytest.approx(truth["prospect_speech_s"], rel=0.1)


def test_the_reps_questions_are_counted(conv, truth):
    assert conv.rep_questions == truth["rep_questions"]
    assert all(q.text.rstrip().endswith("?") for q in conv.questions)


def test_turns_monologue_and_patience_match_the_truth(conv, truth):
    turns = truth["turns"]
    assert conv.turns == len(turns)
    rep_turns = [t for t in turns if t["speaker"] == "rep"]
    longest = max(t["end_s"] - t["start_s"] for t in rep_turns)
    assert conv.longest_rep_monologue_s == pytest.approx(longest, abs=0.5)
    gaps = [b["start_s"] - a["end_s"] for a, b in zip(turns, turns[1:]) if b["speaker"] == "rep"]
    assert conv.patience_s == pytest.approx(sum(gaps) / len(gaps), abs=0.2)
    assert conv.interruptions == 0
    for measured, true in zip(conv.rep_turns, rep_turns):
        assert measured.start == pytest.approx(true["start_s"], abs=0.3)
        assert measured.end == pytest.approx(true["end_s"], abs=0.3)


def test_findings_and_the_opener_hold_only_the_reps_words(conv, truth):
    rep_text = " ".join(t["text"] for t in truth["turns"] if t["speaker"] == "rep")
    prospect_only = set(_tokens(" ".join(t["text"] for t in truth["turns"] if t["speaker"] == "prospect")))
    prospect_only -= set(_tokens(rep_text))
    rep_tokens = set(_tokens(" ".join(w.word for w in conv.rep_words)))

    words = opener_words(conv)
    assert words and set(words) <= set(conv.rep_words)
    assert not prospect_only & set(_tokens(" ".join(w.word for w in words)))
    rep_spans = [(t["start_s"], t["end_s"]) for t in truth["turns"] if t["speaker"] == "rep"]
    assert all(any(s - 0.5 <= w.start and w.end <= e + 0.5 for s, e in rep_spans) for w in words)

    text = " ".join(w.word for w in words)
    findings = check_text(text, words=words, kind="opener") + conversation_findings(conv)
    assert "call.talk-ratio" in {f.rule for f in findings}
    for finding in findings:
        quoted = set(_tokens(finding.quote))
        assert quoted <= rep_tokens, finding
        assert not quoted & prospect_only, finding


def test_opener_words_keep_the_sentence_that_crosses_30_s(conv):
    words = opener_words(conv)
    assert words[0].word.startswith("Hi")
    assert words[-1].word.rstrip("?") == "you"  # "... to see if we can do the same for you?" ends at 34 s
    assert all(w.start < conv.call_start_s + 40 for w in words)
    assert opener_words(conv, seconds=10)[-1].end < 15


def test_opener_words_of_a_plain_transcript_count_from_the_file_start():
    words = [Word(w, 2.0 * i, 2.0 * i + 0.5, 0.9) for i, w in enumerate("Hi there. This is Dana. Call me.".split())]
    transcript = Transcript(segments=(Segment("", 0.0, 20.0, tuple(words)),), language="en", engine="x", model="x",
                            duration=20.0)
    assert [w.word for w in opener_words(transcript, seconds=3)] == ["Hi", "there."]


def test_conversation_round_trips_and_gives_batch_columns(conv):
    data = json.loads(json.dumps(conv.to_dict()))
    assert Conversation.from_dict(data) == conv
    row = conv.to_row()
    columns = {"talk_ratio_rep", "longest_monologue_s", "rep_questions", "patience_s", "interruptions", "turns"}
    assert columns <= set(row)
    assert row["rep_questions"] == conv.rep_questions and row["rep_channel"] == "left"


# ------------------------------------------------------------ synthetic turns ---

def test_a_short_sound_over_the_other_party_is_a_backchannel_not_a_turn():
    rep = [(0.0, 5.0), (5.3, 12.0)]
    prospect = [(4.0, 4.4), (12.5, 15.0)]  # "mm-hm" while the rep talks, then an answer
    turns, backchannels = build_turns(rep, prospect)
    assert [t.speaker for t in turns] == ["rep", "prospect"]
    assert turns[0].duration == pytest.approx(12.0)
    assert backchannels == [(4.0, 4.4, "prospect")]


def _conv(rep, prospect, words=()) -> Conversation:
    audio = type("A", (), {"duration": 60.0})()
    split = CallSplit(rep=audio, prospect=audio, rep_channel="left", decided_by="given",
                      rep_speech=tuple(rep), prospect_speech=tuple(prospect))
    empty = Transcript(segments=(), language="en", engine="x", model="x", duration=60.0)
    rep_transcript = dataclasses.replace(empty, segments=(Segment("", 0.0, 60.0, tuple(words)),)) if words else empty
    return measure_conversation(split, rep_transcript, empty)


def test_starting_while_the_prospect_talks_is_an_interruption():
    words = [Word("Right", 6.0, 6.3, 0.9), Word("so", 6.3, 6.5, 0.9), Word("what", 6.5, 6.8, 0.9),
             Word("we", 6.8, 7.0, 0.9), Word("do", 7.0, 7.3, 0.9)]
    conv = _conv(rep=[(0.0, 4.0), (6.0, 9.0)], prospect=[(4.5, 8.0)], words=words)
    assert conv.interruptions == 1
    finding = next(f for f in conversation_findings(conv) if f.rule == "call.interrupts")
    assert finding.quote == "Right so what we do" and finding.start == 6.0
    polite = _conv(rep=[(0.0, 4.0), (8.6, 12.0)], prospect=[(4.5, 8.0)])
    assert polite.interruptions == 0 and polite.patience_s == pytest.approx(0.6)


def test_a_long_monologue_fires_and_a_short_one_does_not():
    long_call = _conv(rep=[(0.0, 30.0), (30.5, 70.0)], prospect=[(71.0, 72.0)])
    assert long_call.longest_rep_monologue_s == pytest.approx(70.0)
    assert "call.monologue" in {f.rule for f in conversation_findings(long_call)}
    short_call = _conv(rep=[(0.0, 20.0), (30.0, 40.0)], prospect=[(21.0, 29.0), (41.0, 50.0)])
    assert "call.monologue" not in {f.rule for f in conversation_findings(short_call)}
    assert "call.talk-ratio" not in {f.rule for f in conversation_findings(short_call)}


def test_no_questions_fires_only_when_the_rep_asked_none():
    statement = [Word(w, 1.0 + 0.4 * i, 1.3 + 0.4 * i, 0.9) for i, w in enumerate("We help teams hire faster.".split())]
    asked = [Word(w, 1.0 + 0.4 * i, 1.3 + 0.4 * i, 0.9) for i, w in enumerate("are you hiring this year".split())]
    assert "call.no-questions" in {f.rule for f in conversation_findings(_conv([(0.9, 3.0)], [(4.0, 6.0)], statement))}
    assert "call.no-questions" not in {f.rule for f in conversation_findings(_conv([(0.9, 3.0)], [(4.0, 6.0)], asked))}


QUESTIONS = ["are you hiring engineers for that team", "How long does it usually take you to fill a role",
             "So what do you use today", "what's your timeline", "Would you be open to a call on Thursday",
             "who handles recruiting for you", "how about Thursday", "do any of your reps travel", "Right?",
             "Quick question, are you the right person"]
STATEMENTS = ["What we do is help teams hire faster.", "When we worked with Acme they cut costs.", "Hello?",
              "Have a great day.", "Would love to show you.", "I'll send an invite for 10 AM.", "Will do.",
              "Who we are matters less."]


@pytest.mark.parametrize("text", QUESTIONS)
def test_question_syntax_counts_without_punctuation(text):
    assert is_question([Word(w, i, i + 0.5, 0.9) for i, w in enumerate(text.split())])


@pytest.mark.parametrize("text", STATEMENTS)
def test_statements_are_not_questions(text):
    assert not is_question([Word(w, i, i + 0.5, 0.9) for i, w in enumerate(text.split())])


# ------------------------------------------------------------ rules and real recordings ---

def test_the_call_rules_are_declared_with_sources():
    rules = all_rules()
    for rule_id in CALL_RULES:
        rule = rules[rule_id]
        assert rule.dimension == "conversation" and rule.why and rule.suggestion
        assert rule.threshold is None or rule.source


def test_a_real_two_channel_recording_runs(speech_dir):
    audio = load_audio(speech_dir / "mfa" / "michaelandsickmichael.wav")
    assert audio.source_channels == 2
    split = split_call(audio) if is_two_party(audio) else split_call(audio, rep_channel="left")
    conv = measure_conversation(split, transcribe(split.rep), transcribe(split.prospect))
    assert 0.0 < conv.talk_ratio_rep < 1.0 and conv.turns >= 2
    assert conv.rep_talk_s > 10 and conv.prospect_talk_s > 5  # each channel holds ~22 s of one talker
    for finding in conversation_findings(conv):
        assert finding.dimension == "conversation"
    words = opener_words(conv)
    if words:
        check_text(" ".join(w.word for w in words), words=words, kind="opener")
    json.dumps(conv.to_dict())
