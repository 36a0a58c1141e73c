"""Recordings and results in object storage: s3fs against moto's standalone S3 server on
127.0.0.1 (as s3fs's own tests run), a Dask LocalCluster of 2 workers, a kill and a resume;
fsspec's in-memory filesystem for manifests and audio read from URLs."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import numpy as np
import pytest

from analyzer.audio.load import load_audio
from analyzer.batch.cloud import read_url_manifest, staging_path, url_inputs
from analyzer.errors import AudioError, InputError

REPO = Path(__file__).resolve().parents[1]
RECORDINGS = ["classic_bad.wav", "strong.wav", "rambling.wav"]


@pytest.fixture
def memory_bucket(samples_dir):
    """memory://team/: two recordings under calls/, one under other/; removed afterwards."""
    import fsspec

    fs = fsspec.filesystem("memory")
    root = f"/team-{uuid.uuid4().hex[:8]}"
    fs.put_file(str(samples_dir / "strong.wav"), f"{root}/calls/ann/strong.wav")
    fs.put_file(str(samples_dir / "rambling.wav"), f"{root}/calls/bob/rambling.wav")
    fs.put_file(str(samples_dir / "classic_bad.wav"), f"{root}/other/classic_bad.wav")
    yield fs, f"memory://{root}"
    fs.rm(root, recursive=True)


def test_a_recording_reads_the_same_from_a_url(samples_dir, memory_bucket):
    _, root = memory_bucket
    remote, local = load_audio(f"{root}/calls/ann/strong.wav"), load_audio(samples_dir / "strong.wav")
    assert remote.path == f"{root}/calls/ann/strong.wav"
    assert np.array_equal(remote.samples, local.samples) and remote.duration == local.duration
    with pytest.raises(AudioError, match=f"^{root}/calls/nobody.wav: file not found$"):
        load_audio(f"{root}/calls/nobody.wav")


def test_a_prefix_lists_its_recordings_with_the_folder_as_rep(memory_bucket):
    _, root = memory_bucket
    items = url_inputs(f"{root}/calls")
    assert [(i.path, i.rep) for i in items] == [(f"{root}/calls/ann/strong.wav", "ann"),
                                                (f"{root}/calls/bob/rambling.wav", "bob")]
    assert [i.path for i in url_inputs(f"{root}/*/*/r*.wav")] == [f"{root}/calls/bob/rambling.wav"]
    with pytest.raises(InputError, match="no such file, prefix or pattern"):
        url_inputs(f"{root}/nothing-here")


def test_a_manifest_in_a_bucket_may_not_point_outside_its_prefix(memory_bucket):
    fs, root = memory_bucket
    path = root.removeprefix("memory://")
    fs.pipe(f"{path}/calls/manifest.csv", b"file,rep\nann/strong.wav,Ann\n../other/classic_bad.wav,Cy\n"
                                           b"s3://elsewhere/x.wav,Di\n")
    items = read_url_manifest(f"{root}/calls/manifest.csv")
    assert [(i.path, i.rep) for i in items] == [(f"{root}/calls/ann/strong.wav", "Ann"),
                                                (f"{root}/other/classic_bad.wav", "Cy"), ("s3://elsewhere/x.wav", "Di")]
    assert items[0].refused == ""
    assert "outside the manifest's prefix" in items[1].refused and "--allow-outside" in items[1].refused
    assert "s3://elsewhere/x.wav is outside" in items[2].refused
    allowed = read_url_manifest(f"{root}/calls/manifest.csv", allow_outside=True)
    assert [i.refused for i in allowed] == ["", "", ""]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def s3(monkeypatch, tmp_path):
    """A moto S3 server on 127.0.0.1 and the environment that points s3fs (here and in every
    subprocess and Dask worker) at it; a bucket ``calls``; a tool cache of this test's own."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    cache = tmp_path / "cache"
    cache.mkdir()
    from analyzer.audio.models import cache_dir

    (cache / "models").symlink_to(cache_dir() / "models", target_is_directory=True)  # not set-up again
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
           "FSSPEC_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}", "PITCH_ANALYZER_CACHE": str(cache)}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    import fsspec.config
    import s3fs

    monkeypatch.setitem(fsspec.config.conf, "s3", {"endpoint_url": env["FSSPEC_S3_ENDPOINT_URL"]})
    s3fs.S3FileSystem.clear_instance_cache()
    fs = s3fs.S3FileSystem()
    fs.mkdir("calls")
    yield fs
    s3fs.S3FileSystem.clear_instance_cache()
    # moto keeps its buckets per process, not per server: reset them for the next test
    urllib.request.urlopen(urllib.request.Request(f"{env['FSSPEC_S3_ENDPOINT_URL']}/moto-api/reset", method="POST"))
    server.stop()


def _batch(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "analyzer", "batch", *args], cwd=REPO, env=dict(os.environ),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def test_batch_from_and_to_s3_on_dask_survives_a_kill(s3, samples_dir, jfk):
    for name in RECORDINGS:
        s3.put_file(str(samples_dir / name), f"calls/week1/{name}")
    s3.put_file(jfk.path, "calls/week1/jfk.flac")
    s3.pipe("calls/week1/manifest.csv", ("file,rep\n" + "".join(f"{n},{'ann' if i % 2 else 'bob'}\n" for i, n in
                                                               enumerate(RECORDINGS + ["jfk.flac"]))).encode())
    output = "s3://calls/results/week1.parquet"
    args = ["s3://calls/week1/manifest.csv", "-o", output, "--scheduler", "local", "--workers", "2",
            "--model", "tiny.en"]
    log = staging_path(output).with_suffix(".jsonl")

    first = _batch(*args)  # killed as soon as one file is in the log, the others still running
    deadline = time.monotonic() + 600
    while not (log.exists() and log.read_bytes().count(b"\n") >= 1):
        assert first.poll() is None, first.communicate()[1]
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    before = [json.loads(line) for line in log.read_bytes().splitlines(keepends=True) if line.endswith(b"\n")]
    assert 1 <= len(before) < 4, "the kill came after the whole batch"
    assert not s3.exists(output)  # nothing is uploaded before the batch ends

    resumed = _batch(*args, "--resume")
    _, stderr = resumed.communicate(timeout=900)
    assert resumed.returncode == 0, stderr

    import pandas as pd

    with s3.open(output) as handle:  # read back from the bucket through s3fs
        table = pd.read_parquet(handle)
    expected = [f"s3://calls/week1/{n}" for n in RECORDINGS + ["jfk.flac"]]
    assert sorted(table["file"]) == sorted(expected) and table["file"].is_unique
    assert set(table["status"]) == {"ok"} and table["overall"].between(0, 100).all()
    records = [json.loads(line) for line in s3.cat_file("calls/results/week1.jsonl").splitlines()]
    assert sorted(r["row"]["file"] for r in records) == sorted(expected)  # every file exactly once
    finished = {r["row"]["file"]: r["row"] for r in before}
    for record in records:  # what finished before the kill was kept, not scored again
        if record["row"]["file"] in finished:
            assert record["row"] == finished[record["row"]["file"]]

    summary = subprocess.run([sys.executable, "-m", "analyzer", "summary", output, "--format", "json"], cwd=REPO,
                             capture_output=True, text=True, timeout=300)
    assert summary.returncode == 0, summary.stderr
    assert {rep["rep"] for rep in json.loads(summary.stdout)["reps"]} == {"ann", "bob", "(team)"}


def test_a_missing_bucket_is_one_line(s3):
    done = subprocess.run([sys.executable, "-m", "analyzer", "batch", "s3://no-such-bucket/calls/", "-o",
                           "s3://calls/out.parquet"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert done.stderr.startswith("analyzer: error: s3://no-such-bucket/calls/: ") and done.stderr.count("\n") == 1
