"""The server's scoring queue and the session's takes.

Takes are scored in worker processes (``spawn``ed, each loading the model once at start-up: the
audio measures rely on numba kernels that crash when run off a process's main thread, so the
server's threads never run them). At most ``queue_size`` takes are queued or being scored at once,
so a rep who submits more is told to wait (:class:`QueueFull`) instead of waiting on a request that
hangs. Each take goes through the stages the page shows: decoding, transcribing, measuring;
workers report them on a queue that a thread of the server reads.
"""

from __future__ import annotations

import dataclasses
import html
import inspect
import json
import logging
import multiprocessing
import os
import secrets
import shutil
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.errors import AnalyzerError, one_line
from analyzer.types import Scorecard

KINDS = ("voicemail", "opener")
ORPHAN_CHECK_S = 1.0  # how often a worker checks that its server is still there


@dataclass(frozen=True)
class Settings:
    """What the server accepts and how much work it takes on."""

    # bytes: a 5-minute WAV at 44.1 kHz mono is ~26 MB; compressed takes are far smaller
    max_upload_bytes: int = 25 * 1024 * 1024
    # seconds: a voicemail or an opener is under a minute; longer takes are refused after decoding
    max_duration_s: float = 300.0
    # worker processes scoring takes, one model each (the speech recogniser already uses every core)
    workers: int = 1
    # takes queued or being scored at once; one more gets HTTP 503
    queue_size: int = 4
    # keep every upload and its card here (None: uploads are deleted once scored)
    takes_dir: Path | None = None
    engine: str = "faster-whisper"
    model: str | None = None


class QueueFull(Exception):
    """Every slot of the queue is taken."""


@dataclass
class Job:
    """One take on its way through the queue; ``stage`` is what the page shows while it waits."""

    id: str
    name: str
    state: str = "queued"  # queued | running | done | error
    stage: str = "queued"  # queued | decoding | transcribing | measuring | done
    error: str = ""
    take: int | None = None
    html: str = ""
    comparison: str = ""

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass
class Take:
    number: int
    name: str
    card: Scorecard
    html: str


# --------------------------------------------------------------------- in the worker processes

_stages = None  # the worker's end of the stage queue


def _start_worker(stages, engine: str, model: str | None) -> None:
    """Worker initialiser: keep the stage queue, leave with the server, load the model before the first take."""
    global _stages
    from analyzer.audio.transcribe import get_engine

    _stages = stages
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), name="analyzer-orphan-check", daemon=True).start()
    get_engine(engine, model)


def _exit_with_parent(parent: int) -> None:
    """End this worker once the server that started it is gone (killed, or stopped without
    waiting for its workers), so that no model stays loaded behind it."""
    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK_S)
    os._exit(0)


def score_upload(job_id: str, upload: Path, *, script: str | None, kind: str | None,
                 settings: Settings) -> tuple[Scorecard, str] | str:
    """Score one upload: (the card, its audio as a data: URI), or the problem as one line."""
    from analyzer.audio.load import load_audio
    from analyzer.audio.transcribe import transcribe
    from analyzer.pipeline import analyze
    from analyzer.reports.listen import audio_data_uri

    try:
        _stages.put((job_id, "decoding"))
        audio = load_audio(upload)
        if audio.duration > settings.max_duration_s:
            return (f"{audio.duration:.0f} s is longer than the {settings.max_duration_s:.0f} s this server "
                    "accepts")
        _stages.put((job_id, "transcribing"))
        transcribe(audio, engine=settings.engine, model=settings.model)  # cached for analyze() below
        _stages.put((job_id, "measuring"))
        options = {"kind": kind} if kind and "kind" in inspect.signature(analyze).parameters else {}
        # a script is text, never a path: a trailing newline keeps read_script from opening a file it names
        card = analyze(audio, script=script.rstrip() + "\n" if script and script.strip() else None,
                       engine=settings.engine, model=settings.model, **options)
    except AnalyzerError as exc:
        return getattr(exc, "problem", None) or str(exc).removeprefix(f"{upload}: ")
    return card, audio_data_uri(audio.samples, sr=audio.sample_rate)


# ---------------------------------------------------------------------------- in the server

def comparison_html(before: Scorecard, after: Scorecard, *, before_label: str) -> str:
    """What improved and what got worse since ``before`` (:func:`analyzer.reports.comparison.compare`)."""
    from analyzer.reports.comparison import compare

    table = compare(before, after)
    e = html.escape
    parts = [f"<h3>Against {e(before_label)}</h3>"]
    for verdict, heading in (("improved", "improved"), ("worse", "got worse")):
        rows = table[table["verdict"] == verdict]
        items = "".join(f"<li><code>{e(name)}</code> {row.before:g} → {row.after:g}</li>" for name, row in rows.iterrows())
        parts.append(f"<div class='{verdict}'><h4>{heading}</h4><ul>{items or '<li>nothing</li>'}</ul></div>")
    return "<section class='comparison'>" + "".join(parts) + "</section>"


@dataclass
class Takes:
    """The session: the scoring pool, the jobs it knows and every take scored so far."""

    settings: Settings = field(default_factory=Settings)

    def __post_init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.stages = context.Queue()
        self.pool = ProcessPoolExecutor(max_workers=self.settings.workers, mp_context=context,
                                        initializer=_start_worker,
                                        initargs=(self.stages, self.settings.engine, self.settings.model))
        self.jobs: dict[str, Job] = {}
        self.takes: list[Take] = []
        self.lock = threading.Lock()
        self.pending = 0
        if self.settings.takes_dir is not None:
            self.settings.takes_dir.mkdir(parents=True, exist_ok=True)
        threading.Thread(target=self._follow_stages, name="analyzer-stages", daemon=True).start()

    def _follow_stages(self) -> None:
        while (message := self.stages.get()) is not None:
            job_id, stage = message
            job = self.jobs.get(job_id)
            with self.lock:  # a stage can arrive after the job's result: never reopen a finished job
                if job is not None and job.state in ("queued", "running"):
                    job.state, job.stage = "running", stage

    def warm_up(self) -> None:
        """Start the workers now (each loads the model), so that the first take does not wait for them."""
        self.pool.submit(int)

    def reserve(self) -> None:
        """Take a queue slot, or raise :class:`QueueFull`."""
        with self.lock:
            if self.pending >= self.settings.queue_size:
                raise QueueFull(f"the queue is full ({self.settings.queue_size} takes waiting or being scored): "
                                "try again in a few seconds")
            self.pending += 1

    def release(self) -> None:
        with self.lock:
            self.pending -= 1

    def submit(self, upload: Path, name: str, *, script: str | None, kind: str | None) -> Job:
        """Queue the take in the slot reserved for it; ``upload`` is a temporary file this object now owns."""
        job = Job(id=secrets.token_urlsafe(12), name=name)
        self.jobs[job.id] = job
        future = self.pool.submit(score_upload, job.id, upload, script=script, kind=kind, settings=self.settings)
        future.add_done_callback(lambda done: self._finish(job, upload, done))
        return job

    def _finish(self, job: Job, upload: Path, future: Future) -> None:
        """Turn a worker's result into the take's card (rendered here) or its error line."""
        state, error = "done", ""
        try:
            result = future.result()
            if isinstance(result, str):
                state, error = "error", one_line(f"analyzer: error: {job.name}: {result}")
            else:
                self._add_take(job, upload, *result)
        except Exception as exc:  # a crashed worker or a bug: the page must still hear that the take failed
            logging.getLogger("analyzer").exception("scoring %s failed", job.name)
            state, error = "error", f"analyzer: error: {job.name}: internal error ({type(exc).__name__})"
        finally:
            upload.unlink(missing_ok=True)
            with self.lock:
                job.state, job.error, self.pending = state, error, self.pending - 1
                job.stage = "done" if state == "done" else job.stage

    def _add_take(self, job: Job, upload: Path, card: Scorecard, audio_src: str) -> None:
        from analyzer.reports.render import render_card_html

        with self.lock:
            number = len(self.takes) + 1
            previous = self.takes[-1] if self.takes else None
            card = dataclasses.replace(card, file=f"take {number}")
            take = Take(number, job.name, card, render_card_html(card, with_plot=True, audio_src=audio_src))
            self.takes.append(take)
        if previous is not None:
            job.comparison = comparison_html(previous.card, card, before_label=f"take {previous.number}")
        if self.settings.takes_dir is not None:
            self._keep(upload, number, card)
        job.take, job.html = number, take.html

    def _keep(self, upload: Path, number: int, card: Scorecard) -> None:
        """Copy the upload (named by its decoded container format) and its card into ``takes_dir``."""
        import av

        with av.open(str(upload)) as container:
            suffix = container.format.name.split(",")[0]
        stem = self.settings.takes_dir / f"take-{number:03d}"
        shutil.copyfile(upload, stem.with_suffix(f".{suffix}"))
        stem.with_suffix(".json").write_text(json.dumps(card.to_dict(), ensure_ascii=False), encoding="utf-8")

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.stages.put(None)
