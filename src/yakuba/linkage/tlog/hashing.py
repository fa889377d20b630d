"""Merkle tree hashing of RFC 9162 §2.1 (the same as RFC 6962 §2.1, with SHA-256). Pure: no Django.

- ``leaf_hash(entry) = SHA-256(0x00 || entry)``
- ``node_hash(left, right) = SHA-256(0x01 || left || right)``
- ``MTH({}) = SHA-256()``; ``MTH({d0}) = leaf_hash(d0)``; for n > 1, with k the largest power of
  two smaller than n, ``MTH(D[n]) = node_hash(MTH(D[0:k]), MTH(D[k:n]))``.

:func:`root_of` is that definition written out, recursion and all, over leaf hashes: the reference
the stored tree (:mod:`.tree`) and the tiles (:mod:`.tiles`) are checked against. It is O(n); the
log itself never calls it, it keeps the hashes of complete subtrees instead.
"""

from __future__ import annotations

import hashlib
from typing import Sequence

from yakuba.linkage.tlog._common import fail

__all__ = ["HASH_SIZE", "EMPTY_ROOT", "leaf_hash", "node_hash", "root_of", "largest_power_of_two_below"]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""The root of the empty tree: SHA-256 of the empty string (e3b0c442…)."""

_sha256 = hashlib.sha256


def leaf_hash(entry: bytes) -> bytes:
    """The hash of one log entry: SHA-256(0x00 || entry)."""
    if not isinstance(entry, (bytes, bytearray, memoryview)):
        raise fail("エントリがバイト列ではありません", f"an entry must be bytes, not {type(entry).__name__}")
    return _sha256(b"\x00" + bytes(entry)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node: SHA-256(0x01 || left || right)."""
    for name, value in (("left", left), ("right", right)):
        if not isinstance(value, (bytes, bytearray)) or len(value) != HASH_SIZE:
            raise fail("ハッシュの長さが 32 バイトではありません", f"{name} child is not a 32-byte hash")
    return _sha256(b"\x01" + bytes(left) + bytes(right)).digest()


def largest_power_of_two_below(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n >= 2): RFC 9162's split point k."""
    if n < 2:
        raise fail("分割できない大きさです", f"no power of two below {n}")
    return 1 << ((n - 1).bit_length() - 1)


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH over the given leaf hashes, by the recursive definition of RFC 9162 §2.1.1."""
    hashes = list(leaf_hashes)
    for i, h in enumerate(hashes):
        if not isinstance(h, (bytes, bytearray)) or len(h) != HASH_SIZE:
            raise fail("葉のハッシュが 32 バイトではありません", f"leaf hash {i} is not 32 bytes", f"leaf {i}")
    if not hashes:
        return EMPTY_ROOT

    def mth(start: int, end: int) -> bytes:
        n = end - start
        if n == 1:
            return bytes(hashes[start])
        k = largest_power_of_two_below(n)
        return _sha256(b"\x01" + mth(start, start + k) + mth(start + k, end)).digest()

    return mth(0, len(hashes))
