from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest

from yakuba.relay.client import RelayClient
from yakuba.relay.testing import RelayHarness, running_relay


class CountingBank:
    """A bank hook of our own: the result is the request upper-cased; calls are counted."""

    def __init__(self) -> None:
        self.calls: list[bytes] = []
        self._lock = threading.Lock()

    def __call__(self, data: bytes) -> bytes:
        with self._lock:
            self.calls.append(data)
        return data.upper()


def wait_for(predicate: Callable[[], bool], timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def logged(caplog: pytest.LogCaptureFixture, *words: str) -> Callable[[], bool]:
    """A predicate: some `yakuba.relay` record contains all `words` (the server logs from its threads)."""
    return lambda: any(r.name == "yakuba.relay" and all(w in r.getMessage() for w in words) for r in list(caplog.records))


class DroppingClient(RelayClient):
    """Drops the connection in the middle of chunk number `drop_at` (0-based), `times` times."""

    def __init__(self, *args: object, drop_at: int, times: int = 1, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.drop_at, self.times, self.chunks = drop_at, times, 0

    def _put_chunk(self, upload_id: str, offset: int, chunk: bytes):  # type: ignore[no-untyped-def]
        if self.chunks == self.drop_at and self.times > 0:
            self.times -= 1
            conn = self._connection()
            conn.putrequest("PUT", f"/uploads/{upload_id}?offset={offset}")
            conn.putheader("Content-Length", str(len(chunk)))
            conn.endheaders()
            conn.send(chunk[: len(chunk) // 2])
            self.close()
            raise ConnectionResetError("dropped by the test")
        self.chunks += 1
        return super()._put_chunk(upload_id, offset, chunk)


@pytest.fixture
def bank() -> CountingBank:
    return CountingBank()


@pytest.fixture
def relay(tmp_path: Path, bank: CountingBank, caplog: pytest.LogCaptureFixture) -> Iterator[RelayHarness]:
    caplog.set_level(logging.INFO, logger="yakuba.relay")
    with running_relay(tmp_path, bank=bank, chunk_size=1024) as harness:
        yield harness


def payload(size: int) -> bytes:
    """Deterministic, fixed-width zengin-like records (120 bytes each), `size` bytes long."""
    line = b"2" + b"0001" + b"SUIDOU-KYOKU" + b" " * 100 + b"\r\n"
    line = line[:118] + b"\r\n"
    return (line * (size // len(line) + 1))[:size]
