"""The command line as a user runs it: real subprocesses, real models, real samples."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources

import jsonschema
import pytest

from tests.conftest import REPO, SAMPLES
from tests.conftest import run_analyzer as run


def test_help_is_fast_and_imports_no_heavy_library():
    code = ("import sys\nfrom click.testing import CliRunner\nfrom analyzer.cli import main\n"
            "assert CliRunner().invoke(main, ['--help']).exit_code == 0\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'librosa', 'torch', 'faster_whisper', "
            "'ctranslate2', 'whisper', 'numpy', 'pandas', 'matplotlib'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert result.stdout.strip() == "[]"
    assert "score" in run("--help").stdout


def test_transcribe_json_contract():
    result = run("transcribe", str(SAMPLES / "classic_bad.wav"), "--format", "json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert {"file", "duration", "language", "engine", "model", "text", "segments", "words"} <= set(doc)
    assert doc["engine"] == "faster-whisper" and doc["model"] == "base" and "area" in doc["text"]
    assert set(doc["words"][0]) == {"word", "start", "end", "probability"}


def test_transcribe_subtitles_and_silence():
    srt = run("transcribe", str(SAMPLES / "strong.wav"), "--format", "srt")
    assert srt.returncode == 0 and srt.stdout.startswith("1\n00:00:0") and " --> " in srt.stdout
    silent = run("transcribe", str(SAMPLES / "silence_noise.wav"))
    assert silent.returncode == 0 and silent.stdout.strip() == "(no speech detected)"


def test_bad_file_is_one_error_line_and_the_others_still_run(tmp_path):
    broken = tmp_path / "broken.wav"
    broken.write_text("not audio")
    result = run("transcribe", str(broken), str(SAMPLES / "strong.wav"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"analyzer: error: {broken}: not a readable audio file "
                                                  "(Invalid data found when processing input)"]
    assert "Denver" in result.stdout


def test_score_cards_for_every_sample():
    result = run("score", *map(str, sorted(SAMPLES.glob("*.wav"))))
    assert result.returncode == 0, result.stderr
    cards = result.stdout.split("─" * 80)
    assert len(cards) == 6
    bad = next(c for c in cards if "classic_bad.wav" in c)
    assert "grade F" in bad and "unlikely to get a call back" in bad
    fixes = bad.split("Fix first:")[1].split("\n\n")[0]
    assert "cliche.in-your-area" in fixes and "value.missing" in fixes
    assert "likely to get a call back" in next(c for c in cards if "strong.wav" in c)
    assert all(len(line) <= 80 for line in result.stdout.splitlines())
    assert "\x1b[" not in result.stdout  # colour only on a TTY


def test_score_json_validates_and_fail_under_sets_exit_code(tmp_path):
    out = tmp_path / "cards.json"
    result = run("score", str(SAMPLES / "classic_bad.wav"), str(SAMPLES / "strong.wav"), "--format", "json",
                 "-o", str(out), "--fail-under", "70")
    assert result.returncode == 1  # the bad voicemail is under 70
    schema = json.loads(resources.files("analyzer.data").joinpath("scorecard.schema.json").read_text())
    docs = json.loads(out.read_text())
    for doc in docs:
        jsonschema.validate(doc, schema)
    assert run("score", str(SAMPLES / "strong.wav"), "--fail-under", "70", "--format", "json").returncode == 0


def test_score_bad_input_exits_2_with_one_line(tmp_path):
    result = run("score", str(tmp_path / "missing.wav"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"analyzer: error: {tmp_path / 'missing.wav'}: file not found"
    usage = run("score", str(SAMPLES / "strong.wav"), "--format", "pdf")
    assert usage.returncode == 2 and "Invalid value for '--format'" in usage.stderr


def test_score_with_script_reports_line_break_pauses():
    result = run("score", str(SAMPLES / "classic_bad_linebreaks.wav"), "--script",
                 str(SAMPLES / "classic_bad_linebreaks.txt"), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "pauses.line-break" in {f["rule"] for f in json.loads(result.stdout)["findings"]}


def test_script_command_from_stdin_and_empty_script():
    script = (SAMPLES / "classic_bad.txt").read_text()
    result = run("script", "-", "--format", "json", stdin=script)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert {"cliche.in-your-area", "value.missing", "framing.self-centred"} <= {f["rule"] for f in doc["findings"]}
    assert set(doc["dimensions"]) == {"cliches", "value", "structure"} and doc["grade"] in "DF"
    empty = run("script", "-", stdin="   \n")
    assert empty.returncode == 2 and empty.stderr.strip() == "analyzer: error: <stdin>: script is empty: nothing to check"


def test_rules_lists_every_rule_with_its_source():
    result = run("rules", "--format", "json")
    rules = {r["id"]: r for r in json.loads(result.stdout)}
    for rule_id in ("cliche.in-your-area", "value.missing", "pauses.line-break", "delivery.scripted",
                    "call.talk-ratio", "audio.no-speech"):
        assert rule_id in rules
    assert all(r["source"] for r in rules.values() if r["threshold"] is not None)
    assert "cliche.in-your-area" in run("rules").stdout


@pytest.mark.parametrize("fmt", ["md", "csv"])
def test_markdown_and_csv_reports(fmt):
    result = run("score", str(SAMPLES / "classic_bad.wav"), "--format", fmt)
    assert result.returncode == 0 and "cliche.in-your-area" in result.stdout
