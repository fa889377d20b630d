"""The provision log's Merkle tree, kept as the hashes of its complete subtrees. Pure: no Django.

A tree of n leaves has, at each level L (0 = leaves), ⌊n / 2^L⌋ complete subtrees of 2^L leaves;
their hashes never change once the subtree is full. A `HashStore` keeps them, level by level, in
order, together with the entries, and `MerkleLog` keeps it up to date as entries are appended: a
batch costs one leaf hash per entry and one node hash per new complete subtree (about one more
per entry), never a recomputation. Every root, proof and tile hash of any past size is then a
handful of stored hashes combined — O(log n) reads (:meth:`MerkleLog.subtree_hash`).

Two stores:

- `MemoryHashStore` — lists in memory (tests, the verifier side, a log rebuilt from tiles);
- `FileHashStore` — a folder of append-only files: ``entries`` (the entries, back to back),
  ``entries.idx`` (8-byte big-endian end offset of each entry), ``hashes.LL`` (32-byte hashes of
  level LL) and ``HEAD`` (the committed size and root, replaced whole). An append writes and
  fsyncs the data files first and only then replaces ``HEAD``: a process killed at any point
  leaves files at least as long as ``HEAD`` says, and what lies past that is a torn or uncommitted
  tail, cut off when the folder is next opened (``FileHashStore.repaired`` says what was cut). A
  file shorter than ``HEAD`` says, or hashes that do not give ``HEAD``'s root, is damage, not a
  crash: refused. Files are opened relative to the folder with ``O_NOFOLLOW`` (never through a
  symbolic link, nor is the folder itself one), and a lock file keeps a second writer out.

Entries are opaque bytes of at most 65,535 bytes (the tile bundles' 2-byte length prefix).
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import hmac
import os
import stat
from pathlib import Path
from typing import Iterable, Protocol, Sequence

from yakuba.files import write_bytes_atomic
from yakuba.linkage.tlog._common import b64decode_strict, b64encode, check_count, fail, parse_decimal
from yakuba.linkage.tlog.hashing import EMPTY_ROOT, HASH_SIZE, largest_power_of_two_below, node_hash
from yakuba.linkage.tlog.proofs import consistency_path, inclusion_path

__all__ = ["MAX_ENTRY_SIZE", "HashStore", "MemoryHashStore", "FileHashStore", "MerkleLog", "Log"]

MAX_ENTRY_SIZE = 0xFFFF
MAX_LEVELS = 64
_BATCH = 16384
_sha256 = hashlib.sha256
_HEAD_MAGIC = "yakuba tlog store v1"


class HashStore(Protocol):
    """Where a `MerkleLog` keeps its entries and the hashes of its complete subtrees.

    ``count(L)`` hashes are stored at level L; hash ``i`` of level L is MTH of the leaves
    ``[i·2^L, (i+1)·2^L)``. Appends are not durable until ``commit``; ``rollback`` drops what
    was appended since the last commit.
    """

    def committed_size(self) -> int:
        """The number of entries at the last commit (what a reopened store starts from)."""
        ...

    def count(self, level: int) -> int:
        """How many hashes level ``level`` holds."""
        ...

    def read(self, level: int, start: int, end: int) -> bytes:
        """Hashes ``start`` to ``end`` (exclusive) of ``level``, back to back."""
        ...

    def append(self, level: int, hashes: bytes) -> None:
        """Add hashes (back to back, 32 bytes each) at the end of ``level``."""
        ...

    def append_entries(self, entries: Sequence[bytes]) -> None:
        """Add entries at the end."""
        ...

    def entry(self, index: int) -> bytes:
        """Entry number ``index``."""
        ...

    def commit(self, size: int, root: bytes) -> None:
        """Make everything appended so far durable, as the tree of ``size`` entries with ``root``."""
        ...

    def rollback(self) -> None:
        """Forget whatever was appended since the last commit."""
        ...

    def close(self) -> None:
        """Release files and locks."""
        ...


class MemoryHashStore:
    """A `HashStore` in memory."""

    def __init__(self) -> None:
        self._levels: list[bytearray] = []
        self._entries: list[bytes] = []
        self._committed = 0

    def committed_size(self) -> int:
        return self._committed

    def count(self, level: int) -> int:
        return len(self._levels[level]) // HASH_SIZE if level < len(self._levels) else 0

    def read(self, level: int, start: int, end: int) -> bytes:
        if not 0 <= start <= end <= self.count(level):
            raise fail("保存されていないハッシュです", f"hashes {start}..{end} of level {level} are not stored")
        return bytes(self._levels[level][start * HASH_SIZE:end * HASH_SIZE])

    def append(self, level: int, hashes: bytes) -> None:
        while len(self._levels) <= level:
            self._levels.append(bytearray())
        self._levels[level] += hashes

    def append_entries(self, entries: Sequence[bytes]) -> None:
        self._entries.extend(entries)

    def entry(self, index: int) -> bytes:
        return self._entries[index]

    def commit(self, size: int, root: bytes) -> None:
        self._committed = size

    def rollback(self) -> None:
        n = self._committed
        del self._entries[n:]
        for level, hashes in enumerate(self._levels):
            del hashes[(n >> level) * HASH_SIZE:]

    def close(self) -> None:
        pass


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _pread_exact(fd: int, length: int, offset: int, what: str) -> bytes:
    chunks, got = [], 0
    while got < length:
        chunk = os.pread(fd, length - got, offset + got)
        if not chunk:
            raise fail("ログのファイルが途中で終わっています", f"{what}: unexpected end of file at byte {offset + got}", what)
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


class FileHashStore:
    """A `HashStore` in a folder of append-only files (see the module docstring)."""

    def __init__(self, directory: Path | str, *, create: bool = True) -> None:
        self.directory = Path(directory)
        self.repaired: list[str] = []
        self._fds: dict[str, int] = {}
        self._dirty: set[str] = set()
        self._dir_fd = -1
        self._lock_fd = -1
        try:
            self._open_dir(create)
            self._lock()
            self._recover()
        except BaseException:
            self.close()
            raise

    # --- opening --------------------------------------------------------------------------
    def _open_dir(self, create: bool) -> None:
        where = str(self.directory)
        try:
            st = os.lstat(self.directory)
        except FileNotFoundError:
            if not create:
                raise fail("ログのフォルダがありません", f"log folder not found: {where}", where) from None
            os.mkdir(self.directory, 0o700)
            st = os.lstat(self.directory)
        if stat.S_ISLNK(st.st_mode):
            raise fail("ログのフォルダがシンボリックリンクです", f"log folder is a symbolic link: {where}", where)
        if not stat.S_ISDIR(st.st_mode):
            raise fail("ログのフォルダがフォルダではありません", f"log folder is not a folder: {where}", where)
        self._dir_fd = os.open(self.directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)

    def _lock(self) -> None:
        self._lock_fd = self._open_file("lock")
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise fail("ログは別のプロセスが使用中です", f"the log is open in another process: {self.directory}",
                           str(self.directory)) from None
            raise

    def _open_file(self, name: str) -> int:
        try:
            fd = os.open(name, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600,
                         dir_fd=self._dir_fd)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise fail("ログのファイルがシンボリックリンクです", f"log file is a symbolic link: {name}", name) from None
            raise
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise fail("ログのファイルが通常のファイルではありません", f"log file is not a regular file: {name}", name)
        return fd

    def _fd(self, name: str) -> int:
        fd = self._fds.get(name)
        if fd is None:
            fd = self._fds[name] = self._open_file(name)
        return fd

    @staticmethod
    def _level_name(level: int) -> str:
        return f"hashes.{level:02d}"

    def _read_head(self) -> tuple[int, bytes] | None:
        try:
            fd = os.open("HEAD", os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=self._dir_fd)
        except FileNotFoundError:
            return None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise fail("HEAD がシンボリックリンクです", "log HEAD is a symbolic link", "HEAD") from None
            raise
        try:
            data = os.read(fd, 4096)
        finally:
            os.close(fd)
        try:
            lines = data.decode("ascii").split("\n")
        except UnicodeDecodeError:
            raise fail("HEAD が壊れています", "log HEAD is not ASCII", "HEAD") from None
        if len(lines) != 4 or lines[0] != _HEAD_MAGIC or lines[3] != "":
            raise fail("HEAD が壊れています", "log HEAD is not 'yakuba tlog store v1', size, root", "HEAD line 1")
        size = parse_decimal(lines[1])
        root = b64decode_strict(lines[2])
        if size is None:
            raise fail("HEAD の大きさが読めません", f"log HEAD size is not a decimal: {lines[1]!r}", "HEAD line 2")
        if root is None or len(root) != HASH_SIZE:
            raise fail("HEAD の根のハッシュが読めません", "log HEAD root is not a base64 32-byte hash", "HEAD line 3")
        return size, root

    def _length(self, name: str) -> int:
        return os.fstat(self._fd(name)).st_size

    def _cut(self, name: str, expected: int) -> None:
        actual = self._length(name)
        if actual < expected:
            raise fail("ログのファイルが記録された大きさより短くなっています (データの欠落)",
                       f"{name} holds {actual} bytes, HEAD needs {expected}: data lost, not a torn tail", name)
        if actual > expected:
            os.ftruncate(self._fd(name), expected)
            os.fsync(self._fd(name))
            self.repaired.append(f"{name}: cut {actual - expected} bytes past the committed size")

    def _recover(self) -> None:
        head = self._read_head()
        size, root = head if head is not None else (0, EMPTY_ROOT)
        self._committed = size
        self._cut("entries.idx", 8 * size)
        data_end = 0
        if size:
            data_end = int.from_bytes(_pread_exact(self._fd("entries.idx"), 8, 8 * (size - 1), "entries.idx"), "big")
        self._cut("entries", data_end)
        self._counts: list[int] = []
        for level in range(MAX_LEVELS):
            name = self._level_name(level)
            count = size >> level
            if count:
                self._cut(name, count * HASH_SIZE)
                self._counts.append(count)
            else:
                try:
                    os.stat(name, dir_fd=self._dir_fd, follow_symlinks=False)
                except FileNotFoundError:
                    continue
                self._cut(name, 0)
        self._data_end = data_end
        if size:
            if not hmac.compare_digest(MerkleLog._subtree(self, 0, size), root):
                raise fail("ログのハッシュが HEAD の根と一致しません",
                           f"stored hashes do not give the committed root of size {size}", str(self.directory))
            last = _sha256(b"\x00" + self.entry(size - 1)).digest()
            if not hmac.compare_digest(last, self.read(0, size - 1, size)):
                raise fail("最後のエントリのハッシュが一致しません",
                           f"entry {size - 1} does not hash to its stored leaf hash", f"entry {size - 1}")
        if self.repaired:
            fsync_dir_fd(self._dir_fd)

    # --- the HashStore protocol ------------------------------------------------------------
    def committed_size(self) -> int:
        return self._committed

    def count(self, level: int) -> int:
        return self._counts[level] if level < len(self._counts) else 0

    def read(self, level: int, start: int, end: int) -> bytes:
        if not 0 <= start <= end <= self.count(level):
            raise fail("保存されていないハッシュです", f"hashes {start}..{end} of level {level} are not stored")
        name = self._level_name(level)
        return _pread_exact(self._fd(name), (end - start) * HASH_SIZE, start * HASH_SIZE, name)

    def append(self, level: int, hashes: bytes) -> None:
        if level >= MAX_LEVELS:
            raise fail("木が高すぎます", f"level {level} is beyond 63")
        name = self._level_name(level)
        _write_all(self._fd(name), hashes)
        self._dirty.add(name)
        while len(self._counts) <= level:
            self._counts.append(0)
        self._counts[level] += len(hashes) // HASH_SIZE

    def append_entries(self, entries: Sequence[bytes]) -> None:
        offsets, end = [], self._data_end
        for e in entries:
            end += len(e)
            offsets.append(end.to_bytes(8, "big"))
        _write_all(self._fd("entries"), b"".join(entries))
        _write_all(self._fd("entries.idx"), b"".join(offsets))
        self._data_end = end
        self._dirty.update(("entries", "entries.idx"))

    def entry(self, index: int) -> bytes:
        idx = self._fd("entries.idx")
        if index == 0:
            start = 0
            end = int.from_bytes(_pread_exact(idx, 8, 0, "entries.idx"), "big")
        else:
            both = _pread_exact(idx, 16, 8 * (index - 1), "entries.idx")
            start, end = int.from_bytes(both[:8], "big"), int.from_bytes(both[8:], "big")
        if not start <= end <= self._data_end or end - start > MAX_ENTRY_SIZE:
            raise fail("エントリの索引が壊れています", f"entries.idx: bad offsets for entry {index}", f"entry {index}")
        return _pread_exact(self._fd("entries"), end - start, start, "entries")

    def commit(self, size: int, root: bytes) -> None:
        for name in sorted(self._dirty):
            os.fsync(self._fd(name))
        self._dirty.clear()
        write_bytes_atomic(self.directory / "HEAD", f"{_HEAD_MAGIC}\n{size}\n{b64encode(root)}\n".encode("ascii"))
        self._committed = size

    def rollback(self) -> None:
        self._dirty.clear()
        self._recover()

    def close(self) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()
        if self._lock_fd >= 0:  # closing the lock file releases the lock
            os.close(self._lock_fd)
            self._lock_fd = -1
        if self._dir_fd >= 0:
            os.close(self._dir_fd)
            self._dir_fd = -1


def fsync_dir_fd(fd: int) -> None:
    try:
        os.fsync(fd)
    except OSError:
        pass


class MerkleLog:
    """An append-only log of opaque entries and its RFC 9162 Merkle tree.

    ``root(size)``, ``inclusion_proof(index, size)``, ``consistency_proof(old, new)`` work for any
    size up to the current one; ``size`` defaults to the current size.
    """

    def __init__(self, store: HashStore | None = None) -> None:
        self.store: HashStore = store if store is not None else MemoryHashStore()
        self._size = self.store.committed_size()

    @classmethod
    def open(cls, directory: Path | str, *, create: bool = True) -> "MerkleLog":
        """The log kept in ``directory`` (a `FileHashStore`), created empty if missing."""
        return cls(FileHashStore(directory, create=create))

    def __enter__(self) -> "MerkleLog":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    @property
    def size(self) -> int:
        """The number of entries."""
        return self._size

    def __len__(self) -> int:
        return self._size

    # --- appending --------------------------------------------------------------------------
    def append(self, entry: bytes) -> int:
        """Append one entry; its index."""
        return self.append_many([entry])

    def append_many(self, entries: Iterable[bytes]) -> int:
        """Append entries in order, durably as one batch; the index of the first one."""
        first = self._size
        batch: list[bytes] = []
        try:
            for entry in entries:
                if type(entry) is not bytes:
                    if not isinstance(entry, (bytearray, memoryview)):
                        raise fail("エントリがバイト列ではありません",
                                   f"entry {first + len(batch)} is {type(entry).__name__}, not bytes",
                                   f"entry {first + len(batch)}")
                    entry = bytes(entry)
                if len(entry) > MAX_ENTRY_SIZE:
                    raise fail("エントリが 65535 バイトを超えています",
                               f"entry {first + len(batch)} has {len(entry)} bytes, at most 65535",
                               f"entry {first + len(batch)}")
                batch.append(entry)
                if len(batch) == _BATCH:
                    self._extend(batch)
                    batch = []
            if batch:
                self._extend(batch)
            if self._size != first:
                self.store.commit(self._size, self._subtree(self.store, 0, self._size))
        except BaseException:
            self.store.rollback()
            self._size = self.store.committed_size()
            raise
        return first

    def _extend(self, entries: list[bytes]) -> None:
        store = self.store
        if self._size + len(entries) > (1 << MAX_LEVELS) - 1:
            raise fail("ログが大きすぎます", "the log would exceed 2^64-1 entries")
        store.append_entries(entries)
        sha = _sha256
        store.append(0, b"".join([sha(b"\x00" + e).digest() for e in entries]))
        self._size += len(entries)
        level = 0
        while True:
            want, have = store.count(level) // 2, store.count(level + 1)
            if want <= have:
                break
            data = store.read(level, 2 * have, 2 * want)
            store.append(level + 1, b"".join([sha(b"\x01" + data[i:i + 64]).digest()
                                              for i in range(0, len(data), 64)]))
            level += 1

    def check(self) -> None:
        """Recompute every stored hash from the entries up and compare (O(n): an audit, not part
        of opening, which checks only the committed root and the last entry)."""
        store, sha, n = self.store, _sha256, self._size
        for start in range(0, n, _BATCH):
            end = min(n, start + _BATCH)
            computed = b"".join([sha(b"\x00" + store.entry(i)).digest() for i in range(start, end)])
            self._compare(store.read(0, start, end), computed, 0, start)
        level = 0
        while n >> (level + 1):
            count = n >> (level + 1)
            for start in range(0, count, _BATCH):
                end = min(count, start + _BATCH)
                below = store.read(level, 2 * start, 2 * end)
                computed = b"".join([sha(b"\x01" + below[i:i + 64]).digest() for i in range(0, len(below), 64)])
                self._compare(store.read(level + 1, start, end), computed, level + 1, start)
            level += 1

    @staticmethod
    def _compare(stored: bytes, computed: bytes, level: int, start: int) -> None:
        if stored == computed:
            return
        bad = start + next(i for i in range(0, len(computed), HASH_SIZE)
                           if stored[i:i + HASH_SIZE] != computed[i:i + HASH_SIZE]) // HASH_SIZE
        where = f"entry {bad}" if level == 0 else f"level {level} hash {bad}"
        raise fail("保存されたハッシュが再計算と一致しません", f"stored hash does not match its recomputation: {where}",
                   where)

    # --- reading ----------------------------------------------------------------------------
    def _check_size(self, size: int | None) -> int:
        if size is None:
            return self._size
        check_count(size, "size")
        if size > self._size:
            raise fail("ログはまだその大きさになっていません", f"size {size} is beyond the log's size {self._size}")
        return size

    @staticmethod
    def _subtree(store: HashStore, start: int, end: int) -> bytes:
        n = end - start
        if n <= 0:
            return EMPTY_ROOT
        if n & (n - 1) == 0 and start % n == 0:
            level = n.bit_length() - 1
            return store.read(level, start >> level, (start >> level) + 1)
        k = largest_power_of_two_below(n)
        return node_hash(MerkleLog._subtree(store, start, start + k), MerkleLog._subtree(store, start + k, end))

    def subtree_hash(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]); O(log n) for the aligned ranges roots, proofs and tiles need."""
        check_count(start, "start")
        check_count(end, "end")
        if not start < end <= self._size:
            raise fail("範囲がログの外です", f"range {start}..{end} is not inside the log of size {self._size}")
        return self._subtree(self.store, start, end)

    def root(self, size: int | None = None) -> bytes:
        """The root hash of the tree of the first ``size`` entries (the empty root for 0)."""
        size = self._check_size(size)
        return self._subtree(self.store, 0, size) if size else EMPTY_ROOT

    def entry(self, index: int) -> bytes:
        """Entry number ``index``."""
        check_count(index, "index")
        if index >= self._size:
            raise fail("そのエントリはありません", f"no entry {index} in a log of size {self._size}", f"entry {index}")
        return self.store.entry(index)

    def leaf_hash_at(self, index: int) -> bytes:
        """The leaf hash of entry ``index``."""
        check_count(index, "index")
        if index >= self._size:
            raise fail("そのエントリはありません", f"no entry {index} in a log of size {self._size}", f"entry {index}")
        return self.store.read(0, index, index + 1)

    def hashes(self, level: int, start: int, end: int) -> bytes:
        """Stored hashes ``start``..``end`` of ``level`` (MTH of 2^level leaves each), back to back."""
        check_count(level, "level")
        check_count(start, "start")
        check_count(end, "end")
        if level >= MAX_LEVELS or not start <= end <= self._size >> level:
            raise fail("保存されていないハッシュです", f"hashes {start}..{end} of level {level} are not in the log")
        return self.store.read(level, start, end)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """The RFC 9162 inclusion proof of entry ``index`` in the tree of ``size`` entries."""
        size = self._check_size(size)
        return inclusion_path(index, size, lambda a, b: self._subtree(self.store, a, b))

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """The RFC 9162 consistency proof from the tree of ``old_size`` to that of ``new_size``."""
        new_size = self._check_size(new_size)
        return consistency_path(old_size, new_size, lambda a, b: self._subtree(self.store, a, b))


Log = MerkleLog
"""The short name."""
