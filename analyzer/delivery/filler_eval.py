"""Precision and recall of the filled-pause detector on real recordings with annotated fillers.

``python -m analyzer.delivery.filler_eval SPEECH_DIR`` prints the figures per clip and in total;
with ``--one-pass`` without the second decoding that listens for fillers (the audio detector then
adds its own: :mod:`analyzer.delivery.fillers`).

Two sets of ``../shared/speech``:

- *annotated*: the MFA clips and the other short clips whose reference transcript is verbatim
  (every "um", "uh", "hm" written; ``mfa/*.lab`` and the manifests' ``transcript`` column). The
  references carry no word timings, so each one is force-aligned to its audio with Whisper's own
  cross-attention alignment (faster-whisper's ``find_alignment``, the same that times the words
  of a transcript). Alignment of a word Whisper does not hear (a filler) is unreliable to a few
  hundred ms, so fillers are matched by *slot*, not by time: a slot is the gap between two
  consecutive content words of the reference (each placed at the centre of its sounding part),
  and in each slot ``min(annotated, detected)`` detections are hits, the rest false alarms or
  misses. Clips without any filler count too: everything detected there is a false alarm.
- *transcribed*: the customer channel (A, left) of the SpokenWOZ calls, whose timed transcript
  keeps some fillers ("fillers only partly marked", says the README there). Matched per
  transcript line (its time span), the same min-count rule. Treat its precision as a lower bound.
- *read*: the read recordings of both manifests, where every detection counts as a false alarm
  (readers hardly say "um"); reported per minute.
"""

from __future__ import annotations

import csv
import functools
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analyzer.delivery.fillers import Filler, is_filler_word, normalise_word

# reference transcripts of these folders are verbatim, fillers included
ANNOTATED_PREFIXES = ("mfa/mfa_", "mfa/acoustic_corpus", "mfa/cold_corpus", "mfa/multilingual_ipa", "ami/")
# annotation tokens that are not words: <cutoff-x>, <hes-x>, <VOCNOISE>, [laughter], [adif]
_MARKUP = re.compile(r"<[^>]*>|\[[^\]]*\]")
CALL_CHANNEL = 0  # SpokenWOZ: the customer, left channel
CALL_SPEAKER = "A"


@dataclass(frozen=True)
class Counts:
    """Hits, false alarms and misses of one clip (or a sum)."""

    hits: int = 0
    false_alarms: int = 0
    misses: int = 0

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(self.hits + other.hits, self.false_alarms + other.false_alarms, self.misses + other.misses)

    @property
    def precision(self) -> float:
        return self.hits / (self.hits + self.false_alarms) if self.hits + self.false_alarms else float("nan")

    @property
    def recall(self) -> float:
        return self.hits / (self.hits + self.misses) if self.hits + self.misses else float("nan")


def reference_words(text: str) -> list[str]:
    """The words of a reference transcript, markup dropped ("(um)" -> "um", "<hes-x>" gone)."""
    return [w for w in (normalise_word(t) for t in _MARKUP.sub(" ", text).replace("/", " ").split()) if w]


def annotated_clips(speech_dir: Path) -> list[tuple[str, str]]:
    """``(file, reference text)`` of every clip whose reference is verbatim, in manifest order."""
    out = []
    for name in ("manifest.tsv", "calibration.tsv"):
        with open(Path(speech_dir) / name, encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                if row["file"].startswith(ANNOTATED_PREFIXES) and reference_words(row["transcript"]):
                    out.append((row["file"], row["transcript"]))
    return out


def call_lines(path: Path) -> list[tuple[float, float, list[str]]]:
    """``(start, end, words)`` of the customer's lines in a SpokenWOZ excerpt transcript."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        start, end, speaker, text = line.split("\t", 3)
        if speaker == CALL_SPEAKER:
            out.append((float(start), float(end), reference_words(text)))
    return out


@functools.lru_cache(maxsize=1)
def _aligner():
    from faster_whisper.tokenizer import Tokenizer

    from analyzer.audio.transcribe import get_engine

    model = get_engine("faster-whisper").model
    return model, Tokenizer(model.hf_tokenizer, True, task="transcribe", language="en")


def force_align(samples: np.ndarray, words: list[str]) -> list[tuple[str, float, float]]:
    """``(word, start, end)`` of each of ``words`` in ``samples`` (16 kHz, at most 30 s)."""
    model, tokenizer = _aligner()
    features = model.feature_extractor(samples)
    n = features.shape[-1]
    encoded = model.encode(np.pad(features, ((0, 0), (0, max(0, 3000 - n))))[:, :3000])
    aligned = model.find_alignment(tokenizer, [tokenizer.encode(" " + " ".join(words))], encoded, n)[0]
    return [(a["word"].strip(), float(a["start"]), float(a["end"])) for a in aligned]


def _slots(words: list[str], times: list[tuple[float, float]], silences: np.ndarray):
    """Content-word centres and the number of annotated fillers in each slot between them."""
    from analyzer.delivery.prosody import sounding_centre

    centres, per_slot = [], [0]
    for word, (start, end) in zip(words, times):
        if is_filler_word(word):
            per_slot[-1] += 1
        else:
            centres.append(sounding_centre(start, end, silences))
            per_slot.append(0)
    return np.asarray(centres), per_slot


def match_slots(fillers: list[Filler], centres: np.ndarray, per_slot: list[int]) -> Counts:
    """Detections against annotated fillers, slot by slot (see the module docstring)."""
    detected = [0] * len(per_slot)
    for f in fillers:
        detected[int(np.searchsorted(centres, (f.start + f.end) / 2.0, side="right"))] += 1
    total = Counts()
    for d, a in zip(detected, per_slot):
        total += Counts(min(d, a), d - min(d, a), a - min(d, a))
    return total


def match_lines(fillers: list[Filler], lines: list[tuple[float, float, list[str]]]) -> Counts:
    """Detections against the fillers written in each transcript line (by the line's time span)."""
    total = Counts()
    for start, end, words in lines:
        a = sum(is_filler_word(w) for w in words)
        d = sum(start <= (f.start + f.end) / 2.0 < end for f in fillers)
        total += Counts(min(d, a), d - min(d, a), a - min(d, a))
    return total


def detect(audio, listen: bool = True) -> list[Filler]:
    """What the shipped pipeline reports: fillers of the transcript, of the second decoding that
    listens for them (unless not ``listen``: then of the audio instead)."""
    from analyzer.audio.transcribe import transcribe
    from analyzer.delivery.fillers import heard_fillers
    from analyzer.delivery.measure import measure_delivery

    heard = heard_fillers(audio) if listen else None
    return list(measure_delivery(audio, transcribe(audio), heard=heard).fillers)


def evaluate_annotated(speech_dir: Path, listen: bool = True) -> dict[str, Counts]:
    """Per-clip counts on the annotated clips."""
    from analyzer.audio.load import load_audio
    from analyzer.delivery import prosody as pr

    out = {}
    for file, text in annotated_clips(speech_dir):
        audio = load_audio(Path(speech_dir) / file)
        words = reference_words(text)
        aligned = force_align(audio.samples, words)
        silences = pr.analyze(audio.samples, sr=audio.sample_rate).silences_s
        centres, per_slot = _slots(words, [(s, e) for _, s, e in aligned], silences)
        out[file] = match_slots(detect(audio, listen), centres, per_slot)
    return out


def evaluate_calls(speech_dir: Path, listen: bool = True) -> dict[str, Counts]:
    """Per-excerpt counts on the customer channel of the SpokenWOZ calls."""
    from analyzer.audio.load import load_audio

    out = {}
    for txt in sorted((Path(speech_dir) / "spokenwoz").glob("*.txt")):
        audio = load_audio(txt.with_suffix(".flac")).channel(CALL_CHANNEL)
        out[f"spokenwoz/{txt.stem}"] = match_lines(detect(audio, listen), call_lines(txt))
    return out


def read_false_alarms(speech_dir: Path, listen: bool = True) -> tuple[int, float]:
    """Fillers detected in the read recordings (all false alarms) and the minutes of audio."""
    from analyzer.delivery.corpus import load, recordings

    found, minutes = 0, 0.0
    for rec in recordings(speech_dir):
        if rec.label == 1:
            audio = load(rec, speech_dir)
            found += len(detect(audio, listen))
            minutes += audio.duration / 60.0
    return found, minutes


def summary(per_clip: dict[str, Counts]) -> Counts:
    return sum(per_clip.values(), Counts())


def print_table(title: str, per_clip: dict[str, Counts], *, detail: bool) -> None:
    total = summary(per_clip)
    print(f"  {title}: precision {total.precision:.3f}  recall {total.recall:.3f}  "
          f"(hits {total.hits}, false alarms {total.false_alarms}, misses {total.misses}, {len(per_clip)} clips)")
    if detail:
        for file, c in per_clip.items():
            print(f"    {file:42s} hits {c.hits:2d}  false {c.false_alarms:2d}  missed {c.misses:2d}")


def main(argv: list[str]) -> int:
    speech_dir = Path(argv[0]) if argv and not argv[0].startswith("-") else Path("../shared/speech")
    listen = "--one-pass" not in argv
    print("delivery: filled pauses (transcript + " + ("second decoding" if listen else "audio")
          + ") against annotated fillers")
    print_table("annotated clips (verbatim references, matched by slot)", evaluate_annotated(speech_dir, listen),
                detail=True)
    print_table("SpokenWOZ customer channel (fillers partly transcribed, matched by line)",
                evaluate_calls(speech_dir, listen), detail=True)
    found, minutes = read_false_alarms(speech_dir, listen)
    print(f"  read recordings: {found} false alarms in {minutes:.1f} minutes ({found / minutes:.2f} per minute)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
