"""Streams for the package tests: one that cannot seek and answers in short reads, one that can
only be written to."""

from __future__ import annotations

import io


class OneWay(io.RawIOBase):
    """A readable stream that cannot seek and returns at most ``step`` bytes a read (like a pipe)."""

    def __init__(self, data: bytes, step: int = 997) -> None:
        self._data = io.BytesIO(data)
        self._step = step

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def, override]
        view = memoryview(buffer)[: self._step]
        return self._data.readinto(view)


class WriteOnly:
    """Something with ``write`` and nothing else (no seek, no fileno, no name)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def getvalue(self) -> bytes:
        return b"".join(self.parts)
