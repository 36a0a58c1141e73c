"""Caches, results logs and outputs under bad luck and hostile data (issue 17): a bad cache entry
is a miss, an unwritable cache a warning, a results log has one writer, outputs never replace an
input and fail in one line, CSV cells never run as formulas, and a resume survives odd log lines."""

from __future__ import annotations

import json
import shutil
import subprocess

import pandas as pd
import pytest

from analyzer.batch.log import ResultLog, read_log
from analyzer.fileio import csv_safe
from tests.test_hostile_input import cli, error_line

FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "\tx", "\rx"]


@pytest.fixture
def cache(tmp_path):
    """An empty transcript cache that shares the installed models."""
    from analyzer.audio.models import cache_dir

    root = tmp_path / "cache"
    root.mkdir()
    (root / "models").symlink_to(cache_dir() / "models")
    return root


def _transcribe(path, cache) -> subprocess.CompletedProcess:
    return cli("transcribe", str(path), "--model", "tiny.en", "--format", "json",
               env={"PITCH_ANALYZER_CACHE": str(cache)}, timeout=300)


@pytest.mark.parametrize("damage", [b"", b"{}", b'{"segments": [{"text": 5}], "langu',
                                    b'{"segments": "x", "language": 1, "engine": [], "model": {}, "duration": "?"}'])
def test_damaged_cache_entry_is_a_miss_and_is_rewritten(speech_dir, cache, damage):
    """Case 9: truncated, empty, ``{}`` or wrong-typed entries once failed the file for good."""
    jfk = speech_dir / "whisper" / "jfk.flac"
    first = _transcribe(jfk, cache)
    assert first.returncode == 0, first.stderr.decode()
    [entry] = (cache / "transcripts").glob("*.json")
    good = entry.read_bytes()
    entry.write_bytes(damage)
    again = _transcribe(jfk, cache)
    assert again.returncode == 0, again.stderr.decode()
    assert json.loads(again.stdout)["segments"] == json.loads(first.stdout)["segments"]
    assert b"damaged transcript cache entry" in again.stderr
    assert json.loads(entry.read_bytes()) == json.loads(good)  # rewritten


def test_unwritable_cache_is_a_warning(speech_dir, cache):
    """Case 10: a cache that cannot be written failed every file after its transcription."""
    (cache / "transcripts").write_text("a file where the cache folder should be")
    result = _transcribe(speech_dir / "whisper" / "jfk.flac", cache)
    assert result.returncode == 0, result.stderr.decode()
    assert "country" in result.stdout.decode().lower()
    assert b"analyzer: warning:" in result.stderr and b"cannot write the transcript cache" in result.stderr


def test_second_writer_of_a_results_log_is_refused(tmp_path, samples_dir):
    """Case 11: two batches on one output interleaved their lines; the second now stops at once,
    naming the log, and the first's records are untouched."""
    log_file = tmp_path / "out.jsonl"
    first = ResultLog(log_file, truncate=True)
    first.append({"v": 1, "key": {"path": "a"}, "row": {"file": "a"}, "card": None})
    shutil.copy(samples_dir / "strong.wav", tmp_path / "strong.wav")
    result = cli("batch", str(tmp_path / "strong.wav"), "-o", str(tmp_path / "out.csv"), "--workers", "1")
    line = error_line(result, str(log_file))
    assert "another batch is writing this results log" in line
    first.append({"v": 1, "key": {"path": "b"}, "row": {"file": "b"}, "card": None})
    first.close()
    assert [r["row"]["file"] for r in read_log(log_file)] == ["a", "b"]
    assert not (tmp_path / "out.csv").exists()


def test_output_equal_to_an_input_is_refused(speech_dir, tmp_path):
    """Case 12: ``-o`` naming the recording or the manifest replaced it."""
    call = tmp_path / "call.flac"
    shutil.copy(speech_dir / "whisper" / "jfk.flac", call)
    before = call.read_bytes()
    assert "is also an input" in error_line(cli("score", str(call), "--format", "html", "-o", str(call)), str(call))
    manifest = tmp_path / "m.csv"
    manifest.write_text("file\ncall.flac\n")
    assert "is also an input" in error_line(cli("batch", str(manifest), "-o", str(manifest)), str(manifest))
    assert call.read_bytes() == before and manifest.read_text() == "file\ncall.flac\n"


@pytest.mark.parametrize("where", ["folder", "missing", "log-is-folder", "device"])
def test_output_that_cannot_be_written_is_one_line_before_the_work(tmp_path, where, samples_dir):
    """Case 13: a folder as output, a missing folder, a folder where the .jsonl goes, a device."""
    shutil.copy(samples_dir / "strong.wav", tmp_path / "strong.wav")
    out = {"folder": tmp_path, "missing": tmp_path / "nope" / "out.csv", "log-is-folder": tmp_path / "out.csv",
           "device": "/dev/null"}[where]
    if where == "log-is-folder":
        (tmp_path / "out.jsonl").mkdir()
    if where == "folder":  # click's own usage error (exit 2) for a folder given to -o
        result = cli("batch", str(tmp_path / "strong.wav"), "-o", str(out), "--workers", "1")
        assert result.returncode == 2 and b"is a directory" in result.stderr and b"Traceback" not in result.stderr
    elif where == "log-is-folder":
        result = cli("batch", str(tmp_path / "strong.wav"), "-o", str(out), "--workers", "1")
        assert "is a folder" in error_line(result, str(tmp_path / "out.jsonl"))
        assert not out.exists()
    else:
        (tmp_path / "draft.txt").write_text("Hi, this is Sam from Acme. Call me at 555 010 0199.")
        error_line(cli("script", str(tmp_path / "draft.txt"), "-o", str(out)), str(out))


def test_csv_safe_prefixes_formula_cells_only():
    """The OWASP rule: a quote before cells that start with = + - @ tab or CR; numbers stay numbers."""
    frame = pd.DataFrame({"text": [*FORMULAS, "plain", "a=b", ""], "n": [-1.0] * 9})
    safe = csv_safe(frame)
    assert list(safe["text"]) == ["'" + f for f in FORMULAS] + ["plain", "a=b", ""]
    assert list(safe["n"]) == [-1.0] * 9 and list(frame["text"][:1]) == [FORMULAS[0]]  # input untouched


def test_formula_cells_are_neutralised_in_csv_and_raw_in_parquet(tmp_path, samples_dir):
    """Case 14: rep, campaign and file name cells from a manifest that start a formula."""
    shutil.copy(samples_dir / "strong.wav", tmp_path / "=1+2.wav")
    (tmp_path / "m.csv").write_text('file,rep,campaign\n=1+2.wav,"=HYPERLINK(""http://x"",""y"")",@SUM(1)\n')
    for table in ("out.csv", "out.parquet"):
        result = cli("batch", str(tmp_path / "m.csv"), "-o", str(tmp_path / table), "--workers", "1", timeout=300)
        assert result.returncode == 0, result.stderr.decode()
    raw = pd.read_parquet(tmp_path / "out.parquet")
    assert list(raw["rep"]) == [FORMULAS[0]] and list(raw["campaign"]) == ["@SUM(1)"]
    text = (tmp_path / "out.csv").read_text()
    assert "'=HYPERLINK" in text and ",'@SUM(1)," in text
    csv = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in csv.to_numpy().ravel())


def test_markdown_card_escapes_markup_in_the_file_name(tmp_path):
    """Case 14: a file name with markup is shown as written, not as a link or emphasis."""
    name = tmp_path / "[x](evil)_*y*.txt"
    name.write_text("Hi, this is Sam from Acme. Call me at 555 010 0199.")
    result = cli("script", str(name), "--format", "md")
    heading = result.stdout.decode().splitlines()[0]
    assert r"\[x\]\(evil\)\_\*y\*\.txt" in heading


def test_wrong_shaped_log_lines_are_skipped_and_rescored(tmp_path, samples_dir):
    """Case 15: valid JSON of the wrong shape in the results log crashed --resume."""
    shutil.copy(samples_dir / "strong.wav", tmp_path / "strong.wav")
    out = tmp_path / "out.csv"
    assert cli("batch", str(tmp_path / "strong.wav"), "-o", str(out), "--workers", "1").returncode == 0
    log = out.with_suffix(".jsonl")
    good = log.read_text()
    odd = ['[1, 2]', '{"v": 1, "key": 5, "row": {}}', '{"v": 1, "key": {"path": 3}, "row": [], "card": 1}',
           '{"v": 1, "key": {"path": "x"}, "row": {"file": "x"}, "card": "no"}']
    for line in odd:
        log.write_text(line + "\n")
        result = cli("batch", str(tmp_path / "strong.wav"), "-o", str(out), "--workers", "1", "--resume")
        assert result.returncode == 0, (line, result.stderr.decode())
        assert b"skipping line" in result.stderr
        assert [r["row"]["status"] for r in read_log(log)] == ["ok"]
    assert [json.loads(x)["row"]["overall"] for x in log.read_text().splitlines()] == \
        [json.loads(x)["row"]["overall"] for x in good.splitlines()]


def test_manifest_listing_a_file_twice_is_refused(tmp_path, samples_dir):
    """Case 15: the second row was dropped silently; now the manifest is refused, naming both lines."""
    shutil.copy(samples_dir / "strong.wav", tmp_path / "a.wav")
    (tmp_path / "m.csv").write_text("file,rep\na.wav,ann\n./a.wav,bob\n")
    line = error_line(cli("batch", str(tmp_path / "m.csv"), "-o", str(tmp_path / "out.csv")), str(tmp_path / "m.csv"))
    assert "line 3" in line and "line 2" in line
    assert not (tmp_path / "out.csv").exists()


def test_file_past_the_timeout_becomes_an_error_row(tmp_path, samples_dir):
    """A file still running at --timeout-per-file is stopped (its worker replaced) and the batch goes on."""
    for name in ("a.wav", "b.wav"):
        shutil.copy(samples_dir / "strong.wav", tmp_path / name)
    out = tmp_path / "out.csv"
    result = cli("batch", str(tmp_path), "-o", str(out), "--workers", "1", "--timeout-per-file", "0.5")
    assert result.returncode == 2
    errors = [line for line in result.stderr.decode().splitlines() if line.startswith("analyzer: error:")]
    assert len(errors) == 2 and all("0.5 s limit per file" in e for e in errors)
    assert [r["row"]["status"] for r in read_log(out.with_suffix(".jsonl"))] == ["error", "error"]


def test_file_past_the_timeout_on_dask_becomes_an_error_row(tmp_path, samples_dir):
    """On a Dask cluster too: the file past --timeout-per-file is an error row, its worker is restarted,
    and the batch goes on to the next file."""
    for name in ("a.wav", "b.wav"):
        shutil.copy(samples_dir / "strong.wav", tmp_path / name)
    out = tmp_path / "out.csv"
    result = cli("batch", str(tmp_path), "-o", str(out), "--scheduler", "local", "--workers", "1",
                 "--timeout-per-file", "0.5")
    assert result.returncode == 2
    errors = [line for line in result.stderr.decode().splitlines() if line.startswith("analyzer: error:")]
    assert len(errors) == 2 and all("0.5 s limit per file" in e for e in errors)
    assert [r["row"]["status"] for r in read_log(out.with_suffix(".jsonl"))] == ["error", "error"]
