"""Silent pauses: found in the audio, placed between the transcript's words, classed by position.

A pause is a silent span of at least 250 ms between stretches of speech (Goldman-Eisler 1968;
shorter silences are stop closures and other articulatory gaps). Spans come from the signal
(:func:`analyzer.delivery.prosody.analyze`), not from gaps between Whisper's words: with its VAD on,
Whisper stretches words over pauses and a 1.9 s pause can vanish from the word gaps entirely.
Each span is placed between two words by where the words really sound (the sounding part of
each word's span), then classed by position:

- ``sentence`` / ``clause``: at a sentence end / comma-like boundary of the *script* when one is
  given, else of the transcript as split by pysbd (a capitalised next word counts as a
  sentence start: Whisper's segment boundaries), overruled by syntax cues (a pause right
  after "the", "your", "can", "to"... is inside a phrase whatever Whisper's punctuation says,
  because Whisper punctuates pauses as sentence ends; hesitations cluster after conjunctions,
  auxiliaries and prepositions: Veilleux, Schlosser & Ostendorf 1993, ASA 126th meeting);
- ``line_break``: at a line break of the script that is no sentence or clause boundary;
- ``mid_phrase``: anywhere else inside a phrase;
- ``lead`` / ``trail``: before the first or after the last word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal

import numpy as np

from analyzer.delivery.alignment import CLAUSE, GROUP, SENTENCE, ScriptAlignment, Token, word_tokens
from analyzer.types import Word
from analyzer.delivery.fillers import is_filler_word, normalise_word
from analyzer.delivery.prosody import sounding_centre


# a pause right after one of these is inside a phrase, whatever Whisper's punctuation says:
# determiners, possessives, subject pronouns, auxiliaries and modals, conjunctions, "to", "of"
CONTINUES_PHRASE = frozenset("""
a an the my your our their his her its this these those some any every each no
i we they he she
am is are was were be been being will would can could should shall may might must do does did have has had
and or but nor because if when while although though unless whether which who whose whom where
to of than as per via very really just quite
""".split())
# prepositions: a pause after one is inside a phrase unless Whisper marked a sentence end
# there (prepositions can end English sentences: "what we talked about.")
CONTINUES_PHRASE_WEAK = frozenset("""
in on at for with from by about into onto over under between through during without within across after before
""".split())
# a pause right before one of these can sit at a clause boundary
STARTS_CLAUSE = frozenset("""
and but or so because if when while although though unless which who where whereas then also
what how why whether please thanks thank again anyway however plus otherwise
""".split())


@dataclass(frozen=True)
class Pause:
    """A silent pause of at least 250 ms, with the words either side."""

    start: float = field(metadata={"round": 3})
    end: float = field(metadata={"round": 3})
    kind: Literal["sentence", "clause", "mid_phrase", "line_break", "lead", "trail"]
    word_before: str = ""
    word_after: str = ""
    # index of the transcript word right after the pause (len(words) for a trailing pause)
    word_index: int = 0
    # with a script: whether the pause falls on one of its line breaks (None without a script)
    at_line_break: bool | None = None
    # with a script: character offset of the script boundary the pause falls on
    script_char: int | None = None

    JSON_EXTRA: ClassVar = {"duration": {"round": 3}}

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def internal(self) -> bool:
        """Between two words (not before the first or after the last)."""
        return self.kind not in ("lead", "trail")


def split_index(start: float, end: float, centres: list[float]) -> int:
    """Number of words whose sounding centre lies before the middle of the pause."""
    return int(np.searchsorted(np.asarray(centres), (start + end) / 2.0, side="right"))


def _neighbour(words: list[Word], index: int, step: int) -> str:
    """Nearest non-filler word from ``index`` going in ``step`` direction, normalised."""
    while 0 <= index < len(words):
        if not is_filler_word(words[index].word):
            return normalise_word(words[index].word)
        index += step
    return ""


def _capitalised(words: list[Word], k: int) -> bool:
    """Word ``k`` (or the first non-filler after it) starts with a capital, and is not "I"."""
    while k < len(words) and is_filler_word(words[k].word):
        k += 1
    if k >= len(words):
        return False
    word = words[k].word.strip().lstrip("\"'(")
    return bool(word[:1].isupper()) and normalise_word(word).split("'")[0] != "i"


def _kind_from_transcript(words: list[Word], k: int, tokens: list[Token], last_token: list[int]) -> str:
    """Position class of a pause before word ``k`` from the transcript alone (no script)."""
    before, after = _neighbour(words, k - 1, -1), _neighbour(words, k, +1)
    if before.isdigit() and after.isdigit():
        return "clause"  # chunking a phone number or figure: a grouping pause
    if before.split("'")[0] in CONTINUES_PHRASE:
        return "mid_phrase"
    j = k - 1
    while j > 0 and is_filler_word(words[j].word):
        j -= 1
    boundary = tokens[last_token[j]].boundary if 0 <= j < len(last_token) and last_token[j] >= 0 else None
    if boundary != SENTENCE and _capitalised(words, k):
        boundary = SENTENCE  # Whisper starts a sentence (or segment) here without a full stop
    if before in CONTINUES_PHRASE_WEAK and boundary != SENTENCE:
        return "mid_phrase"
    if boundary == SENTENCE:
        return "sentence"
    if boundary in (CLAUSE, GROUP) or after in STARTS_CLAUSE:
        return "clause"
    return "mid_phrase"


def _kind_from_script(token: Token) -> str:
    if token.boundary == SENTENCE:
        return "sentence"
    if token.boundary in (CLAUSE, GROUP):
        return "clause"
    return "line_break" if token.line_break else "mid_phrase"


def find_pauses(
    silences: np.ndarray,
    words: list[Word],
    *,
    alignment: ScriptAlignment | None = None,
) -> list[Pause]:
    """Pauses from the audio's silent spans (seconds, ``(m, 2)``), placed between ``words``."""
    centres = [sounding_centre(w.start, w.end, silences) for w in words]
    tokens, owner = word_tokens([w.word for w in words]) if words else ([], [])
    last_token = [-1] * len(words)
    for i, w in enumerate(owner):
        last_token[w] = i
    pauses = []
    for start, end in np.asarray(silences, dtype=float).reshape(-1, 2):
        k = split_index(start, end, centres)
        if not words or k == 0:
            kind = "lead"
        elif k == len(words):
            kind = "trail"
        else:
            kind = ""
        at_break, char = None, None
        if kind == "" and alignment is not None:
            b = alignment.boundary_between(k)
            if b is not None:
                token = alignment.tokens[b]
                kind, at_break, char = _kind_from_script(token), token.line_break, token.char_end
        elif alignment is not None:
            at_break = False
        if kind == "":
            kind = _kind_from_transcript(words, k, tokens, last_token)
            at_break = False if alignment is not None else None
        pauses.append(Pause(
            start=float(start), end=float(end), kind=kind,
            word_before=words[k - 1].word.strip() if 0 < k <= len(words) else "",
            word_after=words[k].word.strip() if 0 <= k < len(words) else "",
            word_index=k, at_line_break=at_break, script_char=char,
        ))
    return pauses


@dataclass(frozen=True)
class Boundary:
    """A line break or sentence end of the script, and whether the reading paused there."""

    # "line_break" (inside a sentence, no punctuation) or "sentence"
    kind: Literal["line_break", "sentence"]
    # script token index the boundary follows, and its character offset in the script
    token: int
    char: int
    # script words either side ("your", "area")
    word_before: str
    word_after: str
    # character span of those two words in the script
    char_start: int
    char_end: int
    # time of the boundary in the recording (the pause, or the gap between the two words)
    start: float = field(metadata={"round": 3})
    end: float = field(metadata={"round": 3})
    # a pause >= 250 ms fell on it
    paused: bool


def script_boundaries(alignment: ScriptAlignment, words: list[Word], pauses: list[Pause]) -> list[Boundary]:
    """The script's mid-sentence line breaks and sentence ends that were read, paused or not.

    A boundary counts as read when the words on both sides of it were matched in the
    transcript; the last sentence end of the script is left out (nothing follows it).
    """
    first_word: dict[int, int] = {}
    last_word: dict[int, int] = {}
    for w, span in enumerate(alignment.word_tokens):
        if span:
            for t in range(span[0], span[1] + 1):
                first_word.setdefault(t, w)
                last_word[t] = w
    paused_at: dict[int, Pause] = {}
    for p in pauses:
        if p.internal and p.script_char is not None:
            b = alignment.boundary_between(p.word_index)
            if b is not None:
                paused_at.setdefault(b, p)
    out = []
    script = alignment.script
    tokens = alignment.tokens
    for t, token in enumerate(tokens[:-1]):
        is_sentence = token.boundary == SENTENCE
        is_break = token.line_break and token.boundary not in (SENTENCE, CLAUSE, GROUP)
        if not (is_sentence or is_break) or t not in last_word or t + 1 not in first_word:
            continue
        nxt = tokens[t + 1]
        w0, w1 = words[last_word[t]], words[first_word[t + 1]]
        pause = paused_at.get(t)
        out.append(Boundary(
            kind="sentence" if is_sentence else "line_break", token=t, char=token.char_end,
            word_before=script[token.char_start:token.char_end], word_after=script[nxt.char_start:nxt.char_end],
            char_start=token.char_start, char_end=nxt.char_end,
            start=pause.start if pause else min(w0.end, w1.start), end=pause.end if pause else max(w0.end, w1.start),
            paused=pause is not None,
        ))
    return out
