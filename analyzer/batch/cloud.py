"""A batch whose recordings, manifests and results live in object storage (fsspec URLs).

Inputs: a bucket prefix (every audio file under it), a glob (``s3://calls/2026-*/*.wav``), a
manifest CSV or a single recording, each named by URL; every item keeps its full URL, which the
workers of a Dask cluster open themselves (:func:`analyzer.audio.load.load_url`), so no worker needs
a shared disk. A manifest's rows are relative to the manifest's own prefix and may not leave it
(``../``, another bucket, a local path) unless outside paths are allowed, as for a local manifest.

Outputs: the results table and its log are kept in a local folder while the batch runs (the log
is appended and fsynced line by line, which object storage cannot do) and uploaded when it ends.
That folder is derived from the output URL, so ``--resume`` on the same machine goes on from the
last finished file even after a kill; on another machine it starts from the log last uploaded.
"""

from __future__ import annotations

import glob
import hashlib
import logging
import posixpath
from pathlib import Path
from typing import Callable

from analyzer.batch.inputs import AUDIO_EXTENSIONS, BatchItem, check_row, manifest_rows, row_kind
from analyzer.errors import InputError
from analyzer.storage import is_url, open_url, url_fs

logger = logging.getLogger(__name__)


def _item(url: str, **fields: str) -> BatchItem:
    """The item for the recording at ``url``; the rep defaults to its folder's name."""
    rep = fields.pop("rep", "") or posixpath.basename(posixpath.dirname(url))
    return BatchItem(url, rep, **fields)


def _is_audio(path: str) -> bool:
    return posixpath.splitext(path)[1].lower() in AUDIO_EXTENSIONS


def url_inputs(entry: str, *, allow_outside: bool = False) -> list[BatchItem]:
    """The files named by the URL ``entry``: a prefix (recursively), a glob, a manifest CSV or a file."""
    fs, path = url_fs(entry)
    try:
        if glob.has_magic(path):
            found = sorted(p for p in fs.glob(path) if _is_audio(p) and fs.isfile(p))
            if not found:
                raise InputError(f"{entry}: no files match this pattern")
        elif fs.isdir(path):
            found = sorted(p for p in fs.find(path) if _is_audio(p))
            if not found:
                raise InputError(f"{entry}: no audio files under this prefix ({', '.join(sorted(AUDIO_EXTENSIONS))})")
        elif path.lower().endswith(".csv") and fs.isfile(path):
            return read_url_manifest(entry, allow_outside=allow_outside)
        elif fs.isfile(path):
            found = [path]
        else:
            raise InputError(f"{entry}: no such file, prefix or pattern")
    except OSError as exc:  # no such bucket, no access, endpoint unreachable
        raise InputError(f"{entry}: cannot list ({exc.__class__.__name__}: {exc})") from None
    return [_item(fs.unstrip_protocol(p)) for p in found]


def _resolve(fs, base: str, name: str) -> tuple[str, bool]:
    """(URL, whether it lies outside ``base`` in ``fs``) of a manifest row's ``name``."""
    if is_url(name):
        other, path = url_fs(name)
        return name, other.protocol != fs.protocol or not path.startswith(base + "/")
    path = posixpath.normpath(posixpath.join(base, name))
    return fs.unstrip_protocol(path), name.startswith("/") or not path.startswith(base + "/")


def read_url_manifest(url: str, *, allow_outside: bool = False) -> list[BatchItem]:
    """Rows of a manifest CSV at ``url`` (columns as :func:`analyzer.batch.inputs.read_manifest`),
    each file and script relative to the manifest's prefix; a row that points outside that prefix
    is an error row unless ``allow_outside`` (then it is named in a warning)."""
    fs, manifest = url_fs(url)
    try:
        with open_url(url, "r", newline="", encoding="utf-8-sig") as handle:
            rows = manifest_rows(handle, url)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{url}: cannot read manifest ({exc.__class__.__name__}: {exc})") from None
    base, items, lines = posixpath.dirname(manifest), [], {}
    for line, row in enumerate(rows, start=2):
        file, file_outside = _resolve(fs, base, row.get("file", ""))
        rep_channel = check_row(url, line, row, file, lines)
        script, script_outside = _resolve(fs, base, row["script"]) if row.get("script") else ("", False)
        outside = [name for name, out in ((file, file_outside), (script, script_outside)) if out]
        refused = ""
        if outside:
            where = (f"{url} line {line}: {', '.join(outside)} is outside the "
                     f"manifest's prefix {fs.unstrip_protocol(base)}")
            if not allow_outside:
                refused = f"not read: {where} (allow with --allow-outside)"
            else:
                logger.warning("%s; reading it because outside paths are allowed", where)
        items.append(_item(file, rep=row.get("rep", ""), campaign=row.get("campaign", ""), script=script,
                           rep_channel=rep_channel, kind=row_kind(url, line, row), refused=refused))
    return items


def read_text(url: str) -> str:
    """The text (UTF-8) of the object at ``url``: a script named by a manifest in a bucket."""
    with open_url(url, "r", encoding="utf-8") as handle:
        return handle.read()


def staging_path(output: str) -> Path:
    """The local results table that stands for the output URL while the batch runs."""
    from analyzer.audio.models import cache_dir

    folder = cache_dir() / "batches" / hashlib.sha256(output.encode()).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    return folder / posixpath.basename(url_fs(output)[1])


def batch_to_url(run: Callable, inputs, *, output: str, resume: bool, **options):
    """``run`` (:func:`analyze_batch`) with its table and log staged locally, then uploaded to ``output``."""
    from analyzer.batch.log import log_path

    local = staging_path(output)
    fs, table = url_fs(output)
    remote_log = posixpath.splitext(table)[0] + ".jsonl"
    try:
        if resume and not log_path(local).exists() and fs.isfile(remote_log):
            fs.get_file(remote_log, str(log_path(local)))  # resuming on another machine: the last upload
        frame = run(inputs, output=local, resume=resume, **options)
        fs.makedirs(posixpath.dirname(table), exist_ok=True)
        fs.put_file(str(log_path(local)), remote_log)
        fs.put_file(str(local), table)  # the table last: once it is there, the log beside it is complete
    except OSError as exc:
        raise InputError(f"{output}: cannot write results ({exc.__class__.__name__}: {exc})") from None
    return frame
