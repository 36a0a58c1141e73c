"""Shared fixtures: paths to the bundled samples and to the real recordings in ../shared/speech."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SPEECH = REPO.parent / "shared" / "speech"


def speech_manifest() -> list[dict[str, str]]:
    """Rows of ../shared/speech/manifest.tsv (file, type, transcript, ...)."""
    with open(SPEECH / "manifest.tsv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def speech_dir() -> Path:
    if not SPEECH.is_dir():
        pytest.fail(f"real recordings missing: {SPEECH} (the checkout must sit beside shared/)")
    return SPEECH


def run_analyzer(*args: str, stdin: str | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
    """The command line as a user runs it: ``python -m analyzer ARGS`` in a real subprocess."""
    return subprocess.run([sys.executable, "-m", "analyzer", *args], capture_output=True, text=True, input=stdin,
                          cwd=REPO, timeout=timeout)


@pytest.fixture(scope="session")
def jfk(speech_dir):
    """A real read recording (11 s, 44.1 kHz stereo FLAC), decoded."""
    from analyzer.audio.load import load_audio

    return load_audio(speech_dir / "whisper" / "jfk.flac")


@pytest.fixture(scope="session")
def sample_cards():
    """Scorecards of every bundled sample, analysed once per test session."""
    from analyzer.pipeline import analyze

    return {wav.stem: analyze(wav) for wav in sorted(SAMPLES.glob("*.wav"))}
