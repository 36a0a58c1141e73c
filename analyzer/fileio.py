"""Writing outputs so that a failure loses nothing: checks before the work (an output that is an
input, a folder, or in a folder that cannot be written), temporary file then rename, one-line
errors; and file names that are not valid UTF-8 made printable.

On Linux a file name is bytes; Python carries bytes that are not UTF-8 as "surrogate escapes"
(U+DC80..U+DCFF), which open() accepts but no UTF-8 writer does. Paths keep them (so the file can
still be read); everything shown or written as text uses :func:`printable`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable

from analyzer.errors import InputError


def printable(text: str) -> str:
    """``text`` with each surrogate escape (a byte of a non-UTF-8 file name) as U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def check_output(output: str | Path, inputs: Iterable[str | Path] = ()) -> None:
    """Refuse, before any work, an output that is one of ``inputs`` (it would be overwritten), a
    folder or special file, or in a folder that does not exist or cannot be written."""
    output = Path(output)
    if output.is_dir():
        raise InputError(f"{output}: is a folder; give a file name for the output")
    if output.exists() and not output.is_file():  # renaming over a device or pipe would replace it
        raise InputError(f"{output}: not a regular file (a pipe, socket or device); give a file name")
    for source in inputs:
        try:
            same = output.exists() and os.path.samefile(output, source)
        except OSError:
            same = False
        if same:
            raise InputError(f"{output}: is also an input ({source}); refusing to overwrite it")
    folder = output.parent
    if not folder.is_dir():
        raise InputError(f"{output}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"{output}: folder {folder} is not writable")


def write_atomically(path: str | Path, write: Callable[[Path], None]) -> None:
    """``write(tmp)`` in the same folder, then rename over ``path``: a reader sees the old file or the
    new one, never half; a failure (full disk, read-only folder) leaves the old file and raises
    :class:`InputError` naming ``path``."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass


def write_text_atomically(path: str | Path, text: str) -> None:
    """Write ``text`` (made :func:`printable`) as UTF-8 via :func:`write_atomically`, synced to disk."""
    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(printable(text))
            handle.flush()
            os.fsync(handle.fileno())

    write_atomically(path, write)


# a spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV Injection")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(frame):
    """``frame`` (pandas) with every text cell that a spreadsheet would run as a formula prefixed with
    a single quote, as OWASP recommends for CSV files; numbers are left alone. For CSV output only:
    Parquet and JSON keep the raw values."""
    def cell(value):
        return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value

    text = frame.select_dtypes(include=["object", "string"]).columns
    return frame.assign(**{column: frame[column].map(cell) for column in text})
