"""Real-world bad input, end to end: every case gives one clear error line naming the file, or a
valid scorecard with a finding that says what is wrong with the recording. None crashes or hangs
(each test runs under pytest-timeout)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from analyzer.audio.load import SAMPLE_RATE, load_audio
from analyzer.audio.wer import word_error_rate
from analyzer.pipeline import analyze
from tests.audio_files import write_audio
from tests.conftest import REPO, SAMPLES, SPEECH, run_analyzer, speech_manifest
from tests.test_transcribe import JFK_WORDS

SCHEMA = json.loads((REPO / "analyzer" / "data" / "scorecard.schema.json").read_text())


def run(*args: str) -> subprocess.CompletedProcess:
    return run_analyzer(*args, timeout=600)


def rules_of(card) -> set[str]:
    return {f.rule for f in card.findings}


def _empty_wav() -> bytes:
    """A well-formed WAV file with a header and no samples."""
    import io
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1), writer.setsampwidth(2), writer.setframerate(SAMPLE_RATE)
        writer.writeframes(b"")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def broken(tmp_path_factory, jfk) -> dict[Path, str]:
    """Files that cannot be scored, each with the problem its error line must name."""
    folder = tmp_path_factory.mktemp("broken")
    wav = write_audio(folder / "good.wav", jfk.samples[None, :], SAMPLE_RATE)
    mp3 = write_audio(folder / "good.mp3", jfk.samples[None, :], SAMPLE_RATE)
    contents = {
        "zero bytes.wav": ("empty file (0 bytes)", b""),
        "no samples.wav": ("holds no audio samples", _empty_wav()),
        "truncated.wav": ("truncated WAV file", wav.read_bytes()[: wav.stat().st_size // 2]),
        "truncated.mp3": ("truncated file (", mp3.read_bytes()[: mp3.stat().st_size // 2]),
        "notes.wav": ("not a readable audio file", b"Call Dana back about the renewal.\n" * 40),
        "random.wav": ("not a readable audio file", np.random.default_rng(1).bytes(64_000)),
        "Zoë's pitch – take 2.wav": ("not a readable audio file", b"\x00" * 5000),
    }
    files = {}
    for name, (problem, content) in contents.items():
        (folder / name).write_bytes(content)
        files[folder / name] = problem
    (folder / "a folder.wav").mkdir()
    files[folder / "a folder.wav"] = "is a directory, not an audio file"
    wav.unlink(), mp3.unlink()
    return files


def test_each_broken_file_is_one_error_line_and_the_good_one_is_still_scored(broken, tmp_path):
    result = run("score", *map(str, broken), str(SAMPLES / "strong.wav"), "--format", "json")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == len(broken), result.stderr
    for path, problem in broken.items():
        line = next(line for line in lines if line.startswith(f"analyzer: error: {path}: "))
        assert problem in line, line
    cards = json.loads(result.stdout)
    assert [Path(c["file"]).name for c in cards] == ["strong.wav"]


def test_unreadable_file_is_one_error_line(tmp_path, jfk):
    locked = write_audio(tmp_path / "locked.wav", jfk.samples[None, :], SAMPLE_RATE)
    os.chmod(locked, 0)
    command = [sys.executable, "-m", "analyzer", "score", str(locked)]
    if os.geteuid() == 0:  # root reads anything: drop the capabilities that bypass permission bits
        caps = "-dac_override,-dac_read_search"
        command = ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}", *command]
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 2
    assert result.stderr.strip() == f"analyzer: error: {locked}: permission denied"


def test_unicode_and_spaces_in_file_names(tmp_path):
    named = tmp_path / "Zoë Ünal – voicemail (final) 日本.wav"
    named.write_bytes((SAMPLES / "strong.wav").read_bytes())
    out = tmp_path / "cards dir" / "out put.json"
    out.parent.mkdir()
    result = run("score", str(named), "--format", "json", "-o", str(out))
    assert result.returncode == 0, result.stderr
    card = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(card, SCHEMA)
    assert card["file"] == str(named) and card["grade"] == "A"
    html = run("score", str(named), "--format", "html", "-o", str(tmp_path / "card.html"))
    assert html.returncode == 0 and "Zoë Ünal – voicemail (final) 日本.wav" in (tmp_path / "card.html").read_text()


def _music(path: Path) -> Path:
    """Twelve seconds of a plucked melody over held chords (sox synth): music, no voice."""
    notes = "C4 E4 G4 C5 B4 G4 E4 D4 F4 A4 C5 A4 G4 E4 D4 C4".split()
    melody = [arg for note in notes for arg in ("synth", "0.75", "pluck", note, ":")][:-1]
    subprocess.run(["sox", "-n", "-r", "16000", "-b", "16", str(path.with_suffix(".melody.wav")), *melody], check=True)
    subprocess.run(["sox", "-n", "-r", "16000", "-b", "16", str(path.with_suffix(".chords.wav")), "synth", "12",
                    "sine", "C3", "sine", "G3", "sine", "E4", "tremolo", "3", "40", "vol", "0.2"], check=True)
    subprocess.run(["sox", "-m", str(path.with_suffix(".melody.wav")), str(path.with_suffix(".chords.wav")),
                    str(path)], check=True)
    return path


@pytest.mark.parametrize("kind", ["silence", "white noise", "music"])
def test_recordings_without_speech_get_the_no_speech_finding(tmp_path, kind):
    rng = np.random.default_rng(2)
    path = tmp_path / f"{kind}.wav"
    if kind == "music":
        _music(path)
    else:
        level = 0.0 if kind == "silence" else 0.1
        write_audio(path, (level * rng.standard_normal(10 * SAMPLE_RATE)).astype(np.float32)[None, :], SAMPLE_RATE)
    card = analyze(path)
    assert rules_of(card) == {"audio.no-speech"} and card.grade == "F" and card.text == ""
    jsonschema.validate(card.to_dict(), SCHEMA)


def test_clipped_recording_gets_the_clipping_finding_and_the_clean_one_does_not(tmp_path, jfk):
    clean = write_audio(tmp_path / "clean.wav", jfk.samples[None, :], SAMPLE_RATE)
    clipped = write_audio(tmp_path / "clipped.wav", np.clip(4.0 * jfk.samples, -1, 1)[None, :], SAMPLE_RATE)
    assert "audio.clipping" not in rules_of(analyze(clean))
    card = analyze(clipped)
    finding = next(f for f in card.findings if f.rule == "audio.clipping")
    assert finding.value > finding.threshold and finding.source
    assert word_error_rate(JFK_WORDS, card.text) < 0.2  # still transcribed and scored (exact words vary by machine)


def test_no_bundled_sample_is_called_clipped(sample_cards):
    assert not any("audio.clipping" in rules_of(card) for card in sample_cards.values())


@pytest.mark.parametrize("sample_rate,n_channels", [(8000, 1), (48000, 2)])
def test_telephone_and_studio_rates_give_valid_cards(tmp_path, jfk, sample_rate, n_channels):
    import av

    path = tmp_path / f"jfk_{sample_rate}_{n_channels}.wav"
    resampler = av.AudioResampler(format="fltp", layout="mono", rate=sample_rate)
    frame = av.AudioFrame.from_ndarray(jfk.samples[None, :], format="fltp", layout="mono")
    frame.sample_rate = SAMPLE_RATE
    samples = np.concatenate([f.to_ndarray() for f in resampler.resample(frame) + resampler.resample(None)], axis=1)
    write_audio(path, np.repeat(samples, n_channels, axis=0), sample_rate)
    card = analyze(path)
    assert card.conversation is None  # the same voice on both channels is not a two-party call
    assert word_error_rate(JFK_WORDS, card.text) < 0.2  # the words survive the rate (exact words vary by machine)
    assert card.dimensions and not rules_of(card) & {"audio.no-speech", "audio.not-english", "audio.clipping"}
    jsonschema.validate(card.to_dict(), SCHEMA)


def test_speech_in_another_language_is_not_scored_as_english(tmp_path):
    german = tmp_path / "german.wav"
    subprocess.run(["espeak-ng", "-v", "de", "-s", "150", "-w", str(german),
                    "Guten Tag, hier spricht Michael von der Firma Beispiel. Ich wollte fragen, ob Sie nächste "
                    "Woche Zeit für ein kurzes Gespräch über Ihre Buchhaltung haben. Rufen Sie mich bitte zurück."],
                   check=True)
    card = analyze(german)
    assert rules_of(card) == {"audio.not-english"}
    finding = card.findings[0]
    assert "German" in finding.message and finding.value >= finding.threshold
    # the words of synthetic speech vary by machine ("Michael" came back as "mich ein"): not asserted
    assert card.transcript.language == "de" and card.transcript.language_probability >= 0.5 and card.text.strip()
    jsonschema.validate(card.to_dict(), SCHEMA)


def test_no_real_english_recording_is_called_another_language():
    from analyzer.audio.transcribe import transcribe

    for row in speech_manifest():
        transcript = transcribe(SPEECH / row["file"])
        if transcript.words:
            assert transcript.language == "en", (row["file"], transcript.language, transcript.language_probability)


def test_an_hour_long_recording_is_scored_and_its_dead_air_named(tmp_path):
    """A recorder left running: the classic voicemail, then 59 minutes of quiet room tone."""
    import soundfile as sf

    pitch = load_audio(SAMPLES / "classic_bad.wav").samples
    n = 3600 * SAMPLE_RATE
    room = (0.001 * np.random.default_rng(3).standard_normal(n - len(pitch))).astype(np.float32)  # -60 dBFS
    path = tmp_path / "left running.wav"
    sf.write(path, np.concatenate([pitch, room]), SAMPLE_RATE, subtype="PCM_16")
    card = analyze(path)
    assert card.duration == pytest.approx(3600.0, abs=0.01)
    assert {"cliche.in-your-area", "value.missing"} <= rules_of(card)  # the pitch itself is still scored
    dead = next(f for f in card.findings if f.rule == "audio.dead-air")
    assert dead.end == pytest.approx(3600.0, abs=0.01) and dead.start == pytest.approx(len(pitch) / SAMPLE_RATE, abs=1.5)
    assert "end of the recording" in dead.message
    jsonschema.validate(card.to_dict(), SCHEMA)
