"""Plaintext that a path-taking library must read, without writing the plaintext to disk.

The hand-over package (`create`) reads files by path; the delivery files are personal data that
exist on disk only encrypted. (The scans need none of this: the OCR pipeline reads them from
memory, `pages_from_bytes`.) On Linux the bytes go
into an anonymous memory file (``memfd_create``) and the path handed out is a symlink — named as
the library needs (the name inside the package) — in a
private temporary folder, pointing at ``/proc/self/fd/N``. Only the link touches the disk.

Elsewhere (no ``memfd_create``) the fallback is a file in a private (0700) temporary folder,
removed as soon as the block ends.
"""

from __future__ import annotations

import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

_UNSAFE = re.compile(r"[\x00-\x1f/\\]")


def safe_name(name: str, default: str = "file") -> str:
    """A single path component: no folders, no control characters, not hidden, at most 180 chars."""
    base = _UNSAFE.sub("_", (name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip().lstrip(".")
    if not base:
        return default
    if len(base) > 180:
        stem, dot, suffix = base.rpartition(".")
        base = (stem[: 170] + dot + suffix[:9]) if dot and len(suffix) < 10 else base[:180]
    return base


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


@contextmanager
def plaintext_path(name: str, data: bytes) -> Iterator[Path]:
    """A readable path named ``name`` whose content is ``data``, for the duration of the block."""
    with tempfile.TemporaryDirectory(prefix="yakuba-mem-") as folder:
        link = Path(folder) / safe_name(name)
        memfd = getattr(os, "memfd_create", None)
        fd: int | None = None
        if memfd is not None and Path("/proc/self/fd").is_dir():
            fd = memfd("yakuba-plaintext", getattr(os, "MFD_CLOEXEC", 0))
            try:
                _write_all(fd, data)
                os.symlink(f"/proc/self/fd/{fd}", link)
            except BaseException:
                os.close(fd)
                raise
        else:  # pragma: no cover - not Linux
            handle = os.open(link, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                _write_all(handle, data)
            finally:
                os.close(handle)
        try:
            yield link
        finally:
            if fd is not None:
                os.close(fd)
