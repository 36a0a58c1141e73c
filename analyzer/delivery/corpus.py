"""The real recordings the delivery verdicts are calibrated and evaluated on.

Both manifests of ``../shared/speech`` (``manifest.tsv`` and ``calibration.tsv``) list real
recordings with a ``type`` column: ``read`` or ``spontaneous`` label a recording, ``unknown``
(the elicited MFA clips) leaves it out. Each recording gets a *group* (its speaker, or its
source when the speaker is not known) so that cross-validation never judges a recording with a
model that saw its speaker. Two-party stereo calls (SpokenWOZ) are judged on one speaker's
channel; ``michaelandsickmichael.wav`` repeats ``acoustic_corpus``/``cold_corpus`` and is left out.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

MANIFESTS = ("manifest.tsv", "calibration.tsv")
LABELS = {"read": 1, "spontaneous": 0}
# the customer (left channel) of a SpokenWOZ call: a person talking freely, never from a script
CALL_CHANNEL = 0
# same two monologues as acoustic_corpus.wav and cold_corpus.wav, one per channel
DUPLICATES = frozenset({"mfa/michaelandsickmichael.wav"})
# speaker descriptions that name one person across several files
_SAME_SPEAKER = ("same speaker", "MFA developer", "MFA docs speaker")


@dataclass(frozen=True)
class Recording:
    """One labelled recording."""

    # path relative to the speech folder
    file: str
    # 1 = read, 0 = spontaneous
    label: int
    # speaker or source: the unit left out together in cross-validation
    group: str
    # channel to analyse (None: the mono mix)
    channel: int | None
    duration_s: float
    transcript: str


def _group(row: dict[str, str]) -> str:
    """Speaker when the manifest names one, else the source folder (an unknown speaker per source)."""
    speaker = row["speaker"]
    if any(marker in speaker for marker in _SAME_SPEAKER):
        return "mfa-developer"
    if row["file"].startswith("spokenwoz/"):
        return "spokenwoz-" + Path(row["file"]).stem.split("_")[0]  # one call, two excerpts
    if "unknown" in speaker:
        return row["file"].split("/")[0] + ":" + Path(row["file"]).stem
    return speaker.split("(")[0].strip()


def recordings(speech_dir: Path) -> list[Recording]:
    """The labelled recordings of both manifests, in manifest order."""
    out = []
    for name in MANIFESTS:
        with open(Path(speech_dir) / name, encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                if row["type"] not in LABELS or row["file"] in DUPLICATES:
                    continue
                stereo_call = row["file"].startswith("spokenwoz/")
                out.append(Recording(row["file"], LABELS[row["type"]], _group(row),
                                     CALL_CHANNEL if stereo_call else None, float(row["duration_s"]),
                                     row["transcript"]))
    return out


def load(recording: Recording, speech_dir: Path):
    """The recording decoded (one channel for calls), as :class:`~analyzer.audio.load.Audio`."""
    from analyzer.audio.load import load_audio

    audio = load_audio(Path(speech_dir) / recording.file)
    return audio if recording.channel is None else audio.channel(recording.channel)
