"""Conversation metrics of a two-party call (the ``call.*`` rules in
:mod:`analyzer.rules.calls` judge them).

Input: a :class:`~analyzer.calls.speakers.CallSplit` (who spoke when, from voice activity on each
channel) and the two parties' transcripts. Output: a :class:`Conversation` with the metrics
conversation-intelligence products report (Gong, Chorus): talk ratio, longest rep monologue,
questions the rep asked, patience, interruptions, turns.

- Times come from the audio (speech spans per channel); words only say *what* was said. Rep
  words said while the prospect speaks and away from the rep's own speech (Whisper transcribing
  the prospect leaking into the rep's channel) are dropped, so the prospect's words are never
  scored as the rep's.
- A turn is a run of one party's speech until the other party takes the floor. A short sound
  (under 1 s) said over the other party ("mm-hm", "right") is a backchannel: it counts as talk
  time but neither ends the other's turn nor counts as a turn or an interruption.
- A question is a rep sentence that ends in "?" or opens like one (a wh-word followed by an
  auxiliary, "how about"; or an auxiliary before a subject: "are you", "would you"), because
  Whisper's punctuation is unreliable.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from analyzer.calls.speakers import CallSplit, total_s
from analyzer.delivery.signal import overlaps_any
from analyzer.serialise import from_json_dict, to_json_dict
from analyzer.types import Transcript, Word

BACKCHANNEL_S = 1.0  # speech shorter than this, said over the other party, does not take the floor
MIN_INTERRUPT_OVERLAP_S = 0.2  # the prospect keeps talking this long after the rep starts: an interruption
WORD_SLACK_S = 0.5  # a rep word this far outside the rep's speech spans is another voice, not the rep
SENTENCE_GAP_S = 1.0  # a silence this long between words ends a sentence even without punctuation
OPENER_S = 30.0  # the opener: what the rep says in the first 30 s of the call
OPENER_TAIL_S = 10.0  # a sentence begun in the opener is kept to its end, up to this much later

WH = {"what", "when", "where", "who", "whom", "whose", "why", "which", "how"}
WH_AUX = {"what's", "how's", "who's", "where's", "when's", "why's", "what're", "how're", "where're", "who're"}
AUX = {"am", "is", "are", "was", "were", "do", "does", "did", "have", "has", "had", "can", "could", "will",
       "would", "shall", "should", "may", "might", "must", "isn't", "aren't", "wasn't", "weren't", "don't",
       "doesn't", "didn't", "haven't", "hasn't", "hadn't", "can't", "couldn't", "won't", "wouldn't", "shouldn't"}
SUBJECTS = {"i", "you", "we", "they", "he", "she", "it", "there", "that", "this", "these", "those", "your",
            "our", "their", "my", "his", "her", "its", "anyone", "anybody", "someone", "somebody", "everyone",
            "everybody", "any", "y'all", "ya"}
LEAD_INS = {"so", "and", "but", "well", "now", "okay", "ok", "also", "then", "oh", "um", "uh", "just", "quick",
            "question", "curious", "hey"}
GREETINGS = {"hello", "hi", "hey", "hiya"}
ABBREVIATIONS = {"mr.", "mrs.", "ms.", "dr.", "st.", "vs.", "etc.", "e.g.", "i.e.", "inc.", "co."}


@dataclass(frozen=True)
class Turn:
    """One party holding the floor: from their first to their last speech before the other takes over."""

    speaker: Literal["rep", "prospect"]
    start: float
    end: float
    # seconds of speech inside the turn (its pauses left out)
    speech_s: float
    # the words said in the turn (the rep's transcript for rep turns, the prospect's for theirs)
    text: str = ""

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Utterance:
    """A stretch of the rep's words with times: a question, or where the rep talked over the prospect."""

    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Conversation:
    """What a two-party call's audio and transcripts say about how the rep ran the conversation."""

    # "left" / "right", and how that was decided ("given" or "inferred: ...")
    rep_channel: Literal["left", "right"]
    decided_by: str
    duration_s: float
    # when the first party starts speaking (the call's "connect", in seconds from the file start)
    call_start_s: float
    # seconds of speech of each party (voice activity per channel)
    rep_talk_s: float
    prospect_talk_s: float
    # rep talk / both parties' talk, 0..1
    talk_ratio_rep: float
    # the rep's longest turn in seconds (start to end, pauses inside included), and that turn
    longest_rep_monologue_s: float
    rep_questions: int
    # mean gap (s) before the rep speaks after the prospect stops; None when the rep never answers
    patience_s: float | None
    # times the rep started speaking while the prospect was still talking
    interruptions: int
    # turns of both parties (backchannels not counted)
    turns: int
    rep_turns: tuple[Turn, ...] = ()
    prospect_turns: tuple[Turn, ...] = ()
    questions: tuple[Utterance, ...] = ()
    interruption_spans: tuple[Utterance, ...] = ()
    # the rep's words (leaks from the prospect's channel removed): what opener rules are run on
    rep_words: tuple[Word, ...] = field(default=(), repr=False)

    @property
    def longest_rep_monologue(self) -> Turn | None:
        return max(self.rep_turns, key=lambda t: t.duration, default=None)

    def to_dict(self) -> dict[str, Any]:
        return to_json_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Conversation":
        return from_json_dict(cls, data)

    def to_row(self) -> dict[str, Any]:
        """Flat columns for a batch results row."""
        return {
            "rep_channel": self.rep_channel,
            "talk_ratio_rep": round(self.talk_ratio_rep, 3),
            "longest_monologue_s": round(self.longest_rep_monologue_s, 2),
            "rep_questions": self.rep_questions,
            "patience_s": None if self.patience_s is None else round(self.patience_s, 2),
            "interruptions": self.interruptions,
            "turns": self.turns,
        }


# ---------------------------------------------------------------- turns ---

def build_turns(rep_speech, prospect_speech) -> tuple[list[Turn], list[tuple[float, float, str]]]:
    """Turns of both parties in time order, and the backchannels ((start, end, speaker), ...)."""
    spans = sorted([(s, e, "rep") for s, e in rep_speech] + [(s, e, "prospect") for s, e in prospect_speech])
    other = {"rep": prospect_speech, "prospect": rep_speech}
    turns: list[Turn] = []
    backchannels = []
    for start, end, who in spans:
        if turns and turns[-1].speaker == who:
            last = turns[-1]
            turns[-1] = dataclasses.replace(last, end=max(last.end, end), speech_s=last.speech_s + end - start)
        elif turns and end - start < BACKCHANNEL_S and overlaps_any(start, end, other[who]):
            backchannels.append((start, end, who))
        else:
            turns.append(Turn(who, start, end, end - start))
    return turns, backchannels


def _interruptions(rep_speech, prospect_speech, backchannels) -> list[tuple[float, float]]:
    """Rep speech spans that start while the prospect is talking and go on past a backchannel."""
    skip = {(s, e) for s, e, who in backchannels if who == "rep"}
    found = []
    for start, end in rep_speech:
        if (start, end) in skip:
            continue
        if any(s < start and e - start >= MIN_INTERRUPT_OVERLAP_S for s, e in prospect_speech):
            found.append((start, end))
    return found


def _patience(turns: list[Turn]) -> float | None:
    """Mean gap between the end of a prospect turn and the start of the rep turn after it."""
    gaps = [b.start - a.end for a, b in zip(turns, turns[1:])
            if a.speaker == "prospect" and b.speaker == "rep" and b.start >= a.end]
    return sum(gaps) / len(gaps) if gaps else None


# ---------------------------------------------------------------- words ---

def _own_words(words, own, other) -> list[Word]:
    """The words that are this speaker's: those said during the other party's speech and away
    from any of this speaker's own speech are the other party leaking into this channel."""
    def near(word: Word, spans, slack: float) -> bool:
        middle = (word.start + word.end) / 2
        return any(s - slack <= middle <= e + slack for s, e in spans)

    return [w for w in words if near(w, own, WORD_SLACK_S) or not near(w, other, 0.0)]


def _turn_index(word: Word, turns: list[Turn]) -> int:
    middle = (word.start + word.end) / 2
    return min(range(len(turns)), key=lambda i: max(turns[i].start - middle, middle - turns[i].end, 0.0))


def _with_text(turns: list[Turn], words: list[Word]) -> list[Turn]:
    if not turns:
        return []
    texts: list[list[str]] = [[] for _ in turns]
    for word in words:
        texts[_turn_index(word, turns)].append(word.word)
    return [dataclasses.replace(t, text=" ".join(x)) for t, x in zip(turns, texts)]


def _ends_sentence(token: str) -> bool:
    token = token.rstrip("\"')]”’")
    return token.endswith(("?", "!")) or (token.endswith(".") and token.lower() not in ABBREVIATIONS)


def sentences(words, turns: list[Turn] | None = None) -> list[list[Word]]:
    """The words cut into sentences: at . ? !, at a silence of 1 s or more, and where a turn ends."""
    out: list[list[Word]] = []
    previous = None
    for word in words:
        turn = _turn_index(word, turns) if turns else 0
        if not out or (_ends_sentence(previous[0].word) or word.start - previous[0].end >= SENTENCE_GAP_S
                       or turn != previous[1]):
            out.append([])
        out[-1].append(word)
        previous = (word, turn)
    return out


def _tokens(words) -> list[str]:
    return [t for t in (re.sub(r"[^\w']+", "", w.word.lower().replace("’", "'")) for w in words) if t]


def is_question(words) -> bool:
    """Whether a sentence (its words) asks something: a final "?" or question word order."""
    tokens = _tokens(words)
    if not tokens:
        return False
    if words[-1].word.rstrip("\"')]”’").endswith("?"):
        return not (len(tokens) == 1 and tokens[0] in GREETINGS)
    lead = 0
    while lead < min(3, len(tokens) - 1) and tokens[lead] in LEAD_INS:
        lead += 1
    tokens = tokens[lead:]
    first, rest = tokens[0], tokens[1:4]
    if first in WH_AUX or (first, *rest[:1]) in {("how", "about"), ("what", "about"), ("why", "not")}:
        return True
    if first in WH:
        for token in rest:
            if token in AUX:
                return True
            if token in SUBJECTS:
                return False
        return first == "who" and bool(rest)
    return first in AUX and bool(rest) and rest[0] in SUBJECTS


def _utterance(words) -> Utterance:
    return Utterance(" ".join(w.word for w in words), words[0].start, words[-1].end)


# ---------------------------------------------------------------- measure ---

def measure_conversation(split: CallSplit, rep: Transcript, prospect: Transcript) -> Conversation:
    """The conversation metrics of a split call; ``rep``/``prospect`` transcribe ``split.rep``/``.prospect``."""
    turns, backchannels = build_turns(split.rep_speech, split.prospect_speech)
    rep_words = _own_words(rep.words, split.rep_speech, split.prospect_speech)
    prospect_words = _own_words(prospect.words, split.prospect_speech, split.rep_speech)
    rep_turns = _with_text([t for t in turns if t.speaker == "rep"], rep_words)
    prospect_turns = _with_text([t for t in turns if t.speaker == "prospect"], prospect_words)
    questions = [_utterance(s) for s in sentences(rep_words, rep_turns) if is_question(s)]
    interrupts = []
    for start, end in _interruptions(split.rep_speech, split.prospect_speech, backchannels):
        said = [w for w in rep_words if start - WORD_SLACK_S <= (w.start + w.end) / 2 <= end + WORD_SLACK_S]
        interrupts.append(_utterance(said) if said else Utterance("", start, end))
    rep_talk, prospect_talk = total_s(split.rep_speech), total_s(split.prospect_speech)
    starts = [s for s, _ in split.rep_speech[:1] + split.prospect_speech[:1]]
    return Conversation(
        rep_channel=split.rep_channel,
        decided_by=split.decided_by,
        duration_s=round(split.duration, 3),
        call_start_s=min(starts, default=0.0),
        rep_talk_s=round(rep_talk, 3),
        prospect_talk_s=round(prospect_talk, 3),
        talk_ratio_rep=rep_talk / (rep_talk + prospect_talk) if rep_talk + prospect_talk else 0.0,
        longest_rep_monologue_s=round(max((t.duration for t in rep_turns), default=0.0), 3),
        rep_questions=len(questions),
        patience_s=_patience(turns),
        interruptions=len(interrupts),
        turns=len(turns),
        rep_turns=tuple(rep_turns),
        prospect_turns=tuple(prospect_turns),
        questions=tuple(questions),
        interruption_spans=tuple(interrupts),
        rep_words=tuple(rep_words),
    )


def opener_words(source: Conversation | Transcript, *, seconds: float = OPENER_S) -> list[Word]:
    """The rep's words in the first ``seconds`` of the call, for the text rules (``kind="opener"``).

    From a :class:`Conversation`: the rep's own words, counted from the call's first speech. From
    a :class:`Transcript` (the rep's channel): its words, counted from the start of the file. A
    sentence begun inside the window is kept to its end (at most 10 s more), so that an ask that
    starts at 29 s is checked whole.
    """
    if isinstance(source, Conversation):
        words, origin = list(source.rep_words), source.call_start_s
    else:
        words, origin = source.words, 0.0
    end = origin + seconds
    kept = []
    for sentence in sentences(words):
        if sentence[0].start < end:
            kept.extend(w for w in sentence if w.start < end + OPENER_TAIL_S)
    return kept
