"""The results log of a batch: ``results.jsonl`` beside the table, one JSON line per finished file.

Each record is written by the main process with a single ``os.write`` of the whole line on an
``O_APPEND`` descriptor, then ``fsync``, under an exclusive ``flock``. A ``kill -9`` can leave at
most a partial last line, which ``--resume`` cuts off before appending; a line of the wrong shape
is skipped with a warning (its file is scored again). At the end of a run the log is rewritten
(atomically) in table order.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from pathlib import Path
from typing import Iterator

from analyzer.errors import InputError
from analyzer.fileio import write_atomically

LOG_VERSION = 1  # bump when a log record's layout changes meaning

logger = logging.getLogger(__name__)


def log_path(output: str | Path) -> Path:
    """The results log (full scorecards, one JSON line per file) beside the table."""
    return Path(output).with_suffix(".jsonl")


def iter_log(path: Path) -> Iterator[tuple[int, int, dict]]:
    """(offset, length, record) of each complete record of a results log, in file order."""
    if not path.exists():
        return
    with open(path, "rb") as handle:
        offset = 0
        for line in handle:
            if not line.endswith(b"\n"):
                return  # a partial last line: the write a kill cut short
            try:
                record = json.loads(line)
            except ValueError:
                record = None  # cannot happen with whole-line appends; never let one line stop a resume
            if _well_formed(record):
                yield offset, len(line), record
            else:  # skipped, so its file (if still in the batch) is scored again
                logger.warning("%s: skipping line at byte %d: not a results record of this version", path, offset)
            offset += len(line)


def _well_formed(record: object) -> bool:
    """Whether a parsed log line has the shape :meth:`ResultLog.append` writes."""
    return (isinstance(record, dict) and record.get("v") == LOG_VERSION and isinstance(record.get("row"), dict)
            and isinstance(record.get("key", {}), dict) and isinstance(record.get("card"), (dict, type(None))))


def read_log(path: str | Path) -> list[dict]:
    """Every complete record of a results log (row, full scorecard, resume key)."""
    return [record for _, _, record in iter_log(Path(path))]


def repair_log(path: Path) -> None:
    """Cut off a partial last line, so that the next append starts a line of its own."""
    if not path.exists():
        return
    with open(path, "rb") as handle:
        complete = sum(len(line) for line in handle if line.endswith(b"\n"))
    if complete < path.stat().st_size:
        os.truncate(path, complete)


class ResultLog:
    """Append-only JSON-lines file; each record is one ``os.write`` on an O_APPEND fd, then fsync.

    Held with an exclusive ``flock`` for as long as it is open: a second batch writing the same log
    gets an :class:`InputError` naming it instead of interleaving its lines with the first's.
    """

    def __init__(self, path: Path, *, truncate: bool) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.path, self.fd = path, os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        except OSError as exc:
            raise InputError(f"{path}: cannot write the results log ({exc.strerror or exc})") from None
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.fd)
            raise InputError(f"{path}: another batch is writing this results log; wait for it to finish "
                             "or give another -o") from None
        if truncate:  # only once the lock is held: never cut a log another batch is writing
            os.ftruncate(self.fd, 0)

    def append(self, record: dict) -> tuple[int, int]:
        """Write one record as one line; returns its (offset, length) in the file. ASCII JSON: a file name
        that is not UTF-8 is kept exactly, as surrogate escapes (\\udcXX)."""
        data = (json.dumps(record) + "\n").encode("ascii")
        written = os.write(self.fd, data)
        while written < len(data):  # regular files take the whole buffer; this only guards odd filesystems
            written += os.write(self.fd, data[written:])
        os.fsync(self.fd)
        return os.lseek(self.fd, 0, os.SEEK_CUR) - len(data), len(data)

    def close(self) -> None:
        os.close(self.fd)


def compact_log(path: Path, spans: list[tuple[int, int]]) -> None:
    """Rewrite the log to hold exactly the lines at ``spans``, in that order (the table's)."""
    def write(tmp: Path) -> None:
        with open(path, "rb") as source, open(tmp, "wb") as target:
            for offset, length in spans:
                source.seek(offset)
                target.write(source.read(length))
            target.flush()
            os.fsync(target.fileno())

    write_atomically(path, write)
