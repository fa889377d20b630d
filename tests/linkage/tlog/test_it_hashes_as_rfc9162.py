"""The Merkle tree hashes of RFC 9162 §2.1: published vectors, and the log against independent MTHs."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as st

from yakuba.linkage.errors import LogError
from yakuba.linkage.tlog import EMPTY_ROOT, MerkleLog, leaf_hash, node_hash, root_of

from .vectors import LEAVES, NODES, ROOTS


def naive_mth(entries: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1 over the entries themselves, written from the RFC text."""
    n = len(entries)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + entries[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + naive_mth(entries[:k]) + naive_mth(entries[k:])).digest()


def pairwise_mth(hashes: list[bytes]) -> bytes:
    """Another way to the same root: pair neighbours level by level, carry an odd one up unchanged."""
    if not hashes:
        return hashlib.sha256(b"").digest()
    while len(hashes) > 1:
        nxt = [hashlib.sha256(b"\x01" + hashes[i] + hashes[i + 1]).digest() for i in range(0, len(hashes) - 1, 2)]
        if len(hashes) % 2:
            nxt.append(hashes[-1])
        hashes = nxt
    return hashes[0]


def test_it_works() -> None:
    log = MerkleLog()
    log.append_many(LEAVES)
    assert [log.root(n) for n in range(9)] == ROOTS
    assert root_of([leaf_hash(e) for e in LEAVES]) == ROOTS[8]


def test_the_empty_tree_is_the_hash_of_nothing() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert root_of([]) == EMPTY_ROOT == MerkleLog().root()


def test_leaves_and_nodes_have_their_prefixes() -> None:
    assert leaf_hash(b"") == ROOTS[1]
    assert node_hash(leaf_hash(LEAVES[0]), leaf_hash(LEAVES[1])) == ROOTS[2]
    for level, hashes in enumerate(NODES):
        for i, h in enumerate(hashes):
            assert root_of([leaf_hash(e) for e in LEAVES[i << level:(i + 1) << level]]) == h


def test_every_stored_subtree_is_the_published_node() -> None:
    log = MerkleLog()
    log.append_many(LEAVES)
    for level, hashes in enumerate(NODES):
        assert log.hashes(level, 0, len(hashes)) == b"".join(hashes)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=40), max_size=300), st.data())
def test_every_root_agrees_with_two_independent_mths(entries: list[bytes], data: st.DataObject) -> None:
    log = MerkleLog()
    # appended in random batches: the incremental levels must not depend on how the batches fall
    i = 0
    while i < len(entries):
        step = data.draw(st.integers(1, 40))
        log.append_many(entries[i:i + step])
        i += step
    size = data.draw(st.integers(0, len(entries)))
    leaves = [leaf_hash(e) for e in entries[:size]]
    assert log.root(size) == naive_mth(entries[:size]) == pairwise_mth(leaves) == root_of(leaves)


def test_bad_input_is_a_log_error() -> None:
    with pytest.raises(LogError):
        leaf_hash("text")  # type: ignore[arg-type]
    with pytest.raises(LogError):
        node_hash(b"short", EMPTY_ROOT)
    with pytest.raises(LogError) as info:
        root_of([EMPTY_ROOT, b"x" * 31])
    assert info.value.where == "leaf 1"
    log = MerkleLog()
    with pytest.raises(LogError):
        log.append("text")  # type: ignore[arg-type]
    with pytest.raises(LogError, match="65535"):
        log.append(b"x" * 65536)
    assert log.append(b"x" * 65535) == 0
    with pytest.raises(LogError):
        log.root(2)
    with pytest.raises(LogError):
        log.entry(1)


def test_it_imports_no_django() -> None:
    code = ("import sys; import yakuba.linkage.tlog; "
            "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; print(bad); "
            "sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
