"""The data directories of the hub and the 中間サーバー: private folders, private files, one SQLite
database each. Pure: no Django.

A data directory is a real folder (not a symbolic link), mode 0700, never on removable media (as
the relay's store: `yakuba.relay.media`). Secret files in it (keys) are created once with mode
0600 and never replaced (`write_private`), and read only when they are regular files that no one
else may read (`read_private`). Other files are written whole (temp + rename, `yakuba.files`).
The database is SQLite in WAL mode with one connection per process, used under a lock: one writer.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from yakuba.files import UnsafeOutput, write_bytes_atomic, write_new
from yakuba.linkage.errors import LinkageError
from yakuba.relay.media import is_removable

__all__ = ["open_data_dir", "write_private", "read_private", "write_public", "Database"]


def open_data_dir(path: Path | str, *, create: bool) -> Path:
    """The data directory `path`, created (0700) when `create`; refused if it is a link, not a
    folder, readable by others or on removable media."""
    path = Path(path).absolute()
    if is_removable(path):
        raise LinkageError(f"取り外し可能な媒体には置けません (refusing removable media): {path}", where=str(path))
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        if not create:
            raise LinkageError(f"データフォルダ {path} がありません。init してください (no data folder: run init)",
                               where=str(path)) from None
        path.parent.mkdir(parents=True, exist_ok=True)
        os.mkdir(path, 0o700)
        st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        raise LinkageError(f"データフォルダ {path} はシンボリックリンクです (the data folder is a symbolic link: refused)",
                           where=str(path))
    if not stat.S_ISDIR(st.st_mode):
        raise LinkageError(f"データフォルダ {path} はフォルダではありません (not a folder)", where=str(path))
    if st.st_mode & 0o077:
        raise LinkageError(f"データフォルダ {path} の権限 {oct(st.st_mode & 0o777)} は広すぎます。0700 にしてください"
                           f" (the data folder is open to others: make it 0700)", where=str(path))
    return path


def write_private(path: Path, data: bytes) -> None:
    """Create the secret file `path` (0600); an existing one is refused, never replaced."""
    try:
        created = write_new(path, data, mode=0o600)
    except UnsafeOutput as exc:
        raise LinkageError(exc.message, where=str(path)) from None
    if not created:
        raise LinkageError(f"{path} は既にあります。上書きしません (exists: not replaced)", where=str(path))


def write_public(path: Path, data: bytes) -> None:
    """Write `path` whole (0644), never through a symbolic link."""
    try:
        write_bytes_atomic(path, data, mode=0o644)
    except UnsafeOutput as exc:
        raise LinkageError(exc.message, where=str(path)) from None


def read_private(path: Path, *, limit: int = 1 << 20) -> bytes:
    """The bytes of the secret file `path`: a regular file, not a link, mode 0600 or narrower."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        raise LinkageError(f"{path} を開けません (cannot open: {exc.strerror or 'a symbolic link'})",
                           where=str(path)) from None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise LinkageError(f"{path} は通常のファイルではありません (not a regular file)", where=str(path))
        if st.st_mode & 0o077:
            raise LinkageError(f"{path} の権限 {oct(st.st_mode & 0o777)} は広すぎます。0600 にしてください"
                               f" (readable by others: make it 0600)", where=str(path))
        return f.read(limit)


class Database:
    """One SQLite database in WAL mode, one connection, every use under one lock (one writer)."""

    def __init__(self, path: Path, schema: str) -> None:
        if os.path.islink(path):
            raise LinkageError(f"{path} はシンボリックリンクです (the database is a symbolic link: refused)",
                               where=str(path))
        self.path = path
        fresh = not path.exists()
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=10)
        if fresh:
            os.chmod(path, 0o600)
        self._lock = threading.RLock()
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute("PRAGMA secure_delete=ON")
        self._conn.executescript(schema)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """The connection inside BEGIN IMMEDIATE … COMMIT (ROLLBACK on an error), under the lock."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def query(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        with self._lock:
            return list(self._conn.execute(sql, args))

    def checkpoint(self) -> None:
        """Fold the WAL into the database file and truncate it (after an erasure: no old pages left)."""
        with self._lock:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self._lock:
            self._conn.close()
