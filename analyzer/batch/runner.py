"""Many files → one table: parallel workers or Dask, a durable results log, resume, error rows.
What to score (folders, globs, manifests) is :mod:`analyzer.batch.inputs`; the table's columns, its I/O
and the roll-ups per rep live in :mod:`analyzer.batch.rollup`.

Every backend (in process, worker processes, a Dask cluster) runs the same :func:`score_file`,
which calls :func:`analyzer.pipeline.analyze` and turns its Scorecard (or its error) into one
record: the table row plus the full scorecard.

The durable record is the results log, ``results.jsonl`` beside ``results.csv``
(:mod:`analyzer.batch.log`); at the end of a run it is rewritten in table order and the table is
written beside it.

Resume key: a file is skipped when the log holds a record for the same absolute path, size and
mtime (nanoseconds), rep and campaign, scored with the same script, engine, model and rule
settings. A file edited since (or given other settings) is scored again; its row replaces the old
one. Path + size + mtime is what make and rsync trust; hashing every file on resume would cost a
full read of the batch for a case (same size and mtime, new content) that editing never produces.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from analyzer.errors import AnalyzerError, InputError, ModelError, one_line
from analyzer.batch.inputs import BatchItem, collect_inputs
from analyzer.batch.log import LOG_VERSION, ResultLog, compact_log, iter_log, log_path, repair_log
from analyzer.batch.rollup import results_frame, results_row, write_results
from analyzer.fileio import check_output, write_atomically
from analyzer.storage import file_version, is_url

# seconds one file may take before its worker is killed and the file becomes an error row: generous
# (an hour of audio takes ~10 min with the base model on 2 cores), it only stops a file that hangs
TIMEOUT_PER_FILE_S = 1200.0

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScoreOptions:
    """What every worker needs to score a file the same way; plain data so that it pickles."""

    engine: str
    model: str | None
    # the rule settings (analyzer.config.Config, which pickles by value)
    config: Any
    # the pitch kind for rows whose manifest gives none: auto | voicemail | opener
    kind: str = "auto"


# --------------------------------------------------------------------------------- scoring a file

def score_file(item: BatchItem, options: ScoreOptions) -> dict[str, Any]:
    """Score one file: its log record (``row`` and ``card``). Any error but a model error becomes an error row."""
    from analyzer.pipeline import analyze

    started = time.perf_counter()
    card, error = None, ""
    try:
        if item.refused:
            raise InputError(f"{item.path}: {item.refused}")
        card = analyze(item.path, script=_script(item.script), config=options.config,
                       engine=options.engine, model=options.model, rep_channel=item.rep_channel or None,
                       kind=item.kind or options.kind).to_dict()
    except ModelError:
        raise  # not the file's fault: the batch stops
    except AnalyzerError as exc:
        error = one_line(exc)
    except Exception as exc:  # a bug on one odd file must not stop the batch; the row says what happened
        error = one_line(f"{item.path}: internal error ({exc.__class__.__name__}: {exc})")
    return {"row": make_row(item, card, error, time.perf_counter() - started), "card": card}


def make_row(item: BatchItem, card: dict | None, error: str, elapsed_s: float) -> dict[str, Any]:
    return results_row(file=item.path, rep=item.rep, campaign=item.campaign, script=item.script, card=card,
                       error=error, elapsed_s=elapsed_s)


# ----------------------------------------------------------------------------- resume keys

def _script(script: str) -> Path | str | None:
    """A batch item's script: a local file, or the text of one in object storage."""
    if is_url(script):
        from analyzer.batch.cloud import read_text

        return read_text(script)
    return Path(script) if script else None


def _key(item: BatchItem, options: ScoreOptions) -> dict[str, Any]:
    if is_url(item.path):  # object storage: the ETag (or modification time) stands for the mtime
        size, mtime_ns = file_version(item.path)
    else:
        try:
            stat = os.stat(item.path)
            size, mtime_ns = stat.st_size, stat.st_mtime_ns
        except OSError:
            size = mtime_ns = None
    key = {"path": item.path, "size": size, "mtime_ns": mtime_ns, "rep": item.rep, "campaign": item.campaign,
           "script": item.script, "engine": options.engine, "model": options.model, "config": options.config.settings()}
    return json.loads(json.dumps(key))  # as it reads back from the log (tuples become lists)


# ------------------------------------------------------------------------------------- backends

def default_workers() -> int:
    """One worker per 4 cores (CTranslate2's default of 4 ASR threads each), at least one.

    Measured on 2 cores (bench/bench_batch.py): the ASR already uses both cores (one transcription:
    14.0 s on 1 thread, 7.9 s on 2), so 2 workers of 1 thread each scored new calls only 1.04x as
    fast as 1 worker, and re-scored cached ones 0.83x as fast (each process ran at under half speed
    beside the other). Hence 1 worker on 2 cores; more cores give more workers of ~4 threads each.
    """
    return max(1, _cores() // 4)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _asr_threads(workers: int) -> str:
    """ASR threads per worker: the user's PITCH_ANALYZER_THREADS, else the cores shared out."""
    return os.environ.get("PITCH_ANALYZER_THREADS") or str(max(1, _cores() // workers))


def _init_worker(parent_pid: int, threads: str) -> None:
    """Worker process start: share the cores out before the engine loads; exit if the parent dies."""
    import signal

    os.environ["PITCH_ANALYZER_THREADS"] = threads
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the parent, which shuts the pool down

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(1)  # orphaned by a kill -9 of the batch: nothing more to write to

    threading.Thread(target=watch, daemon=True).start()


def _timeout_record(item: BatchItem, timeout_s: float) -> dict[str, Any]:
    error = f"{item.path}: stopped after the {timeout_s:g} s limit per file (--timeout-per-file)"
    return {"row": make_row(item, None, error, timeout_s), "card": None}


def _run_local(items, options, workers, timeout_s):
    """Yield (item, record) as files finish, scored in worker processes (one too when ``workers`` is 1,
    so that a file running past ``timeout_s`` can be stopped): pebble kills that file's worker and
    starts another, and the file becomes an error row, as does one whose worker died."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, TimeoutError, wait

    from pebble import ProcessExpired, ProcessPool

    pool = ProcessPool(workers, initializer=_init_worker, initargs=(os.getpid(), _asr_threads(workers)),
                       context=multiprocessing.get_context("spawn"))
    try:
        pending = {pool.schedule(score_file, (item, options), timeout=timeout_s): item for item in items}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                item = pending.pop(future)
                try:
                    record = future.result()
                except TimeoutError:
                    record = _timeout_record(item, timeout_s)
                except ProcessExpired as exc:
                    error = f"{item.path}: its worker process died ({one_line(exc)}; out of memory or killed)"
                    record = {"row": make_row(item, None, error, 0.0), "card": None}
                yield item, record
    finally:
        pool.stop()
        pool.join()


def score_file_within(item: BatchItem, options: ScoreOptions, timeout_s: float | None) -> dict[str, Any]:
    """:func:`score_file` on a Dask worker, given up after ``timeout_s``: a Dask task cannot be killed,
    so the file is scored in a thread of its own and, past the limit, the task returns the error row
    with the worker's address (``restart_worker``), so that the client replaces that worker process
    and its stuck thread with it."""
    if timeout_s is None:
        return score_file(item, options)
    from distributed import get_worker

    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["record"] = score_file(item, options)
        except BaseException as exc:  # re-raised in the task, as if score_file had run there
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True, name=f"score {item.path}")
    thread.start()
    thread.join(timeout_s)
    if thread.is_alive():
        return {**_timeout_record(item, timeout_s), "restart_worker": get_worker().address}
    if "error" in outcome:
        raise outcome["error"]
    return outcome["record"]


def _run_dask(items, options, workers, scheduler, timeout_s):
    """Yield (item, record) as files finish on a Dask cluster: ``local`` starts a LocalCluster. A file
    past ``timeout_s`` becomes an error row and its worker is restarted (:func:`score_file_within`)."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise InputError("--scheduler needs Dask: pip install 'pitch-analyzer[dask]'") from None
    cluster = None
    try:
        if scheduler == "local":
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                                   env={"PITCH_ANALYZER_THREADS": _asr_threads(workers)})
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout="10s")
    except OSError as exc:
        raise InputError(f"cannot reach Dask scheduler {scheduler}: {one_line(exc)}") from None
    try:
        futures = {client.submit(score_file_within, item, options, timeout_s, pure=False): item for item in items}
        for future in as_completed(futures):
            item = futures[future]
            try:
                record = future.result()
                if "restart_worker" in record:
                    client.restart_workers([record.pop("restart_worker")], raise_for_error=False)
            except ModelError:
                raise
            except Exception as exc:  # KilledWorker: the file crashed a worker again and again
                error = one_line(f"{item.path}: worker failed ({exc.__class__.__name__}: {exc})")
                record = {"row": make_row(item, None, error, 0.0), "card": None}
            yield item, record
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


class _Progress:
    """tqdm bar on stderr when it is a terminal: files done, audio minutes done, ETA."""

    def __init__(self, total: int, done: int, enabled: bool | None) -> None:
        from tqdm import tqdm

        enabled = sys.stderr.isatty() if enabled is None else enabled
        self.bar = tqdm(total=total, initial=done, unit="file", desc="scoring", file=sys.stderr,
                        disable=not enabled, dynamic_ncols=True)
        self.audio_s = 0.0

    def update(self, row: dict) -> None:
        self.audio_s += row.get("duration_s") or 0.0
        self.bar.set_postfix_str(f"{self.audio_s / 60:.1f} audio min", refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def analyze_batch(
    inputs: str | Path | Iterable[str | Path],
    *,
    output: str | Path | None = None,
    workers: int | None = None,
    resume: bool = False,
    scripts: str | Path | None = None,
    scheduler: str | None = None,
    allow_outside: bool = False,
    timeout_per_file_s: float | None = TIMEOUT_PER_FILE_S,
    config=None,
    engine: str = "faster-whisper",
    model: str | None = None,
    progress: bool | None = None,
    kind: str = "auto",
):
    """Score every file in ``inputs`` (folders, globs, manifest CSVs, files); one row per file.

    ``output`` (.csv or .parquet) gets the table, and ``output`` with suffix .jsonl the full
    scorecards, one line per file as it finishes; ``resume=True`` keeps the files already in that
    log. ``workers`` processes (default :func:`default_workers`) each load the model once;
    ``scheduler`` sends the files to a Dask cluster (``"local"`` or ``"tcp://host:8786"``).
    ``progress``: a progress bar on stderr (default: when stderr is a terminal).
    ``allow_outside``: read manifest rows that point outside the manifest's folder (see :func:`read_manifest`).
    ``timeout_per_file_s``: a file still running after this long becomes an error row (None: no limit).
    ``kind``: auto | voicemail | opener, for the files whose manifest row has no ``kind``.
    Returns the table (pandas DataFrame) in input order; columns: see :mod:`analyzer.batch.rollup`.
    """
    if output is not None and Path(output).suffix.lower() not in (".csv", ".parquet"):
        raise InputError(f"{output}: the results table must be .csv or .parquet")
    if resume and output is None:
        raise InputError("resume needs an output table (its results log holds the finished files)")
    if workers is not None and workers < 1:
        raise InputError(f"workers must be 1 or more, not {workers}")
    if output is not None and is_url(str(output)):  # a bucket: staged locally, uploaded at the end
        from analyzer.batch.cloud import batch_to_url

        return batch_to_url(analyze_batch, inputs, output=str(output), resume=resume, workers=workers,
                            scripts=scripts, scheduler=scheduler, allow_outside=allow_outside,
                            timeout_per_file_s=timeout_per_file_s, config=config, engine=engine, model=model,
                            progress=progress)
    workers = workers or default_workers()
    if output is not None:  # before any work: never overwrite an input, never fail after the scoring
        sources = [str(i) for i in ([inputs] if isinstance(inputs, (str, Path)) else inputs)]
        check_output(output, sources)
        check_output(log_path(output), sources)
    items = collect_inputs(inputs, scripts=scripts, allow_outside=allow_outside)
    from analyzer.config import load_config

    options = ScoreOptions(engine, model, config or load_config(), kind)
    keys = {item.path: _key(item, options) for item in items}

    rows: dict[str, dict] = {}  # path → table row; the scorecards stay in the log, not in memory
    spans: dict[str, tuple[int, int]] = {}  # path → (offset, length) of its line in the log
    log = None
    if output is not None:
        log = ResultLog(log_path(output), truncate=not resume)  # locked before it is read
        if resume:
            repair_log(log_path(output))
            for offset, length, record in iter_log(log_path(output)):
                path = record.get("key", {}).get("path")
                if isinstance(path, str) and path in keys and record["key"] == keys[path]:
                    rows[path], spans[path] = record["row"], (offset, length)
    todo = [item for item in items if item.path not in rows]
    bar = _Progress(len(items), len(items) - len(todo), progress)
    try:
        if todo:
            workers = min(workers, len(todo))  # no idle workers loading a model for nothing
            run = _run_dask(todo, options, workers, scheduler, timeout_per_file_s) if scheduler else \
                _run_local(todo, options, workers, timeout_per_file_s)
            for item, record in run:
                if log is not None:
                    spans[item.path] = log.append({"v": LOG_VERSION, "key": keys[item.path], **record})
                rows[item.path] = record["row"]
                bar.update(record["row"])
        frame = results_frame([rows[item.path] for item in items])
        if output is not None:  # still under the log's lock
            compact_log(log_path(output), [spans[item.path] for item in items])
            write_results(frame, output)
    finally:
        bar.close()
        if log is not None:
            log.close()
    return frame
