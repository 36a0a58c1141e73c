"""Thresholds in analyzer.toml are honoured by every family of rules: text, delivery, pauses,
call and recording. Each test changes one rule's threshold in a settings file of its own and
shows the verdict change on the same input; `analyzer rules` shows the value and who set it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from analyzer.audio.load import SAMPLE_RATE, load_audio
from analyzer.config import load_config
from analyzer.pipeline import analyze, analyze_text
from tests.conftest import REPO, SAMPLES


def _settings(folder: Path, rule: str, threshold: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "analyzer.toml").write_text(f'[thresholds]\n"{rule}" = {threshold}\n', encoding="utf-8")
    return folder


def _fired(card, rule: str) -> list:
    return [f for f in card.findings if f.rule == rule]


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analyzer", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=600, env={**os.environ, "PYTHONPATH": str(REPO)})


def test_text_rule_threshold(tmp_path):
    """structure.too-long: the classic voicemail script runs ~34 s, over the default 30 s."""
    text = (SAMPLES / "classic_bad.txt").read_text(encoding="utf-8")
    (default,) = _fired(analyze_text(text), "structure.too-long")
    assert default.value > default.threshold
    raised = load_config(_settings(tmp_path, "structure.too-long", default.value + 10))
    assert _fired(analyze_text(text, config=raised), "structure.too-long") == []


def test_delivery_rule_threshold_through_the_cli(tmp_path):
    """delivery.fillers on rambling.wav (~9.7 per minute): fires at the default 3, not at 20;
    ``analyzer score`` run in the folder of the settings file picks them up."""
    wav = str(SAMPLES / "rambling.wav")
    default = json.loads(_cli(tmp_path, "score", wav, "--format", "json").stdout)
    fillers = [f for f in default["findings"] if f["rule"] == "delivery.fillers"]
    assert fillers and fillers[0]["threshold"] == 3.0 and fillers[0]["value"] > 3.0
    _settings(tmp_path, "delivery.fillers", 20)
    result = _cli(tmp_path, "score", wav, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    assert "delivery.fillers" not in {f["rule"] for f in json.loads(result.stdout)["findings"]}


def test_rules_command_shows_the_threshold_and_its_file(tmp_path):
    settings = _settings(tmp_path, "delivery.fillers", 20) / "analyzer.toml"
    docs = {d["id"]: d for d in json.loads(_cli(tmp_path, "rules", "--format", "json").stdout)}
    assert docs["delivery.fillers"]["threshold"] == 20 and docs["delivery.fillers"]["enabled"] is True
    assert docs["delivery.fillers"]["set_by"] == str(settings)
    assert docs["delivery.monotone"]["set_by"] != str(settings)  # untouched rules keep their defaults
    table = _cli(tmp_path, "rules").stdout
    line = next(line for line in table.splitlines() if line.startswith("delivery.fillers "))
    assert " 20 " in line and "analyzer.toml" in table


def test_pauses_rule_threshold(tmp_path):
    """pauses.misplaced on rambling.wav: share ~0.65 of pauses mid-phrase, over the default 0.4."""
    (default,) = _fired(analyze(SAMPLES / "rambling.wav"), "pauses.misplaced")
    assert default.value > default.threshold
    config = load_config(_settings(tmp_path, "pauses.misplaced", 0.9))
    assert _fired(analyze(SAMPLES / "rambling.wav", config=config), "pauses.misplaced") == []


def test_call_rule_threshold(tmp_path):
    """call.talk-ratio on the two-channel cold call: the rep talks ~74%, over the default 65%."""
    (default,) = _fired(analyze(SAMPLES / "cold_call_stereo.wav"), "call.talk-ratio")
    assert 0.65 < default.value < 0.9
    config = load_config(_settings(tmp_path, "call.talk-ratio", 0.9))
    assert _fired(analyze(SAMPLES / "cold_call_stereo.wav", config=config), "call.talk-ratio") == []
    lowered = load_config(_settings(tmp_path / "low", "call.talk-ratio", 0.5))
    (low,) = _fired(analyze(SAMPLES / "cold_call_stereo.wav", config=lowered), "call.talk-ratio")
    assert low.threshold == 0.5 and low.value == default.value


@pytest.fixture(scope="module")
def dead_air_wav(tmp_path_factory) -> Path:
    """rambling.wav followed by 10 s of quiet room tone (-60 dBFS)."""
    import soundfile as sf

    speech = load_audio(SAMPLES / "rambling.wav").samples
    room = (0.001 * np.random.default_rng(5).standard_normal(10 * SAMPLE_RATE)).astype(np.float32)
    path = tmp_path_factory.mktemp("dead-air") / "left running.wav"
    sf.write(path, np.concatenate([speech, room]), SAMPLE_RATE, subtype="PCM_16")
    return path


def test_recording_rule_threshold(tmp_path, dead_air_wav):
    """audio.dead-air: 10 s of silence at the end is over the default 5 s, under 20 s."""
    (default,) = _fired(analyze(dead_air_wav), "audio.dead-air")
    assert default.threshold == 5.0 and default.end - default.start >= 9.0
    config = load_config(_settings(tmp_path, "audio.dead-air", 20))
    assert _fired(analyze(dead_air_wav, config=config), "audio.dead-air") == []
