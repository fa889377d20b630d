"""Byte-stream plumbing for the hand-over package (private to ``yakuba.privacy``). Pure.

pyrage reads its input with ``read(n)`` and writes its output with ``write(b)``; tarfile reads
with ``read(n)``. These small adapters join the two without a file on disk:

- :class:`ChunkReader` — a ``read(n)`` view of an iterator of byte strings (the tar stream being
  produced, handed to pyrage to encrypt);
- :class:`Pipe` — a bounded pipe between two threads (pyrage decrypting into it, tarfile reading
  from it);
- :class:`Prefixed` — a stream with bytes already read from it put back in front (the sniffed
  header of a package that cannot seek back);
- :class:`CheckedWriter` — a writer that keeps the first failure of the stream it writes to
  (pyrage 1.4 drops the error of its last write: a full disk would pass unnoticed);
- :func:`blocks` — the blocks of a stream opened on demand, closed when done.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import BinaryIO, Callable, Iterator

CHUNK = 64 * 1024


class ChunkReader:
    """A ``read(n)`` file-like view of an iterator of byte strings (what pyrage reads from).

    An exception raised by the iterator is kept in ``error`` (pyrage turns it into its own) so
    that the caller can raise the original one.
    """

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = bytearray()
        self.error: BaseException | None = None

    def read(self, size: int = -1) -> bytes:
        try:
            while size < 0 or len(self._buffer) < size:
                chunk = next(self._chunks, None)
                if chunk is None:
                    break
                self._buffer += chunk
        except BaseException as exc:  # kept to re-raise after pyrage gives up
            self.error = exc
            raise OSError("package content failed") from exc
        if size < 0:
            size = len(self._buffer)
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        return out


class Pipe:
    """A bounded in-memory pipe between two threads: ``write`` blocks while ``limit`` bytes wait,
    ``read`` blocks until bytes or the end arrive. No file descriptors, no SIGPIPE."""

    def __init__(self, limit: int = 1 << 20) -> None:
        self._cond = threading.Condition()
        self._chunks: deque[bytes] = deque()
        self._waiting = 0
        self._limit = limit
        self._ended = False
        self._abandoned = False

    def write(self, data: bytes) -> int:
        data = bytes(data)
        with self._cond:
            while self._waiting >= self._limit and not self._abandoned:
                self._cond.wait()
            if self._abandoned:
                raise BrokenPipeError("the reader stopped")
            self._chunks.append(data)
            self._waiting += len(data)
            self._cond.notify_all()
        return len(data)

    def end(self) -> None:
        with self._cond:
            self._ended = True
            self._cond.notify_all()

    def read(self, size: int = -1) -> bytes:
        with self._cond:
            while not self._chunks and not self._ended:
                self._cond.wait()
            parts: list[bytes] = []
            got = 0
            while self._chunks and (size < 0 or got < size):
                chunk = self._chunks.popleft()
                if size >= 0 and got + len(chunk) > size:
                    self._chunks.appendleft(chunk[size - got :])
                    chunk = chunk[: size - got]
                parts.append(chunk)
                got += len(chunk)
            self._waiting -= got
            self._cond.notify_all()
            return b"".join(parts)

    def abandon(self) -> None:
        """The reader stops: drop what waits, and make further writes fail."""
        with self._cond:
            self._abandoned = True
            self._chunks.clear()
            self._waiting = 0
            self._cond.notify_all()


class Prefixed:
    """``head`` (bytes already read from ``rest``), then the rest of ``rest``: a stream that
    need not seek back to be read from its start."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if not self._head:
            return self._rest.read(size)
        if size is None or size < 0:
            out, self._head = self._head + self._rest.read(), b""
            return out
        out, self._head = self._head[:size], self._head[size:]
        return out


class CheckedWriter:
    """Writes to ``out``, remembering in ``error`` the first exception its ``write`` raised, so
    that the caller can raise it even when the code in between (pyrage) swallowed it."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self.error: BaseException | None = None

    def write(self, data: bytes) -> int:
        if self.error is not None:
            raise self.error
        try:
            written = self._out.write(data)
        except BaseException as exc:
            self.error = exc
            raise
        return len(data) if written is None else written


def blocks(open_stream: Callable[[], BinaryIO], chunk: int = CHUNK) -> Iterator[bytes]:
    """The blocks of the stream that ``open_stream()`` returns; the stream is closed at the end,
    or when the iterator is closed early."""
    stream = open_stream()
    try:
        while block := stream.read(chunk):
            yield bytes(block)
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()
