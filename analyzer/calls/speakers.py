"""Who spoke when in a two-party call: split a stereo recording by channel, find each party's speech.

Call systems export recordings with one party per channel (Twilio "dual" recordings, most
PBX/dialler exports). This module

- tells such a call from a stereo file that carries one signal twice (:func:`is_two_party`),
- finds each party's speech with the Silero VAD that ships with faster-whisper, dropping speech
  that is only the other party leaking into this channel (echo, crosstalk),
- decides which channel is the rep (:func:`split_call`): given (``--rep-channel``, a manifest
  column) or inferred from who opens the call after the answer greeting and who talks most.

Talk time is measured from the audio, not from word timings: on ``samples/cold_call_stereo.wav``
the VAD gives a rep talk ratio of 0.740 against the true 0.742, word spans 0.769 (Whisper's word
edges drift by up to 0.4 s at turn starts).

Mono two-party audio is not split: there is no diarization model in the package, and guessing
turns from pauses and pitch alone is not reliable enough to score a rep on: a mono recording is
scored as one speaker.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from analyzer.audio.load import Audio
from analyzer.delivery.signal import LEVEL_FLOOR_DB, highpass, level_db, total_overlap_s
from analyzer.errors import InputError

CHANNELS = ("left", "right")
# Silero VAD settings for talk time: a silence of 150 ms or more ends a speech span (inter-word
# gaps are shorter, sentence pauses longer) and each span is padded by 30 ms so that soft onsets
# and endings count; faster-whisper's transcription defaults (2 s, 400 ms) overstate talk time
VAD_THRESHOLD = 0.5
VAD_MIN_SILENCE_MS = 150
VAD_SPEECH_PAD_MS = 30
MIN_SPAN_S = 0.1  # shorter speech spans are clicks, not talk
# rumble and DC below the telephone band (300-3400 Hz) lower Silero's speech probability: on the
# MFA two-channel recording a 100 Hz high-pass raises the speech found on the noisy channel from
# 9.7 s to 15.2 s and changes nothing on clean audio
HIGHPASS_HZ = 100.0
HOP_S = 0.01  # s: hop of the level frames of the leak test (25 ms RMS windows, signal.level_db)
# a span on one channel that is this much quieter (dB, each channel relative to its own speech
# level) than the other channel at the same time is the other party leaking in, not speech
LEAK_MARGIN_DB = 15.0
SAME_SIGNAL_CORRELATION = 0.95  # channels correlated above this carry one signal (dual mono)
MIN_PARTY_SPEECH_S = 1.0  # each party of a call says at least this much
MAX_SHARED_SPEECH = 0.5  # two parties overlap for less than this share of the quieter one's speech
GREETING_MAX_S = 3.0  # an answer greeting ("Hello, this is Sarah") holds less speech than this
CLOSE_SHARE = 0.10  # talk shares within 10 points of 50/50 do not tell the rep from the prospect


@dataclass(frozen=True, eq=False)
class CallSplit:
    """A two-party call split by channel: the rep's audio, the prospect's, and each one's speech."""

    rep: Audio
    prospect: Audio
    # "left" or "right": the channel the rep is on
    rep_channel: str
    # how the rep channel was decided: "given", or "inferred: ..." with the reasons
    decided_by: str
    # speech spans in seconds, ((start, end), ...), from voice activity on each channel
    rep_speech: tuple[tuple[float, float], ...]
    prospect_speech: tuple[tuple[float, float], ...]

    @property
    def prospect_channel(self) -> str:
        return CHANNELS[1 - CHANNELS.index(self.rep_channel)]

    @property
    def duration(self) -> float:
        return self.rep.duration


def total_s(spans) -> float:
    """Summed length of ``spans`` in seconds."""
    return float(sum(end - start for start, end in spans))


def vad_spans(samples: np.ndarray, *, sr: int) -> np.ndarray:
    """Speech spans of one channel, an (m, 2) array of start/end seconds (Silero VAD)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(threshold=VAD_THRESHOLD, min_silence_duration_ms=VAD_MIN_SILENCE_MS,
                         speech_pad_ms=VAD_SPEECH_PAD_MS)
    spans = [(t["start"] / sr, t["end"] / sr) for t in get_speech_timestamps(samples, options, sampling_rate=sr)]
    return np.array([s for s in spans if s[1] - s[0] >= MIN_SPAN_S], dtype=float).reshape(-1, 2)


def _span_level(level: np.ndarray, start: float, end: float) -> float:
    """Mean power (dB) of the frames inside one span."""
    seg = level[int(start / HOP_S): max(int(start / HOP_S) + 1, int(end / HOP_S))]
    return float(10.0 * np.log10(np.mean(10.0 ** (seg / 10.0)))) if len(seg) else LEVEL_FLOOR_DB


def _drop_leaks(spans: np.ndarray, own: np.ndarray, other: np.ndarray) -> list[tuple[float, float]]:
    """The spans of one channel that are its own party's speech, not the other party leaking in.

    Levels are taken relative to each channel's loud speech (99th percentile), so a quiet line
    is not mistaken for a leak; during double talk both channels are near their own level.
    """
    own_rel, other_rel = own - np.percentile(own, 99), other - np.percentile(other, 99)
    return [(round(float(s), 3), round(float(e), 3)) for s, e in spans
            if _span_level(own_rel, s, e) >= _span_level(other_rel, s, e) - LEAK_MARGIN_DB]


_SPEECH_CACHE: dict[bytes, tuple] = {}  # channel digest -> speech spans: is_two_party then split_call run the VAD once
_CACHE_SIZE = 8


def party_speech(audio: Audio) -> tuple[tuple[tuple[float, float], ...], tuple[tuple[float, float], ...]]:
    """Speech spans (seconds) of the left and of the right channel, leaks from the other removed."""
    channels = audio.channels[:2]
    if channels.shape[0] < 2:
        raise InputError(f"{audio.path}: a mono recording has no channels to split")
    key = hashlib.blake2b(np.ascontiguousarray(channels).tobytes(), digest_size=16).digest()
    key += audio.sample_rate.to_bytes(4, "little")
    if key not in _SPEECH_CACHE:
        sr = audio.sample_rate
        channels = [highpass(c, sr=sr, cutoff_hz=HIGHPASS_HZ) for c in channels]
        levels = [level_db(c, sr=sr, hop_s=HOP_S) for c in channels]
        spans = [vad_spans(c, sr=sr) for c in channels]
        while len(_SPEECH_CACHE) >= _CACHE_SIZE:
            _SPEECH_CACHE.pop(next(iter(_SPEECH_CACHE)))
        _SPEECH_CACHE[key] = tuple(tuple(_drop_leaks(spans[i], levels[i], levels[1 - i])) for i in range(2))
    return _SPEECH_CACHE[key]


def _channels_correlation(channels: np.ndarray) -> float:
    left, right = channels[0].astype(np.float64), channels[1].astype(np.float64)
    left, right = left - left.mean(), right - right.mean()
    denominator = np.sqrt(np.dot(left, left) * np.dot(right, right))
    return float(np.dot(left, right) / denominator) if denominator > 0 else 1.0


def is_two_party(audio: Audio) -> bool:
    """True for a stereo recording with one party on each channel.

    False for mono, for a stereo file whose channels carry the same signal (correlation above
    0.95, or the same speech at the same times on both), and for a stereo file where one channel
    holds no speech (under 1 s) — that is a one-party recording.
    """
    if audio.channels.shape[0] != 2 or audio.source_channels < 2:
        return False
    if _channels_correlation(audio.channels) > SAME_SIGNAL_CORRELATION:
        return False
    left, right = party_speech(audio)
    quieter = min(total_s(left), total_s(right))
    if quieter < MIN_PARTY_SPEECH_S:
        return False
    return total_overlap_s(left, right) / quieter < MAX_SHARED_SPEECH


def _first_turns(left, right) -> list[int]:
    """Channel index (0 left, 1 right) of the first two turns, by speech order."""
    spans = sorted([(s, e, 0) for s, e in left] + [(s, e, 1) for s, e in right])
    turns: list[list] = []  # [channel, speech seconds]
    for start, end, who in spans:
        if turns and turns[-1][0] == who:
            turns[-1][1] += end - start
        elif len(turns) == 2:
            break
        else:
            turns.append([who, end - start])
    return turns


def infer_rep_channel(left, right) -> tuple[int, str]:
    """Which channel (0 or 1) is the rep, and why, from the two parties' speech spans.

    In an outbound call the prospect answers ("Hello, this is Sarah") and the rep then opens the
    pitch; a rep also talks more than the prospect in most cold calls. The opener is the party of
    the first turn, or of the second one when the first is a short answer greeting. When opener
    and talker disagree, the opener wins if the talk shares are close to even, else the talker.
    """
    talk = (total_s(left), total_s(right))
    most = int(talk[1] > talk[0])
    share = talk[most] / (sum(talk) or 1.0)
    turns = _first_turns(left, right)
    if not turns:
        return 0, "inferred: no speech on either channel; assumed left"
    opener, how = turns[0][0], "opens the call"
    if len(turns) == 2 and turns[0][1] < GREETING_MAX_S:
        opener, how = turns[1][0], "speaks first after the answer greeting"
    if opener == most:
        return most, f"inferred: {CHANNELS[most]} {how} and talks most ({share:.0%} of speech)"
    pick = opener if share - 0.5 < CLOSE_SHARE else most
    return pick, (f"inferred (uncertain): {CHANNELS[most]} talks most ({share:.0%} of speech) but "
                  f"{CHANNELS[opener]} {how}; chose {CHANNELS[pick]} — pass the rep channel to be sure")


def split_call(audio: Audio, *, rep_channel: str | None = None) -> CallSplit:
    """Split a two-party stereo call into the rep's and the prospect's audio.

    ``rep_channel`` is ``"left"`` or ``"right"`` (from ``--rep-channel`` or a manifest); None
    infers it (:func:`infer_rep_channel`). Raises InputError for mono audio or a bad channel name.
    """
    if audio.channels.shape[0] < 2:
        raise InputError(f"{audio.path}: mono recording; a call can only be split when each party has a channel")
    speech = party_speech(audio)
    if rep_channel is not None:
        name = str(rep_channel).strip().lower()
        if name not in CHANNELS:
            raise InputError(f"{audio.path}: rep channel must be 'left' or 'right', not {rep_channel!r}")
        index, decided_by = CHANNELS.index(name), "given"
    else:
        index, decided_by = infer_rep_channel(*speech)
    return CallSplit(rep=audio.channel(index), prospect=audio.channel(1 - index), rep_channel=CHANNELS[index],
                     decided_by=decided_by, rep_speech=speech[index], prospect_speech=speech[1 - index])
