"""Filled pauses ("um", "uh"): counted from the transcript, from a second decoding that listens
for them, and found in the audio.

Whisper often drops filled pauses, and with its VAD on it stretches the neighbouring words over
them (faster-whisper #901, whisperX #693), so the transcript alone undercounts. Prompted with
disfluent text (:data:`DISFLUENT_PROMPT`) it writes most of them, but the prompt also changes the
words (a callback number came out as "5-5-5-1-2-1-2-X-N-S-N-S-N-0", a stretch of a two-voice call
went missing), so the prompted decoding is a second pass (:func:`heard_fillers`) whose filler
words alone join the plain transcript's. In the audio a
filled pause is a sustained, voiced, spectrally steady (vowel- or nasal-like) stretch with a
level or gently falling pitch (O'Shaughnessy 1992, "Recognition of hesitations in spontaneous
speech", ICASSP: filled pauses have flat or falling, low F0, and last about 300-450 ms at
syntactic boundaries). :func:`find_fillers` takes such stretches of at least ``MIN_FILLED_S`` and
joins those less than ``MERGE_GAP_S`` apart (one filler whose voicing dipped), and keeps those the
transcript does not account for: inside a gap between words, or inside a word that lasts far
longer than its syllables need; once the second pass has listened, such audio-only stretches
are left out (on the annotated clips they added 9 false alarms and no hit) and the audio only
times the fillers it confirms. How well this does on real recordings with annotated fillers:
:mod:`analyzer.delivery.filler_eval`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Literal, Sequence

import numpy as np

from analyzer.types import Word
from analyzer.delivery.prosody import HOP_S, Prosody, sounding_centre, sounding_time
from analyzer.delivery.signal import bridge, merge_close, overlap_s, runs
from analyzer.text.syllables import syllable_count

if TYPE_CHECKING:
    from analyzer.audio.load import Audio

# filled-pause spellings Whisper and human transcribers use
FILLED_PAUSE_WORDS = frozenset({
    "um", "umm", "ummm", "uh", "uhh", "uhhh", "uhm", "er", "erm", "ah", "ahh", "eh", "hmm", "hm", "mm", "mmm",
})
MIN_FILLED_S = 0.25  # s: shortest filled pause counted (the same floor as silent pauses)
MAX_FLUX_DB = 1.6  # dB/10 ms: spectral change of a held vowel; running speech is 2-6 dB
MAX_PITCH_RESID_ST = 0.6  # st: pitch wobble around a straight line through the stretch
MAX_PITCH_SLOPE_ST_S = 15.0  # st/s: steeper glides are intonation on a word, not a filler
MIN_VOICED_SHARE = 0.6  # of the stretch's frames with a pitch
BRIDGE_S = 0.04  # s: gaps in voicing/steadiness this short do not break a stretch
# s: steady stretches closer than this are one filler whose voicing or steadiness dipped (a
# creaky "uh" breaks into pieces); shorter than any silent pause. On the annotated MFA clips
# (analyzer.delivery.filler_eval) joining them cut false alarms from 12 to 9, hits unchanged
MERGE_GAP_S = 0.2
# a written filler counts with at least this much sound (s) within WRITTEN_MARGIN_S of it: word
# timings are good to a few tens of ms, a spoken filler lasts 0.3-0.45 s (O'Shaughnessy 1992)
MIN_WRITTEN_SOUND_S = 0.05
WRITTEN_MARGIN_S = 0.05
# the prompt of the second pass: Whisper copies the style of the text it is given as if it came
# before each 30 s window. Fillers only ("you know", "like" or "I mean" would be copied into
# transcripts, where the cliché rules count them)
DISFLUENT_PROMPT = "Uh, um, so, uh, hmm, um, well, uh, um."
# s: a heard filler whose centre is this close to one the transcript wrote is that one again
SAME_FILLER_S = 0.3
WORD_BASE_S = 0.10  # s: expected word duration = base + per syllable (a slow 4 syll/s)
WORD_PER_SYLLABLE_S = 0.25


@dataclass(frozen=True)
class Filler:
    """One filled pause."""

    start: float = field(metadata={"round": 3})
    end: float = field(metadata={"round": 3})
    # the filler as transcribed ("um"), or "" when only the audio shows it
    word: str
    # "transcript" (the ASR wrote it), "audio" (found in the signal only) or "both"
    source: Literal["transcript", "audio", "both"]

    JSON_EXTRA: ClassVar = {"duration": {"round": 3}}

    @property
    def duration(self) -> float:
        return self.end - self.start


def normalise_word(word: str) -> str:
    """Lower-case letters, digits and apostrophes of an ASR word ("Um," -> "um")."""
    return "".join(ch for ch in word.lower() if ch.isalnum() or ch == "'")


def is_filler_word(word: str) -> bool:
    """True for a transcribed filled pause ("um", "Uh,", "hmm.")."""
    return normalise_word(word) in FILLED_PAUSE_WORDS


def expected_duration_s(word: str) -> float:
    """Generous duration of a word spoken slowly, from its syllable count."""
    tokens = [t for t in normalise_word(word).replace("'", " ").split() if t]
    syllables = sum(syllable_count(t) for t in tokens) or 1
    return WORD_BASE_S + WORD_PER_SYLLABLE_S * syllables


def steady_voiced_spans(
    prosody: Prosody,
    *,
    max_flux_db: float = MAX_FLUX_DB,
    min_duration_s: float = MIN_FILLED_S,
    max_resid_st: float = MAX_PITCH_RESID_ST,
) -> np.ndarray:
    """``(m, 2)`` seconds of voiced, spectrally steady, flat-pitched stretches: filler candidates."""
    voiced = prosody.voiced
    steady = bridge(voiced, int(round(BRIDGE_S / HOP_S))) & (prosody.flux_db <= max_flux_db)
    steady = bridge(steady, int(round(BRIDGE_S / HOP_S)))
    pitch = prosody.pitch_st
    spans = []
    for start, stop in runs(steady):
        if (stop - start) * HOP_S < min_duration_s - 1e-9:
            continue
        st = pitch[start:stop]
        ok = ~np.isnan(st)
        if ok.mean() < MIN_VOICED_SHARE:
            continue
        t = np.arange(stop - start)[ok] * HOP_S
        slope, offset = np.polyfit(t, st[ok], 1)
        resid = float(np.std(st[ok] - (slope * t + offset)))
        if resid <= max_resid_st and abs(slope) <= MAX_PITCH_SLOPE_ST_S:
            spans.append((start * HOP_S, stop * HOP_S))
    return np.asarray(spans, dtype=float).reshape(-1, 2)


def _slot(t: float, centres: list[float]) -> int:
    """Number of content words before time ``t``."""
    return int(np.searchsorted(np.asarray(centres), t, side="right"))


def _written_fillers(words: list[Word], silences: np.ndarray, duration_s: float) -> list[Filler]:
    """The transcript's filler words that have sound under them. Prompted with fillers, Whisper can
    write some over silence: a loop of "uh"s after the last word (seven, 0 s long, at the end of
    mfa/multilingual_ipa_us_4) or the prompt's own "uh, um, so" after the speech has ended
    (mfa/cold_corpus). A filler it hears but cannot time comes out 0 s long, hence the margin."""
    return [Filler(w.start, w.end, normalise_word(w.word), "transcript") for w in words
            if is_filler_word(w.word)
            and sounding_time(max(0.0, w.start - WRITTEN_MARGIN_S), min(duration_s, w.end + WRITTEN_MARGIN_S),
                              silences) >= MIN_WRITTEN_SOUND_S]


def heard_fillers(audio: Audio, *, engine: str | None = None, model: str | None = None) -> tuple[Word, ...]:
    """The filler words of a second decoding of ``audio`` prompted with :data:`DISFLUENT_PROMPT`
    (cached like any transcript); only they are used, never its other words."""
    from analyzer.audio.transcribe import DEFAULT_ENGINE, DecodeOptions, transcribe

    prompted = transcribe(audio, engine=engine or DEFAULT_ENGINE, model=model,
                          options=DecodeOptions(prompt=DISFLUENT_PROMPT))
    return tuple(w for w in prompted.words if is_filler_word(w.word))


def _with_heard(words: list[Word], heard: Sequence[Word]) -> list[Word]:
    """``words`` plus the heard fillers the transcript has not written already, in time order."""
    written = [(w.start + w.end) / 2.0 for w in words if is_filler_word(w.word)]
    new = [h for h in heard if all(abs((h.start + h.end) / 2.0 - c) >= SAME_FILLER_S for c in written)]
    return sorted([*words, *new], key=lambda w: w.start)


def find_fillers(prosody: Prosody, words: list[Word], heard: Sequence[Word] | None = None) -> list[Filler]:
    """Filled pauses from the transcript's filler words, those a second pass ``heard``
    (:func:`heard_fillers`) and, when no second pass ran, from the audio; in time order.

    An audio candidate between the same two content words as a transcribed filler confirms it
    (source "both", the audio's timing kept; ASR filler timings drift by up to a second).
    Otherwise it counts when at least ``MIN_FILLED_S`` of it is left over after each word it
    overlaps is granted what its expected duration still needs beyond the word's own sounding
    time outside the candidate: it sits in a gap, or in a word Whisper stretched over a filler
    it dropped (or wrote as "a").
    """
    silences = prosody.silences_s
    if heard is not None:
        words = _with_heard(words, heard)
    found = _written_fillers(words, silences, len(prosody.times_s) * HOP_S)
    content = [w for w in words if not is_filler_word(w.word)]
    centres = [sounding_centre(w.start, w.end, silences) for w in content]
    filler_slots = [_slot(sounding_centre(f.start, f.end, silences), centres) for f in found]
    confirmed: set[int] = set()
    audio_only: list[Filler] = []
    for start, end in merge_close(steady_voiced_spans(prosody), MERGE_GAP_S):
        slot = _slot((start + end) / 2.0, centres)
        match = next((i for i, s in enumerate(filler_slots) if s == slot and i not in confirmed), None)
        if match is not None:
            confirmed.add(match)
            found[match] = Filler(float(start), float(end), found[match].word, "both")
            continue
        if heard is not None:
            continue
        explained = 0.0
        for w in content:
            overlap = overlap_s(start, end, w.start, w.end)
            if overlap <= 0:
                continue
            inside = sounding_time(max(w.start, start), min(w.end, end), silences)
            own = sounding_time(w.start, w.end, silences) - inside
            explained += min(overlap, max(0.0, expected_duration_s(w.word) - own))
        if (end - start) - explained >= MIN_FILLED_S - 1e-9:
            audio_only.append(Filler(float(start), float(end), "", "audio"))
    return sorted(found + audio_only, key=lambda f: f.start)
