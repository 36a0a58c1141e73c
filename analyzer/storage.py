"""Recordings and results in object storage: fsspec URLs (``s3://``, ``gs://``, ``file://``,
``memory://``) beside local paths.

A Dask cluster's workers then read recordings straight from a bucket, and a batch's results land
there. fsspec and the protocol's own package (s3fs for ``s3://``, gcsfs for ``gs://``) come with the
``cloud`` extra; credentials and endpoints come from the usual places (the AWS environment and
config files, ``FSSPEC_S3_ENDPOINT_URL`` and the other ``FSSPEC_<PROTOCOL>_<OPTION>`` variables).
"""

from __future__ import annotations

import contextlib
import posixpath
import re
import shutil
import tempfile
from typing import Iterator

from analyzer.errors import InputError

# a URL names its protocol: "s3://", "gs://", "file://", "memory://" (a Windows drive "C:\" does not)
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]+://")


def is_url(path: object) -> bool:
    """Whether ``path`` is an fsspec URL rather than a local path."""
    return isinstance(path, str) and bool(_URL.match(path))


def url_fs(url: str):
    """(filesystem, path within it) for ``url``; a one-line error when its protocol is not installed."""
    try:
        from fsspec.core import url_to_fs

        return url_to_fs(url)
    except ImportError as exc:
        raise InputError(f"{url}: reading URLs needs the cloud extra: pip install 'pitch-analyzer[cloud]' "
                         f"({exc})") from None
    except ValueError as exc:  # an unknown protocol
        raise InputError(f"{url}: {exc}") from None


def open_url(url: str, mode: str = "rb", **kwargs):
    """``url`` opened as a file object (binary and seekable for reading; text with ``encoding``)."""
    fs, path = url_fs(url)
    try:
        return fs.open(path, mode, **kwargs)
    except FileNotFoundError:
        raise InputError(f"{url}: file not found") from None
    except (OSError, PermissionError) as exc:
        raise InputError(f"{url}: cannot open ({exc.__class__.__name__}: {exc})") from None


def file_version(url: str) -> tuple[int | None, str | None]:
    """(size, version) of the object at ``url``, the version being its ETag or modification time:
    what a resumed batch compares to tell an unchanged recording from a replaced one."""
    fs, path = url_fs(url)
    try:
        info = fs.info(path)
    except OSError:
        return None, None
    version = info.get("ETag") or info.get("etag") or info.get("mtime") or info.get("LastModified") or info.get(
        "updated") or info.get("created")
    return info.get("size"), None if version is None else str(version)


@contextlib.contextmanager
def local_copy(url: str) -> Iterator[str]:
    """A temporary local file holding the object at ``url``, removed afterwards.

    The audio loader's checks read the file itself (a WAV's chunk sizes against the file size, an
    MP3's length tag) besides decoding it, so a recording from a bucket is streamed through fsspec
    into a local file once and then read exactly like a local one.
    """
    suffix = posixpath.splitext(url_fs(url)[1])[1]
    with open_url(url) as remote, tempfile.NamedTemporaryFile(prefix="pitch-analyzer-", suffix=suffix) as local:
        shutil.copyfileobj(remote, local, 1 << 20)
        local.flush()
        yield local.name
