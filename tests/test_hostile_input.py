"""Hostile and unlucky inputs through the command line: each gives a card, or one line
``analyzer: error: PATH: problem`` with exit code 2, and never hangs or loses other work (issue 17)."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import time

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import REPO


def cli(*args: str | bytes, cwd=REPO, env: dict | None = None, stdin: bytes | None = None,
        timeout: float = 600) -> subprocess.CompletedProcess:
    """``python -m analyzer ARGS`` in a subprocess; bytes in and out (file names need not be UTF-8)."""
    return subprocess.run([sys.executable, "-m", "analyzer", *args], capture_output=True, input=stdin, cwd=cwd,
                          env={**os.environ, **(env or {})}, timeout=timeout)


def error_line(result: subprocess.CompletedProcess, path: str) -> str:
    """The single error line of a failed run, checked for its form and exit code 2."""
    lines = result.stderr.decode().strip().splitlines()
    errors = [line for line in lines if line.startswith("analyzer: error: ")]
    assert result.returncode == 2, result.stderr.decode()
    assert len(errors) == 1 and errors[0].startswith(f"analyzer: error: {path}: "), lines
    assert "Traceback" not in result.stderr.decode()
    return errors[0]


@pytest.fixture(scope="module")
def jfk_16k(jfk):
    """jfk.flac as 16 kHz float32 mono samples."""
    return np.ascontiguousarray(jfk.samples)


def test_one_nan_sample_is_repaired_and_scored(jfk_16k, tmp_path):
    """Case 1: a NaN sample once hung Whisper's decoder; it is set to silence before any model sees it."""
    samples = jfk_16k.copy()
    samples[40_000] = np.nan
    samples[80_000] = np.inf
    path = tmp_path / "nan.wav"
    sf.write(path, samples, 16000, subtype="FLOAT")
    result = cli("score", str(path), "--format", "json", "--model", "tiny.en", timeout=300)
    assert result.returncode == 0, result.stderr.decode()
    card = json.loads(result.stdout)
    assert "country" in card["text"].lower()  # the speech itself still heard
    assert "2 samples were not finite" in result.stderr.decode()


def _wav_header(rate: int, n_bytes: int) -> bytes:
    return (b"RIFF" + struct.pack("<I", 36 + n_bytes) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, 2 * rate,
                                                                                  2, 16)
            + b"data" + struct.pack("<I", n_bytes))


def test_header_bomb_refused_before_decoding(tmp_path):
    """Case 2: 150 KB whose header says 1 Hz would decode to ~21 h: refused at once, nothing decoded."""
    path = tmp_path / "bomb.wav"
    path.write_bytes(_wav_header(1, 150_000) + bytes(150_000))
    started = time.monotonic()
    line = error_line(cli("score", str(path)), str(path))
    assert "4 h limit" in line and "PITCH_ANALYZER_MAX_AUDIO_HOURS" in line
    assert time.monotonic() - started < 60


def test_audio_limit_is_a_setting(speech_dir):
    """The limit comes from PITCH_ANALYZER_MAX_AUDIO_HOURS: 11 s of jfk is over a 5 s limit."""
    path = str(speech_dir / "whisper" / "jfk.flac")
    line = error_line(cli("score", path, env={"PITCH_ANALYZER_MAX_AUDIO_HOURS": str(5 / 3600)}), path)
    assert "limit" in line
    bad = cli("score", path, env={"PITCH_ANALYZER_MAX_AUDIO_HOURS": "nan"})
    assert bad.returncode == 2 and b"PITCH_ANALYZER_MAX_AUDIO_HOURS must be a positive number" in bad.stderr


def test_fifo_is_refused_without_opening_it(tmp_path, samples_dir):
    """Case 3: a FIFO with no writer blocked forever; now refused by its type, as a file and in a manifest."""
    fifo = tmp_path / "f.wav"
    os.mkfifo(fifo)
    line = error_line(cli("score", str(fifo), timeout=120), str(fifo))
    assert "not a regular file" in line
    shutil.copy(samples_dir / "strong.wav", tmp_path / "good.wav")
    (tmp_path / "m.csv").write_text("file\nf.wav\ngood.wav\n")
    result = cli("batch", str(tmp_path / "m.csv"), "-o", str(tmp_path / "out.csv"), "--workers", "1", timeout=300)
    assert result.returncode == 2 and b"not a regular file" in result.stderr
    rows = (tmp_path / "out.csv").read_text().splitlines()
    assert len(rows) == 3 and ",ok," in rows[2] and ",error," in rows[1]  # the good file was still scored


SCRIPT = "Hi Dana, this is Sam from Acme. We cut invoice errors by 40 percent. Call me at 555 010 0199."


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "utf-16-be"])
def test_script_in_unicode_encodings_with_a_bom_is_read(tmp_path, encoding):
    """Case 4: UTF-16 (Windows "Unicode") and UTF-8 with a BOM are decoded by their byte-order mark."""
    path = tmp_path / "draft.txt"
    data = SCRIPT.encode(encoding)
    path.write_bytes(data if encoding != "utf-16-be" else b"\xfe\xff" + data)
    result = cli("script", str(path), "--format", "json")
    assert result.returncode in (0, 1), result.stderr.decode()
    assert json.loads(result.stdout)["text"] == SCRIPT


@pytest.mark.parametrize("data, problem", [(b"Hi \xff there", "not UTF-8 text"),
                                           (b"\x7fELF\x02\x01\x01\x00\x00", "a binary file"),
                                           (b"\xff\xfeH\x00\x00\xd8", "not valid UTF-16")])
def test_script_that_is_not_text_is_one_line(tmp_path, data, problem):
    """Case 4: invalid UTF-8 and binary files (from a file or stdin) are one line and exit 2, not a traceback."""
    path = tmp_path / "draft.txt"
    path.write_bytes(data)
    assert problem in error_line(cli("script", str(path)), str(path))
    assert problem in error_line(cli("script", "-", stdin=data), "<stdin>")


def test_dollar_signs_in_name_and_words_make_an_html_report(speech_dir, tmp_path):
    """Case 6: matplotlib read `$...$` as mathtext and raised; the name shows as written."""
    path = tmp_path / "deal_$5k_$.flac"
    shutil.copy(speech_dir / "whisper" / "jfk.flac", path)
    out = tmp_path / "report.html"
    result = cli("score", str(path), "--format", "html", "-o", str(out), "--model", "tiny.en", timeout=300)
    assert result.returncode == 0, result.stderr.decode()
    html = out.read_text(encoding="utf-8")
    assert "deal_$5k_$.flac" in html and "data:image/png;base64," in html


def test_dollar_signs_in_a_card_plot_drawn_later(speech_dir, tmp_path):
    """Case 6 in a notebook: card.plot() returns the figure and it is drawn afterwards, outside any
    setting the call made; the title keeps its dollars."""
    import io

    from analyzer import analyze

    path = tmp_path / "deal_$5k_$.flac"
    shutil.copy(speech_dir / "whisper" / "jfk.flac", path)
    figure = analyze(path, model="tiny.en").plot()
    figure.savefig(io.BytesIO(), format="png")
    assert any("deal_$5k_$.flac" in text.get_text() for text in figure.findobj(lambda a: hasattr(a, "get_text")))


def test_non_utf8_file_name_is_shown_with_replacement_characters(speech_dir, tmp_path):
    """Case 7: a name that is not UTF-8 is read (surrogate escapes) and shown with U+FFFD in every format."""
    raw = os.fsencode(tmp_path) + b"/caf\xe9.flac"
    shutil.copy(speech_dir / "whisper" / "jfk.flac", raw)
    shown = str(tmp_path) + "/caf\ufffd.flac"
    for fmt in ("json", "csv", "md", "table"):
        result = cli("score", raw, "--format", fmt, "--model", "tiny.en", timeout=300)
        assert result.returncode == 0, (fmt, result.stderr.decode())
        assert "caf\ufffd" in result.stdout.decode("utf-8"), fmt  # decodes: valid UTF-8 throughout
    out = tmp_path / "card.html"
    assert cli("score", raw, "--format", "html", "-o", str(out), "--model", "tiny.en").returncode == 0
    assert "caf\ufffd.flac" in out.read_text(encoding="utf-8")
    table = tmp_path / "out.parquet"
    batch = cli("batch", str(tmp_path), "-o", str(table), "--workers", "1", "--model", "tiny.en", timeout=300)
    assert batch.returncode == 0, batch.stderr.decode()
    import pandas as pd

    assert list(pd.read_parquet(table)["file"]) == [shown]
    log = [json.loads(line) for line in table.with_suffix(".jsonl").read_bytes().splitlines()]
    assert os.fsencode(log[0]["key"]["path"]) == raw  # the log carries the exact bytes of the name


@pytest.mark.parametrize("settings, key", [
    ("thresholds = 5", "'thresholds'"),
    ("disable = [1]", "'disable'"),
    ('disable = "x"', "'disable'"),
    ('packs = "x.toml"', "'packs'"),
    ('[thresholds]\n"structure.too-long" = -5', "structure.too-long"),
    ('[thresholds]\n"structure.too-long" = nan', "structure.too-long"),
    ('[thresholds]\n"structure.too-long" = inf', "structure.too-long"),
    ('[thresholds]\n"structure.too-long" = -inf', "structure.too-long"),
])
def test_config_of_the_wrong_shape_names_file_and_key(tmp_path, settings, key):
    """Case 8: wrong shapes and non-finite or negative thresholds are one line naming the file and the key."""
    (tmp_path / "analyzer.toml").write_text(settings + "\n")
    (tmp_path / "draft.txt").write_text(SCRIPT)
    line = error_line(cli("script", "draft.txt", cwd=tmp_path), str(tmp_path / "analyzer.toml"))
    assert key in line


def test_binary_config_is_one_line(tmp_path):
    (tmp_path / "analyzer.toml").write_bytes(b"\xff\xfe\x00\x01\x89PNG")
    line = error_line(cli("rules", cwd=tmp_path), str(tmp_path / "analyzer.toml"))
    assert "not a UTF-8 text file" in line


def test_valid_config_still_applies(tmp_path):
    """The checks refuse only wrong shapes: a good file still disables a rule and sets a threshold."""
    (tmp_path / "analyzer.toml").write_text('disable = ["cliche.hedges"]\n[thresholds]\n"structure.too-long" = 45\n')
    result = cli("rules", "--format", "json", cwd=tmp_path)
    rules = {r["id"]: r for r in json.loads(result.stdout)}
    assert rules["cliche.hedges"]["enabled"] is False and rules["structure.too-long"]["threshold"] == 45
