"""What a batch scores: audio files from folders, globs and manifest CSVs, each with its rep,
campaign, script and rep channel. A manifest may come from someone else, so it cannot make the
tool read outside its own folder without saying so (see :func:`read_manifest`)."""

from __future__ import annotations

import csv
import glob
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from analyzer.errors import InputError
from analyzer.storage import is_url

logger = logging.getLogger(__name__)

AUDIO_EXTENSIONS = frozenset({".wav", ".mp3", ".m4a", ".flac", ".ogg", ".opus", ".aac", ".wma", ".webm", ".mp4",
                              ".amr", ".aiff", ".aif"})


@dataclass(frozen=True)
class BatchItem:
    """One file to score and what the table says about it besides its scores."""

    # absolute path of the audio file (workers on a Dask cluster need it absolute)
    path: str
    # the sales rep: the manifest's `rep`, else the name of the file's folder
    rep: str
    campaign: str = ""
    # absolute path of the script the rep read from ("" for none)
    script: str = ""
    # the channel the rep is on in a two-party call: "left" | "right" ("" to infer it)
    rep_channel: str = ""
    # the pitch kind: "voicemail" | "opener" | "auto" ("" for the batch's --kind)
    kind: str = ""
    # why this file is not read at all (e.g. it lies outside its manifest's folder); "" to score it
    refused: str = ""


def _item(path: Path, *, rep: str = "", campaign: str = "", script: str = "", scripts_dir: Path | None,
          **fields: str) -> BatchItem:
    path = Path(os.path.abspath(path))
    if not script and scripts_dir is not None and (scripts_dir / f"{path.stem}.txt").is_file():
        script = str(scripts_dir / f"{path.stem}.txt")
    return BatchItem(str(path), rep or path.parent.name, campaign, os.path.abspath(script) if script else "", **fields)


def _outside(paths: Iterable[Path], root: Path) -> list[Path]:
    """The paths that resolve (symbolic links followed) to somewhere outside ``root``."""
    return [p for p in paths if not Path(os.path.realpath(p)).is_relative_to(root)]


def manifest_rows(handle, manifest: object) -> list[dict[str, str]]:
    """The rows of the manifest CSV open as ``handle`` (text), keys lower-case; it must have a `file` column."""
    reader = csv.DictReader(handle)
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    if "file" not in columns:
        raise InputError(f"{manifest}: manifest has no 'file' column (columns: {', '.join(columns) or 'none'})")
    return [{k.strip().lower(): (v or "").strip() for k, v in row.items() if k} for row in reader]


def check_row(manifest: object, line: int, row: dict[str, str], key: str, lines: dict[str, int]) -> str:
    """Refuse a manifest row with no file, a file listed before (``lines``: file ``key`` → first line)
    or a bad rep_channel; its rep_channel."""
    from analyzer.calls.speakers import CHANNELS

    if not row.get("file"):
        raise InputError(f"{manifest}: line {line}: empty 'file'")
    # one row per file: a second row for the same file (perhaps with another rep) is ambiguous
    if (first := lines.setdefault(key, line)) != line:
        raise InputError(f"{manifest}: line {line}: {row['file']} is already listed on line {first}; "
                         "list each file once")
    rep_channel = row.get("rep_channel", "").lower()
    if rep_channel not in ("", *CHANNELS):
        raise InputError(f"{manifest}: line {line}: rep_channel must be left or right, not {rep_channel!r}")
    return rep_channel


def row_kind(manifest: object, line: int, row: dict[str, str]) -> str:
    """The row's `kind` column: auto, voicemail, opener or "" (the batch's --kind)."""
    kind = row.get("kind", "").lower()
    if kind not in ("", "auto", "voicemail", "opener"):
        raise InputError(f"{manifest}: line {line}: kind must be auto, voicemail or opener, not {kind!r}")
    return kind


def read_manifest(manifest: Path, *, scripts_dir: Path | None = None, allow_outside: bool = False) -> list[BatchItem]:
    """Rows of a manifest CSV: `file` (required; relative to the manifest's folder), `rep`, `campaign`,
    `script`, `rep_channel` (left|right, for two-party calls), `kind` (auto|voicemail|opener).

    A manifest is data that may come from someone else: a file or script that resolves outside the
    manifest's folder (``../``, an absolute path, a symbolic link) is not read unless
    ``allow_outside``; its row is an error row that says so. Allowed, each one is logged as a warning.
    """
    try:
        with open(manifest, newline="", encoding="utf-8-sig") as handle:
            rows = manifest_rows(handle, manifest)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{manifest}: cannot read manifest ({exc.__class__.__name__}: {exc})") from None
    items, base, lines = [], manifest.parent, {}
    root = Path(os.path.realpath(base))
    for line, row in enumerate(rows, start=2):
        rep_channel = check_row(manifest, line, row, os.path.abspath(base / row.get("file", "")), lines)
        script = row.get("script", "")
        named = [base / row["file"]] + ([base / script] if script else [])
        refused = ""
        if outside := _outside(named, root):
            where = f"{manifest} line {line}: {', '.join(map(str, outside))} is outside the manifest's folder {root}"
            if not allow_outside:
                refused = f"not read: {where} (allow with --allow-outside)"
            else:
                logger.warning("%s; reading it because outside paths are allowed", where)
        items.append(_item(base / row["file"], rep=row.get("rep", ""), campaign=row.get("campaign", ""),
                           script=str(base / script) if script else "", scripts_dir=scripts_dir,
                           rep_channel=rep_channel, kind=row_kind(manifest, line, row), refused=refused))
    return items


def collect_inputs(inputs: str | Path | Iterable[str | Path], *, scripts: str | Path | None = None,
                   allow_outside: bool = False) -> list[BatchItem]:
    """The files to score, in order, each once: from folders (audio files, recursively), globs,
    manifest CSVs (see :func:`read_manifest` for ``allow_outside``) and single files.
    ``scripts``: a folder where ``NAME.txt`` is the script of ``NAME.*``.
    """
    inputs = [inputs] if isinstance(inputs, (str, Path)) else list(inputs)
    scripts_dir = Path(scripts) if scripts else None
    if scripts_dir is not None and not scripts_dir.is_dir():
        raise InputError(f"{scripts_dir}: scripts folder not found")
    items: list[BatchItem] = []
    for entry in map(str, inputs):
        path = Path(entry)
        if is_url(entry):  # object storage: the same kinds of input, read through fsspec
            from analyzer.batch.cloud import url_inputs

            items += url_inputs(entry, allow_outside=allow_outside)
        elif path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() in AUDIO_EXTENSIONS and p.is_file())
            if not found:
                raise InputError(f"{entry}: no audio files in this folder ({', '.join(sorted(AUDIO_EXTENSIONS))})")
            items += [_item(p, scripts_dir=scripts_dir) for p in found]
        elif path.is_file() and path.suffix.lower() == ".csv":
            items += read_manifest(path, scripts_dir=scripts_dir, allow_outside=allow_outside)
        elif path.exists():
            items.append(_item(path, scripts_dir=scripts_dir))
        elif glob.has_magic(entry):
            found = sorted(Path(p) for p in glob.glob(entry, recursive=True) if Path(p).is_file())
            if not found:
                raise InputError(f"{entry}: no files match this pattern")
            items += [_item(p, scripts_dir=scripts_dir) for p in found]
        else:
            raise InputError(f"{entry}: no such file, folder or pattern")
    seen: set[str] = set()
    return [item for item in items if not (item.path in seen or seen.add(item.path))]
