"""Batch runs: one row per file, error rows, the same rows from every backend, kill -9 and resume,
roll-ups. The big batch is 50 files in rep folders: copies of the samples (their transcripts come
from the cache after the first) and 5 broken files (10%)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from analyzer.batch.log import ResultLog, log_path, read_log, repair_log
from analyzer.batch.runner import analyze_batch
from analyzer.batch.inputs import collect_inputs
from analyzer.errors import InputError
from analyzer.batch.rollup import TEAM, comparable, read_results, summarise

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
NAMES = ["strong", "classic_bad", "classic_bad_linebreaks", "rambling", "cold_call_stereo", "silence_noise"]
REPS = ["alice", "bob", "carol", "dave", "erin"]
N_COPIES = 45
# broken file → what its error row must say
BROKEN = {"alice/broken_empty.wav": "empty file", "bob/broken_text.wav": "not a readable audio file",
          "carol/broken_truncated.wav": "truncated WAV", "dave/broken_random.wav": "not a readable audio file",
          "erin/broken_notes.mp3": "not a readable audio file"}


def _make_batch(root: Path) -> dict[str, str]:
    """50 files in rep folders; returns relative path → the sample it copies ("" for broken)."""
    made = {}
    for i in range(N_COPIES):
        name, rep = NAMES[i % len(NAMES)], REPS[i % len(REPS)]
        target = root / rep / f"call_{i:02d}_{name}.wav"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLES / f"{name}.wav", target)
        made[f"{rep}/{target.name}"] = name
    strong = (SAMPLES / "strong.wav").read_bytes()
    contents = [b"", b"Hi, this is not audio, just a note saved as .wav\n" * 20, strong[: len(strong) // 2],
                random.Random(6).randbytes(50_000), b"call notes: ring back Tuesday\n"]
    for (relative, _), content in zip(BROKEN.items(), contents):
        (root / relative).write_bytes(content)
        made[relative] = ""
    (root / "alice" / "notes.txt").write_text("not a recording: skipped when scanning a folder")
    return made


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("calls")
    return root, _make_batch(root)


@pytest.fixture(scope="module")
def originals() -> dict[str, dict]:
    """Each sample scored on its own (also fills the transcript cache for the copies)."""
    from analyzer.pipeline import analyze

    return {name: analyze(SAMPLES / f"{name}.wav").to_dict() for name in NAMES}


@pytest.fixture(scope="module")
def one_worker(batch_dir, originals, tmp_path_factory) -> tuple[pd.DataFrame, Path]:
    out = tmp_path_factory.mktemp("w1") / "results.csv"
    return analyze_batch(batch_dir[0], output=out, workers=1), out


def test_one_row_per_file_with_the_right_status_and_error(batch_dir, originals, one_worker):
    root, made = batch_dir
    results, _ = one_worker
    assert len(results) == 50 and results["file"].is_unique
    assert set(results["file"]) == {str(root / relative) for relative in made}
    assert "notes.txt" not in " ".join(results["file"])  # folders are scanned for audio files only
    for row in results.itertuples():
        relative = str(Path(row.file).relative_to(root))
        assert row.rep == relative.split("/")[0]
        if relative in BROKEN:
            assert row.status == "error" and BROKEN[relative] in row.error and row.file in row.error, row
            assert pd.isna(row.overall) and row.grade == "" and pd.isna(row.n_findings)
            continue
        card = originals[made[relative]]
        assert row.status == ("no_speech" if card["transcript"]["no_speech"] else "ok") and row.error == ""
        assert (row.overall, row.grade, row.n_findings) == (card["overall"], card["grade"], len(card["findings"]))
        assert row.top_1 == (card["findings"][0]["rule"] if card["findings"] else "")
        assert row.engine == "faster-whisper" and row.model == "base" and row.elapsed_s > 0
        assert abs(row.duration_s - card["duration"]) < 1e-3
        for dimension, score in card["dimensions"].items():
            assert getattr(row, dimension) == score
    counts = results["status"].value_counts()
    assert counts["error"] == 5 and counts["no_speech"] == sum(1 for n in made.values() if n == "silence_noise")
    assert results.loc[results["status"] == "no_speech", "top_1"].eq("audio.no-speech").all()


def test_table_and_log_round_trip(one_worker):
    results, out = one_worker
    pd.testing.assert_frame_equal(read_results(out), results)
    records = read_log(log_path(out))
    assert [r["row"]["file"] for r in records] == list(results["file"])
    ok = next(r for r in records if r["row"]["status"] == "ok")
    assert ok["card"]["findings"] and ok["card"]["transcript"]["words"]  # the full scorecard


def test_two_workers_and_local_dask_give_the_same_rows(batch_dir, one_worker, tmp_path):
    results, _ = one_worker
    two = analyze_batch(batch_dir[0], output=tmp_path / "w2.parquet", workers=2)
    pd.testing.assert_frame_equal(comparable(two), comparable(results))
    pd.testing.assert_frame_equal(read_results(tmp_path / "w2.parquet"), two)
    dask = analyze_batch(batch_dir[0], output=tmp_path / "dask.csv", workers=2, scheduler="local")
    pd.testing.assert_frame_equal(comparable(dask), comparable(results))


def _processes_in_group(pgid: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            pids.append(int(stat.parent.name))
    return pids


def test_kill_9_then_resume_loses_and_duplicates_nothing(batch_dir, one_worker, tmp_path):
    results, _ = one_worker
    out = tmp_path / "results.csv"
    command = [sys.executable, "-m", "analyzer", "batch", str(batch_dir[0]), "-o", str(out), "--workers", "2"]
    proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            if len(read_log(log_path(out))) >= 8:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the batch finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        finished = read_log(log_path(out))
        assert 8 <= len(finished) < 50 and not out.exists()
        deadline = time.monotonic() + 15  # the orphaned workers notice and exit
        while _processes_in_group(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _processes_in_group(proc.pid)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    with open(log_path(out), "ab") as handle:  # as if the kill had cut a line short
        handle.write(b'{"v": 1, "key": {"path": "/half/a/li')

    resumed = subprocess.run(command + ["--resume"], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 2, resumed.stderr  # the broken files are errors
    table, records = read_results(out), read_log(log_path(out))
    assert len(table) == 50 and table["file"].is_unique
    assert [r["row"]["file"] for r in records] == list(table["file"])
    pd.testing.assert_frame_equal(comparable(table), comparable(results))
    # the finished files were kept, not scored again
    before = {r["row"]["file"]: r["row"]["elapsed_s"] for r in finished}
    assert all(table.set_index("file").loc[file, "elapsed_s"] == elapsed for file, elapsed in before.items())


def test_cli_batch_exit_codes_and_error_lines(batch_dir, one_worker, tmp_path):
    root, _ = batch_dir
    good = tmp_path / "good"
    (good / "zoe").mkdir(parents=True)
    shutil.copyfile(root / "alice" / "call_00_strong.wav", good / "zoe" / "a.wav")
    run = [sys.executable, "-m", "analyzer", "batch"]
    ok = subprocess.run(run + [str(good), "-o", str(tmp_path / "good.csv"), "--workers", "1"], cwd=REPO,
                        capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stderr
    assert "wrote" in ok.stderr and "\r" not in ok.stderr  # no progress bar in a pipe
    bad = subprocess.run(run + [str(root / "dave"), str(root / "*" / "*.mp3"), "-o", str(tmp_path / "bad.csv"),
                                "--workers", "1"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2
    errors = [line for line in bad.stderr.splitlines() if line.startswith("analyzer: error:")]
    assert len(errors) == 2 and "broken_random.wav" in errors[0] and "broken_notes.mp3" in errors[1]


def test_manifest_gives_rep_campaign_and_script(batch_dir, one_worker, tmp_path):
    root, _ = batch_dir
    manifest = tmp_path / "week.csv"
    shutil.copyfile(SAMPLES / "classic_bad.txt", tmp_path / "script.txt")
    rows = [f"{root / 'alice' / 'call_00_strong.wav'},Zoe,spring,",  # absolute path, rep overridden
            "../calls_missing/nowhere.wav,Yan,spring,",  # relative to the manifest's folder
            f"{root / 'bob' / 'call_01_classic_bad.wav'},,autumn,script.txt"]
    manifest.write_text("file,rep,campaign,script\n" + "\n".join(rows) + "\n")
    results = analyze_batch(manifest, workers=1, allow_outside=True)
    assert list(results["rep"]) == ["Zoe", "Yan", "bob"]
    assert list(results["campaign"]) == ["spring", "spring", "autumn"]
    assert list(results["status"]) == ["ok", "error", "ok"]
    assert results.loc[1, "file"] == str(tmp_path.parent / "calls_missing" / "nowhere.wav")
    assert "file not found" in results.loc[1, "error"]
    assert results.loc[2, "script"] == str(tmp_path / "script.txt")


def test_manifest_cannot_read_outside_its_folder_without_saying_so(batch_dir, one_worker, tmp_path, caplog):
    root, _ = batch_dir
    team = tmp_path / "team"
    team.mkdir()
    for name in ("inside.wav", "scripted.wav"):
        shutil.copyfile(SAMPLES / "strong.wav", team / name)
    (team / "linked.wav").symlink_to(root / "alice" / "call_00_strong.wav")
    (tmp_path / "outside.wav").write_bytes((SAMPLES / "strong.wav").read_bytes())
    (tmp_path / "secret.txt").write_text("not for this manifest")
    manifest = team / "manifest.csv"
    manifest.write_text("file,rep,script\ninside.wav,ann,\n../outside.wav,ann,\n"
                        f"{root / 'bob' / 'call_01_classic_bad.wav'},bo,\nlinked.wav,cy,\nscripted.wav,di,../secret.txt\n")
    results = analyze_batch(manifest, workers=1)
    assert list(results["status"]) == ["ok", "error", "error", "error", "error"]
    named = ["outside.wav", "call_01_classic_bad.wav", "linked.wav", "secret.txt"]
    for error, name in zip(results["error"][1:], named):
        assert "outside the manifest's folder" in error and name in error and "--allow-outside" in error

    with caplog.at_level("WARNING", logger="analyzer"):
        allowed = analyze_batch(manifest, workers=1, allow_outside=True)
    assert list(allowed["status"]) == ["ok"] * 5
    warned = [r.getMessage() for r in caplog.records]
    assert len(warned) == 4 and all("outside the manifest's folder" in w for w in warned)

    refused = subprocess.run([sys.executable, "-m", "analyzer", "batch", str(manifest), "-o", str(tmp_path / "r.csv")],
                             cwd=REPO, capture_output=True, text=True, timeout=300)
    assert refused.returncode == 2 and refused.stderr.count("outside the manifest's folder") == 4
    allowed_cli = subprocess.run([sys.executable, "-m", "analyzer", "batch", str(manifest), "-o",
                                  str(tmp_path / "r2.csv"), "--allow-outside"],
                                 cwd=REPO, capture_output=True, text=True, timeout=300)
    assert allowed_cli.returncode == 0, allowed_cli.stderr
    assert allowed_cli.stderr.count("analyzer: warning: ") == 4


def test_manifest_rep_channel_picks_the_rep_in_a_call(originals, tmp_path):
    shutil.copyfile(SAMPLES / "cold_call_stereo.wav", tmp_path / "call.wav")
    (tmp_path / "calls.csv").write_text("file,rep,rep_channel\ncall.wav,sam,left\ncall.wav,pat,right\n")
    with pytest.raises(InputError, match="call.wav is already listed on line 2"):  # which rep is meant?
        collect_inputs(tmp_path / "calls.csv")
    (tmp_path / "call_copy.wav").write_bytes((tmp_path / "call.wav").read_bytes())
    (tmp_path / "calls.csv").write_text("file,rep,rep_channel\ncall.wav,sam,left\ncall_copy.wav,pat,Right\n")
    results = analyze_batch(tmp_path / "calls.csv", workers=1)
    assert list(results["rep_channel"]) == ["left", "right"]
    assert results.loc[0, "talk_ratio_rep"] + results.loc[1, "talk_ratio_rep"] == pytest.approx(1.0, abs=0.1)
    (tmp_path / "bad.csv").write_text("file,rep_channel\ncall.wav,middle\n")
    with pytest.raises(InputError, match="rep_channel must be left or right"):
        collect_inputs(tmp_path / "bad.csv")


def test_bad_manifest_is_one_line_error(tmp_path):
    manifest = tmp_path / "bad.csv"
    manifest.write_text("path,rep\na.wav,zoe\n")
    with pytest.raises(InputError, match="no 'file' column"):
        collect_inputs(manifest)
    done = subprocess.run([sys.executable, "-m", "analyzer", "batch", str(manifest), "-o", str(tmp_path / "r.csv")],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"analyzer: error: {manifest}: manifest has no 'file' column "
                                                "(columns: path, rep)"]


def test_inputs_folders_globs_scripts_and_duplicates(batch_dir, tmp_path):
    root, made = batch_dir
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "call_00_strong.txt").write_text("Hi, it's Sam.")
    items = collect_inputs([root / "alice", str(root / "alice" / "*.wav"), root / "bob" / "call_01_classic_bad.wav"],
                           scripts=scripts)
    alice = sorted(p for p in made if p.startswith("alice/") and p.endswith(".wav"))
    assert [item.path for item in items] == [str(root / p) for p in alice] + [str(root / "bob/call_01_classic_bad.wav")]
    assert {item.rep for item in items} == {"alice", "bob"}
    assert [item.script for item in items if item.script] == [str(scripts / "call_00_strong.txt")]
    with pytest.raises(InputError, match="no such file"):
        collect_inputs([root / "nobody"])
    with pytest.raises(InputError, match="no files match"):
        collect_inputs([str(root / "*.flac")])


def test_log_keeps_whole_lines_and_repairs_a_cut_one(tmp_path):
    path = tmp_path / "r.jsonl"
    log = ResultLog(path, truncate=True)
    for i in range(3):
        log.append({"v": 1, "row": {"file": f"f{i}"}})
    log.close()
    with open(path, "ab") as handle:
        handle.write(b'{"v": 1, "row": {"fi')
    assert [r["row"]["file"] for r in read_log(path)] == ["f0", "f1", "f2"]
    assert path.read_bytes().endswith(b'{"fi')  # reading alone changes nothing
    repair_log(path)
    assert path.read_bytes().endswith(b"}\n")
    log = ResultLog(path, truncate=False)
    log.append({"v": 1, "row": {"file": "f3"}})
    log.close()
    assert [r["row"]["file"] for r in read_log(path)] == ["f0", "f1", "f2", "f3"]


def test_summary_per_rep_grades_and_findings(one_worker):
    results, out = one_worker
    rollups = summarise(results)
    reps = rollups["reps"].set_index("rep")
    assert list(reps.index) == REPS + [TEAM]
    assert reps.loc[TEAM, "files"] == 50 == reps.loc[REPS, "files"].sum()
    assert reps.loc[TEAM, "errors"] == 5
    ok = results[results["status"] == "ok"]
    for rep in REPS:
        assert reps.loc[rep, "overall"] == pytest.approx(ok.loc[ok["rep"] == rep, "overall"].mean())
    grades = rollups["grades"].set_index("rep")
    assert grades.loc[TEAM].sum() == (results["status"] != "error").sum()
    team = rollups["findings"]
    scored = results[results["status"] != "error"]
    top_rule = team.iloc[0]["rule"]
    assert team.iloc[0]["files"] == scored["rules"].str.split().map(lambda r: top_rule in r).sum()
    assert team["files"].is_monotonic_decreasing
    per_rep = rollups["rep_findings"]
    assert set(per_rep["rep"]) == set(REPS) and per_rep.groupby("rep").size().max() <= 3

    shown = subprocess.run([sys.executable, "-m", "analyzer", "summary", str(out)], cwd=REPO, capture_output=True,
                           text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr
    for text in [*REPS, TEAM, "Grade distribution", top_rule]:
        assert text in shown.stdout


def test_resume_scores_again_only_what_changed(batch_dir, one_worker, tmp_path):
    root, _ = batch_dir
    files = [root / "carol" / "call_02_classic_bad_linebreaks.wav", root / "dave" / "call_03_rambling.wav",
             root / "carol" / "broken_truncated.wav"]
    out = tmp_path / "r.csv"
    first = analyze_batch(files, output=out, workers=1).set_index("file")
    changed = tmp_path / "rambling.wav"
    shutil.copyfile(files[1], changed)
    os.utime(files[1], ns=(time.time_ns(), time.time_ns()))  # "edited": same bytes, new mtime
    again = analyze_batch([*files, changed], output=out, workers=1, resume=True).set_index("file")
    assert list(again.index) == [str(f) for f in [*files, changed]]
    kept = [str(files[0]), str(files[2])]
    assert (again.loc[kept, "elapsed_s"] == first.loc[kept, "elapsed_s"]).all()
    assert again.loc[str(files[1]), "elapsed_s"] != first.loc[str(files[1]), "elapsed_s"]
    assert [r["row"]["file"] for r in read_log(log_path(out))] == list(again.index)
    with pytest.raises(InputError, match="must be .csv or .parquet"):
        analyze_batch(files, output=tmp_path / "r.xlsx")


def test_call_rows_get_the_conversation_metrics_and_voicemail_rows_stay_empty(sample_cards):
    from analyzer.batch.rollup import CALL_COLUMNS, results_frame, results_row

    rows = [results_row(file=name, rep="r", campaign="", script="", card=sample_cards[name].to_dict(), error="",
                        elapsed_s=0.0) for name in ("cold_call_stereo", "strong")]
    frame = results_frame(rows).set_index("file")
    call, voicemail = frame.loc["cold_call_stereo"], frame.loc["strong"]
    assert call["rep_channel"] == "left" and abs(call["talk_ratio_rep"] - 0.742) < 0.05 and call["rep_questions"] == 3
    assert voicemail["rep_channel"] == "" and voicemail[list(CALL_COLUMNS[1:])].isna().all()
