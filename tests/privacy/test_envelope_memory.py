"""Envelope encryption streams: a ~32 MB object goes through in a few hundred KiB of memory."""

from __future__ import annotations

import hashlib
import io
import tracemalloc

from yakuba.privacy.envelope import decrypt_stream, encrypt_stream, new_data_key

SIZE = 32 * 1024 * 1024 + 12345
BLOCK = bytes(range(256)) * 256  # 64 KiB of synthetic data, repeated


class Generated(io.RawIOBase):
    """``SIZE`` bytes made up on the fly: the source never exists in memory as a whole."""

    def __init__(self) -> None:
        self.left = SIZE

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = min(self.left, len(BLOCK) if n < 0 else n)
        self.left -= n
        return BLOCK[:n] if n <= len(BLOCK) else (BLOCK * (n // len(BLOCK) + 1))[:n]


class Spool(io.RawIOBase):
    """Keeps encrypted bytes in a spooled temp file (disk), hashing what passes through."""

    def __init__(self) -> None:
        import tempfile

        self.file = tempfile.TemporaryFile()
        self.sha = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.sha.update(data)
        return self.file.write(data)


class Sink(io.RawIOBase):
    def __init__(self) -> None:
        self.sha = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.sha.update(data)
        self.size += len(data)
        return len(data)


def test_it_encrypts_and_decrypts_32_mb_in_under_4_mb() -> None:
    key = new_data_key()
    spool = Spool()
    sink = Sink()
    tracemalloc.start()
    try:
        sealed = encrypt_stream(Generated(), spool, key, "scan-big")  # type: ignore[arg-type]
        spool.file.seek(0)
        opened = decrypt_stream(spool.file, sink, key, "scan-big")  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        spool.file.close()
    assert peak < 4 * 1024 * 1024, peak
    assert sealed.plain_size == opened.plain_size == sink.size == SIZE
    assert sealed.cipher_sha256 == opened.cipher_sha256 == spool.sha.hexdigest()
    assert sealed.plain_sha256 == opened.plain_sha256 == sink.sha.hexdigest()
