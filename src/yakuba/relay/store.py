"""The relay's store: every upload in its own folder under `store_dir`, written atomically.

Layout (nothing is written outside `store_dir`)::

    store_dir/uploads/<id>/index.json    the upload's state (see `UploadRecord`)
    store_dir/uploads/<id>/content.part  bytes received so far (status `receiving`)
    store_dir/uploads/<id>/content       the complete, verified file
    store_dir/uploads/<id>/result        the bank's result file (status `done`)

`index.json` and `result` are replaced atomically (`yakuba.files.write_bytes_atomic`: temporary
file, fsync, rename, fsync of the folder). A chunk is written at its offset and fsynced *before*
the index records the new offset, so after a crash the index never claims more than the disk
holds; the next chunk overwrites whatever lies beyond the recorded offset. Pure: no Django.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import threading
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from pathlib import Path

from yakuba.files import fsync_dir, write_bytes_atomic
from yakuba.relay.errors import RelayError

RECEIVING, RECEIVED, PROCESSING, DONE, FAILED = "receiving", "received", "processing", "done", "failed"
STATUSES = (RECEIVING, RECEIVED, PROCESSING, DONE, FAILED)
ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")
SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class UploadRecord:
    """The state of one upload, as kept in its `index.json`."""

    id: str
    sender: str
    name: str
    size: int
    sha256: str
    offset: int = 0
    status: str = RECEIVING
    reason: str = ""
    created: str = ""
    updated: str = ""
    result_size: int | None = None
    result_sha256: str | None = None

    def public(self) -> dict[str, object]:
        """What the sender sees (everything but the sender's own name)."""
        doc = asdict(self)
        doc.pop("sender")
        return doc


class OffsetMismatch(Exception):
    """A chunk did not start at the received offset (or the upload is no longer receiving)."""

    def __init__(self, record: UploadRecord) -> None:
        super().__init__(record.offset)
        self.record = record


class Store:
    """Uploads under `store_dir/uploads`; thread-safe. Indexes are loaded from disk on creation."""

    def __init__(self, store_dir: Path) -> None:
        self.root = Path(store_dir) / "uploads"
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._lock = threading.Lock()
        self._upload_locks: dict[str, threading.Lock] = {}
        self._records: dict[str, UploadRecord] = {}
        self._load()

    # --- reading ------------------------------------------------------------------------------------

    def _load(self) -> None:
        names = {f.name for f in fields(UploadRecord)}
        for index in sorted(self.root.glob("*/index.json")):
            try:
                doc = json.loads(index.read_text(encoding="utf-8"))
                record = UploadRecord(**{k: v for k, v in doc.items() if k in names})
            except (ValueError, TypeError) as exc:
                raise RelayError(f"送信の記録が壊れています (corrupt upload index): {index}: {exc}") from exc
            if record.status == RECEIVING:  # never claim more than the disk holds
                part = self.folder(record.id) / "content.part"
                held = part.stat().st_size if part.exists() else 0
                record.offset = min(record.offset, held)
            self._records[record.id] = record

    def folder(self, upload_id: str) -> Path:
        return self.root / upload_id

    def get(self, upload_id: str) -> UploadRecord | None:
        with self._lock:
            record = self._records.get(upload_id)
            return UploadRecord(**asdict(record)) if record else None

    def all(self) -> list[UploadRecord]:
        with self._lock:
            return [UploadRecord(**asdict(r)) for r in self._records.values()]

    def content(self, upload_id: str) -> bytes:
        return (self.folder(upload_id) / "content").read_bytes()

    def result(self, upload_id: str) -> bytes:
        return (self.folder(upload_id) / "result").read_bytes()

    # --- writing ------------------------------------------------------------------------------------

    def _save(self, record: UploadRecord) -> None:
        record.updated = now()
        data = json.dumps(asdict(record), ensure_ascii=False, indent=1).encode("utf-8")
        write_bytes_atomic(self.folder(record.id) / "index.json", data)
        self._records[record.id] = UploadRecord(**asdict(record))

    def _upload_lock(self, upload_id: str) -> threading.Lock:
        with self._lock:
            return self._upload_locks.setdefault(upload_id, threading.Lock())

    def create(self, sender: str, name: str, size: int, sha256: str) -> tuple[UploadRecord, str]:
        """A new upload, or the sender's existing one of the same content.

        Returns `(record, kind)`, kind being `new`, `resume` (same content still receiving) or
        `duplicate` (same content already received: it is not forwarded again).
        """
        with self._lock:
            matches = sorted((r for r in self._records.values()
                              if r.sender == sender and r.sha256 == sha256 and r.status != FAILED),
                             key=lambda r: r.created)
            if matches:
                existing = UploadRecord(**asdict(matches[-1]))
                return existing, ("resume" if existing.status == RECEIVING else "duplicate")
            record = UploadRecord(id=secrets.token_hex(16), sender=sender, name=name, size=size, sha256=sha256,
                                  created=now())
            self.folder(record.id).mkdir(mode=0o700)
            fsync_dir(self.root)
            self._save(record)
            return UploadRecord(**asdict(record)), "new"

    def write_chunk(self, upload_id: str, offset: int, data: bytes) -> UploadRecord:
        """Write `data` at `offset` (which must be the received offset); verify when complete.

        Raises `OffsetMismatch` when the offset is not the received one or the upload is no
        longer receiving. When the last byte arrives, the sha256 is checked: the status becomes
        `received`, or `failed` (the bytes are then deleted).
        """
        with self._upload_lock(upload_id):
            record = self.get(upload_id)
            assert record is not None
            if record.status != RECEIVING or offset != record.offset:
                raise OffsetMismatch(record)
            part = self.folder(upload_id) / "content.part"
            fd = os.open(part, os.O_WRONLY | os.O_CREAT, 0o600)
            try:
                written = 0
                while written < len(data):
                    written += os.pwrite(fd, data[written:], offset + written)
                os.ftruncate(fd, offset + len(data))
                os.fsync(fd)
            finally:
                os.close(fd)
            record.offset = offset + len(data)
            if record.offset == record.size:
                actual = sha256_file(part)
                if actual != record.sha256:
                    part.unlink()
                    record.status, record.reason = FAILED, f"sha256 mismatch: received {actual}"
                else:
                    os.replace(part, self.folder(upload_id) / "content")
                    fsync_dir(self.folder(upload_id))
                    record.status = RECEIVED
            with self._lock:
                self._save(record)
            return UploadRecord(**asdict(record))

    def set_status(self, upload_id: str, status: str, reason: str = "") -> UploadRecord:
        with self._upload_lock(upload_id), self._lock:
            record = UploadRecord(**asdict(self._records[upload_id]))
            record.status, record.reason = status, reason
            self._save(record)
            return UploadRecord(**asdict(record))

    def save_result(self, upload_id: str, data: bytes) -> UploadRecord:
        """Store the bank's result atomically, then mark the upload `done`."""
        with self._upload_lock(upload_id):
            write_bytes_atomic(self.folder(upload_id) / "result", data)
            with self._lock:
                record = UploadRecord(**asdict(self._records[upload_id]))
                record.status, record.reason = DONE, ""
                record.result_size, record.result_sha256 = len(data), hashlib.sha256(data).hexdigest()
                self._save(record)
                return UploadRecord(**asdict(record))
