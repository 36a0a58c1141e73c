"""``analyzer serve`` end to end: the real server (started by the CLI on a free loopback port) driven
by Debian's Chromium through Playwright, with Chromium's fake microphone playing a sample, so that
recording, upload, takes, errors and the queue limit are all exercised for real.

Screenshots of the main pages land in out/serve/ (ignored by git) for a person to look at.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLES, run_analyzer

CHROMIUM = "/usr/bin/chromium"
SHOTS = REPO / "out" / "serve"
CARD_TIMEOUT_MS = 240_000  # a fresh recording is transcribed on a 2-core machine shared with other jobs
FAKE_MIC = SAMPLES / "classic_bad.wav"  # 16-bit PCM, looped by Chromium's fake capture
RECORD_S = 34.3  # the sample's length, so that one pass of it is recorded


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``python -m analyzer serve ARGS`` in a subprocess, with its own temporary folder."""

    def __init__(self, tmp: Path, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.tmp = tmp
        tmp.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen([sys.executable, "-m", "analyzer", "serve", "--port", str(self.port), *args],
                                        cwd=REPO, env={**os.environ, "TMPDIR": str(tmp)}, stderr=subprocess.PIPE,
                                        text=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.url, timeout=2).close()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"server did not start: {self.process.stderr.read()}") from None
                time.sleep(0.3)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Server(tmp_path_factory.mktemp("serve-tmp"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def small_server(tmp_path_factory):
    """One take at a time, 32 s and 1.5 MB at most (strong.wav is 29.8 s, classic_bad.wav 34.1 s and 1.1 MB),
    takes kept in a folder."""
    root = tmp_path_factory.mktemp("small")
    running = Server(root / "tmp", "--queue-size", "1", "--max-duration", "32", "--max-upload-mb", "1.5", "--takes", str(root / "takes"))
    running.takes = root / "takes"
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream", f"--use-file-for-fake-audio-capture={FAKE_MIC}",
            "--autoplay-policy=no-user-gesture-required"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    context.grant_permissions(["microphone"], origin=server.url)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server.url)
    yield page
    context.close()
    assert not errors, errors


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def wait_for_take(page, number: int) -> str:
    """The card's text once take ``number`` is shown."""
    page.wait_for_function(f"document.querySelector('#card h2')?.textContent.startsWith('take {number}:')",
                           timeout=CARD_TIMEOUT_MS)
    return page.inner_text("#card")


def takes_so_far(page) -> int:
    return len(page.request.get(page.url + "api/takes").json())


def test_a_take_recorded_with_the_microphone_gets_its_card_and_plays_from_a_finding(page):
    number = takes_so_far(page) + 1
    page.click("#record")
    page.wait_for_timeout(RECORD_S * 1000)
    page.click("#record")
    # the page shows each stage while the take is worked on (the poll may skip a short one)
    seen = page.evaluate_handle("""() => {
        const seen = new Set(), status = document.getElementById('status');
        new MutationObserver(() => seen.add(status.textContent)).observe(status, {childList: true, subtree: true,
                                                                                 characterData: true});
        return seen;
    }""")
    card = wait_for_take(page, number)
    stages = {"Waiting in the queue…", "Decoding the audio…", "Transcribing…", "Measuring the delivery…"}
    assert stages & set(page.evaluate("seen => [...seen]", seen))
    assert "value.missing" in card and "cliche.in-your-area" in card
    assert page.locator("#card img.plot").count() == 1 and page.locator("#card audio").count() == 1
    shot(page, "recorded-card")

    cliche = page.locator("#card tr[data-s]", has_text="cliche.in-your-area").first
    start_s = float(cliche.get_attribute("data-s"))
    cliche.click()
    page.wait_for_function("document.querySelector('#card .w.now') !== null", timeout=10_000)
    heard = page.evaluate("document.querySelector('#card audio').currentTime")
    assert start_s - 0.05 <= heard < start_s + 5  # a seek lands within a sample, not exactly
    now = page.locator("#card .w.now").first
    assert float(now.get_attribute("data-s")) <= heard + 0.3


def test_uploads_are_compared_with_the_previous_take(page, server):
    first = takes_so_far(page) + 1
    page.set_input_files("#file", str(SAMPLES / "classic_bad.wav"))
    assert "cliche.in-your-area" in wait_for_take(page, first)
    page.set_input_files("#file", str(SAMPLES / "strong.wav"))
    wait_for_take(page, first + 1)
    assert "overall" in page.inner_text("#comparison .improved")
    assert "cliche.in-your-area" in page.inner_text("#comparison .improved")
    shot(page, "second-take-improved")
    page.set_input_files("#file", str(SAMPLES / "classic_bad.wav"))
    wait_for_take(page, first + 2)
    assert "overall" in page.inner_text("#comparison .worse")
    assert page.locator("#takes li").count() == first + 2
    assert not list(server.tmp.glob("analyzer-take-*"))  # uploads are deleted once scored


def test_a_bad_file_gets_the_cli_error_line_on_the_page(page, tmp_path):
    name = "<img src=x onerror=alert(1)>.wav"
    junk = b"this is not audio at all\n" * 40
    page.set_input_files("#file", files=[{"name": name, "mimeType": "audio/wav", "buffer": junk}])
    page.wait_for_function("document.getElementById('error').textContent !== ''", timeout=60_000)
    line = page.inner_text("#error")
    shot(page, "bad-file")
    bad = tmp_path / "bad.wav"
    bad.write_bytes(junk)
    cli = run_analyzer("score", str(bad))
    problem = cli.stderr.strip().removeprefix(f"analyzer: error: {bad}: ")
    assert cli.returncode == 2 and problem.startswith("not a readable audio file")
    assert line == f"analyzer: error: {name}: {problem}"
    assert page.locator("#error img").count() == 0  # shown as text, not markup


def test_the_script_box_checks_the_text_as_the_rep_types(page):
    page.fill("#script", (SAMPLES / "classic_bad.txt").read_text(encoding="utf-8") + " <b>bold</b>")
    page.wait_for_selector("#script-card .card", timeout=60_000)
    text = page.inner_text("#script-card")
    assert "value.missing" in text and "cliche.in-your-area" in text and "<b>bold</b>" in text
    assert page.locator("#script-card b").count() == 0
    shot(page, "script-check")


def test_a_full_queue_is_refused_with_503_and_long_or_big_takes_are_refused(browser, small_server):
    context = browser.new_context()
    request = context.request
    audio = {"name": "strong.wav", "mimeType": "audio/wav", "buffer": (SAMPLES / "strong.wav").read_bytes()}
    url = small_server.url + "/api/takes"
    first = request.post(url, multipart={"audio": audio})
    second = request.post(url, multipart={"audio": audio})  # the first is still being decoded
    assert first.status == 202 and second.status == 503
    assert "queue is full" in second.json()["error"]
    job_url = f"{small_server.url}/api/jobs/{first.json()['job']}"
    deadline = time.monotonic() + CARD_TIMEOUT_MS / 1000
    while (job := request.get(job_url).json())["state"] not in ("done", "error") and time.monotonic() < deadline:
        time.sleep(0.5)
    assert job["state"] == "done", job
    assert sorted(p.name for p in small_server.takes.iterdir()) == ["take-001.json", "take-001.wav"]

    long = request.post(url, multipart={"audio": {**audio, "name": "long.wav",
                                                  "buffer": (SAMPLES / "classic_bad.wav").read_bytes()}})
    assert long.status == 202  # the slot is free again
    job_url = f"{small_server.url}/api/jobs/{long.json()['job']}"
    while (job := request.get(job_url).json())["state"] not in ("done", "error") and time.monotonic() < deadline:
        time.sleep(0.5)
    assert job["error"] == "analyzer: error: long.wav: 34 s is longer than the 32 s this server accepts"
    big = request.post(url, multipart={"audio": {**audio, "buffer": (SAMPLES / "strong.wav").read_bytes() * 2}})
    assert big.status == 413 and big.json()["error"] == "the upload is larger than 1.5 MB"
    context.close()


def test_listening_beyond_loopback_is_warned_about():
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "analyzer", "serve", "--host", "0.0.0.0", "--port", str(port)],
                               cwd=REPO, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stderr.readline()
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert first.startswith("analyzer: warning: listening on 0.0.0.0")
