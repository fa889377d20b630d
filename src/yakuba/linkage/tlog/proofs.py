"""Inclusion and consistency proofs of RFC 9162 §2.1.3 and §2.1.4: making and checking them. Pure: no Django.

Checking (§2.1.3.2, §2.1.4.2) is the RFC's algorithm step for step; it raises `LogError` on any
failure and returns nothing otherwise. Making (§2.1.3.1 PATH, §2.1.4.1 PROOF/SUBPROOF) is written
against a ``subtree(start, end)`` function giving MTH(D[start:end]), so the same code serves the
stored tree (:class:`.tree.MerkleLog`) and a folder of tiles (:class:`.tiles.TileReader`); the
ranges asked for are always aligned (``start`` a multiple of a power of two at least ``end −
start``), which is what makes them cheap there.

Edge cases, all refused: an index at or past the tree size; an old size larger than the new one;
an old size of 0 (RFC 9162 defines consistency only for ``0 < first``: every tree extends the
empty one, there is nothing to prove); equal sizes with a non-empty proof or different roots;
proof elements, leaf hashes and roots that are not 32 bytes; a proof too short or too long.
Note what an inclusion proof alone does not show: the tree size. Two sizes whose proofs take the
same left/right steps accept the same proof; a signed checkpoint binds the size to the root.
"""

from __future__ import annotations

import hmac
from typing import Callable, Sequence

from yakuba.linkage.tlog._common import check_count, fail
from yakuba.linkage.tlog.hashing import HASH_SIZE, largest_power_of_two_below, node_hash

__all__ = ["Subtree", "inclusion_path", "consistency_path", "root_from_inclusion", "verify_inclusion",
           "verify_consistency"]

Subtree = Callable[[int, int], bytes]
"""``subtree(start, end)`` → MTH(D[start:end]) of the tree a proof is made from."""


def _hash(value: object, what: str) -> bytes:
    if not isinstance(value, (bytes, bytearray)) or len(value) != HASH_SIZE:
        raise fail(f"{what} が 32 バイトのハッシュではありません", f"{what} is not a 32-byte hash", what)
    return bytes(value)


def _proof(proof: Sequence[bytes]) -> list[bytes]:
    if isinstance(proof, (bytes, bytearray, str)):
        raise fail("証明はハッシュの並びでなければなりません", "a proof is a sequence of hashes, not one string")
    return [_hash(p, f"proof[{i}]") for i, p in enumerate(proof)]


def inclusion_path(index: int, size: int, subtree: Subtree) -> list[bytes]:
    """PATH(index, D[size]) of RFC 9162 §2.1.3.1: the sibling hashes from the leaf up to the root."""
    check_count(index, "index")
    check_count(size, "size")
    if index >= size:
        raise fail("葉の番号が木の大きさ以上です", f"leaf index {index} is not below tree size {size}")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = largest_power_of_two_below(end - start)
        if index < start + k:
            path.append(subtree(start + k, end))
            end = start + k
        else:
            path.append(subtree(start, start + k))
            start += k
    path.reverse()
    return path


def consistency_path(old_size: int, new_size: int, subtree: Subtree) -> list[bytes]:
    """PROOF(old_size, D[new_size]) of RFC 9162 §2.1.4.1 (empty for equal sizes)."""
    check_count(old_size, "old size")
    check_count(new_size, "new size")
    if old_size > new_size:
        raise fail("古い木が新しい木より大きいです", f"old size {old_size} is larger than new size {new_size}")
    if old_size == 0:
        raise fail("大きさ 0 の木からの整合性証明はありません",
                   "no consistency proof from the empty tree (RFC 9162 needs 0 < old size)")
    path: list[bytes] = []
    start, end, m, whole = 0, new_size, old_size, True
    while True:
        n = end - start
        if m == n:
            if not whole:
                path.append(subtree(start, end))
            break
        k = largest_power_of_two_below(n)
        if m <= k:
            path.append(subtree(start + k, end))
            end = start + k
        else:
            path.append(subtree(start, start + k))
            start, m, whole = start + k, m - k, False
    path.reverse()
    return path


def _step(fn: int, sn: int) -> tuple[bool, int, int]:
    """One turn of the loops of RFC 9162 §2.1.3.2 step 4 and §2.1.4.2 step 6: whether the next proof
    node lies on the left (the caller hashes it in), then fn and sn as the turn leaves them."""
    if fn & 1 or fn == sn:
        if not fn & 1:
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        return True, fn >> 1, sn >> 1
    return False, fn >> 1, sn >> 1


def root_from_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """The root that ``proof`` leads to from ``leaf_hash`` at ``index`` in a tree of ``size``
    (RFC 9162 §2.1.3.2 steps 1–5, without the final comparison)."""
    r = _hash(leaf_hash, "leaf hash")
    check_count(index, "index")
    check_count(size, "size")
    path = _proof(proof)
    if index >= size:
        raise fail("葉の番号が木の大きさ以上です", f"leaf index {index} is not below tree size {size}")
    fn, sn = index, size - 1
    for p in path:
        if sn == 0:
            raise fail("包含証明が長すぎます", f"inclusion proof too long for index {index} in size {size}")
        left, fn, sn = _step(fn, sn)
        r = node_hash(p, r) if left else node_hash(r, p)
    if sn != 0:
        raise fail("包含証明が短すぎます", f"inclusion proof too short for index {index} in size {size}")
    return r


def verify_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> None:
    """Check that the leaf ``leaf_hash`` is number ``index`` of the tree of ``size`` with ``root``
    (RFC 9162 §2.1.3.2); raise `LogError` when it is not."""
    expected = _hash(root, "root hash")
    got = root_from_inclusion(leaf_hash, index, size, proof)
    if not hmac.compare_digest(got, expected):
        raise fail("包含証明が根のハッシュと一致しません",
                   f"inclusion proof of leaf {index} does not lead to the root of size {size}")


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                       proof: Sequence[bytes]) -> None:
    """Check that the tree of ``new_size`` with ``new_root`` extends the one of ``old_size`` with
    ``old_root`` (RFC 9162 §2.1.4.2); raise `LogError` when it does not."""
    check_count(old_size, "old size")
    check_count(new_size, "new size")
    first, second = _hash(old_root, "old root"), _hash(new_root, "new root")
    path = _proof(proof)
    if old_size > new_size:
        raise fail("古い木が新しい木より大きいです", f"old size {old_size} is larger than new size {new_size}")
    if old_size == 0:
        raise fail("大きさ 0 の木との整合性は証明できません",
                   "no consistency proof from the empty tree (RFC 9162 needs 0 < old size)")
    if old_size == new_size:
        if path:
            raise fail("同じ大きさの木の整合性証明は空でなければなりません",
                       f"consistency proof between equal sizes {old_size} must be empty")
        if not hmac.compare_digest(first, second):
            raise fail("同じ大きさの木の根が異なります", f"two different roots for tree size {old_size}")
        return
    if not path:  # step 1
        raise fail("整合性証明が空です", f"empty consistency proof from size {old_size} to {new_size}")
    if old_size & (old_size - 1) == 0:  # step 2: old size is a power of two
        path.insert(0, first)
    fn, sn = old_size - 1, new_size - 1  # step 3
    while fn & 1:  # step 4
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]  # step 5
    for c in path[1:]:  # step 6
        if sn == 0:
            raise fail("整合性証明が長すぎます", f"consistency proof too long from size {old_size} to {new_size}")
        left, fn, sn = _step(fn, sn)
        if left:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
        else:
            sr = node_hash(sr, c)
    # step 7
    if sn != 0:
        raise fail("整合性証明が短すぎます", f"consistency proof too short from size {old_size} to {new_size}")
    if not hmac.compare_digest(fr, first):
        raise fail("整合性証明が古い根と一致しません",
                   f"consistency proof does not lead to the old root of size {old_size}")
    if not hmac.compare_digest(sr, second):
        raise fail("整合性証明が新しい根と一致しません",
                   f"consistency proof does not lead to the new root of size {new_size}")
