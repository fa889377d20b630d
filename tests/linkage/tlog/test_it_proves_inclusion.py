"""Inclusion proofs of RFC 9162 §2.1.3: made by the log, checked by the RFC's algorithm."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from yakuba.linkage.errors import LogError
from yakuba.linkage.tlog import EMPTY_ROOT, MerkleLog, leaf_hash, root_from_inclusion, root_of, verify_inclusion

from .vectors import INCLUSION, LEAVES, ROOTS
from .shapes import flip, walk

ENTRIES = [b"provision %d" % i for i in range(600)]  # distinct: no two leaves hash alike
LOG = MerkleLog()
LOG.append_many(ENTRIES)
LEAF_HASHES = [leaf_hash(e) for e in ENTRIES]



def steps(index: int, size: int, length: int) -> tuple[str, ...] | None:
    """The left/right hashing steps RFC 9162 §2.1.3.2 takes for a proof of ``length`` (None where
    it fails for its shape). Two (index, size) with the same steps accept the same proof."""
    if index >= size:
        return None
    turns = walk(index, size - 1, length, "p|r", "r|p")
    return None if turns is None else tuple(turns)


def test_it_works() -> None:
    proof = LOG.inclusion_proof(123, 600)
    verify_inclusion(LEAF_HASHES[123], 123, 600, proof, root_of(LEAF_HASHES))


def test_the_published_proofs() -> None:
    log = MerkleLog()
    log.append_many(LEAVES)
    for index, size, proof in INCLUSION:
        assert log.inclusion_proof(index, size) == proof
        verify_inclusion(leaf_hash(LEAVES[index]), index, size, proof, ROOTS[size])
        assert root_from_inclusion(leaf_hash(LEAVES[index]), index, size, proof) == ROOTS[size]


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 600).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))))
def test_proofs_verify_against_the_naive_root(size_index: tuple[int, int]) -> None:
    size, index = size_index
    verify_inclusion(LEAF_HASHES[index], index, size, LOG.inclusion_proof(index, size), root_of(LEAF_HASHES[:size]))


@settings(max_examples=80, deadline=None)
@given(st.integers(2, 600).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))), st.data())
def test_any_one_bit_change_fails(size_index: tuple[int, int], data: st.DataObject) -> None:
    size, index = size_index
    proof, root, leaf = LOG.inclusion_proof(index, size), LOG.root(size), LEAF_HASHES[index]
    for i in range(len(proof)):
        bit = data.draw(st.integers(0, 255))
        changed = proof[:i] + [flip(proof[i], bit)] + proof[i + 1:]
        with pytest.raises(LogError):
            verify_inclusion(leaf, index, size, changed, root)
    with pytest.raises(LogError):
        verify_inclusion(leaf, index, size, proof, flip(root, data.draw(st.integers(0, 255))))
    with pytest.raises(LogError):
        verify_inclusion(flip(leaf, data.draw(st.integers(0, 255))), index, size, proof, root)
    for bit in range(12):
        with pytest.raises(LogError):
            verify_inclusion(leaf, index ^ (1 << bit), size, proof, root)
    for bit in range(12):
        other = size ^ (1 << bit)
        if steps(index, other, len(proof)) == steps(index, size, len(proof)):
            # The proof alone does not fix the size: this size hashes in the same order. The real
            # tree of that size has another root, which the signed checkpoint pins.
            if other <= LOG.size:
                assert LOG.root(other) != root
            continue
        with pytest.raises(LogError):
            verify_inclusion(leaf, index, other, proof, root)


def test_a_proof_too_long_or_too_short_fails() -> None:
    proof, root = LOG.inclusion_proof(5, 100), LOG.root(100)
    with pytest.raises(LogError, match="too short"):
        verify_inclusion(LEAF_HASHES[5], 5, 100, proof[:-1], root)
    with pytest.raises(LogError, match="too long"):
        verify_inclusion(LEAF_HASHES[5], 5, 100, proof + [root], root)
    with pytest.raises(LogError):
        verify_inclusion(LEAF_HASHES[5], 5, 100, [root] + proof, root)


def test_the_edge_cases_are_refused() -> None:
    h = LEAF_HASHES[0]
    for index, size in [(0, 0), (1, 0), (2, 1), (1, 1)]:
        with pytest.raises(LogError):
            verify_inclusion(h, index, size, [], h)
    verify_inclusion(h, 0, 1, [], h)  # a one-leaf tree: its root is the leaf, the proof empty
    with pytest.raises(LogError):
        verify_inclusion(h, 0, 1, [], EMPTY_ROOT)
    with pytest.raises(LogError):
        verify_inclusion(b"", 0, 1, [], h)
    with pytest.raises(LogError):
        verify_inclusion(h, -1, 1, [], h)
    with pytest.raises(LogError):
        verify_inclusion(h, 0, 2, [b"x" * 31], h)
    with pytest.raises(LogError):
        verify_inclusion(h, 0, 2, b"x" * 32, h)  # type: ignore[arg-type]
    with pytest.raises(LogError):
        verify_inclusion(h, True, 2, [h], h)  # type: ignore[arg-type]
    with pytest.raises(LogError):
        LOG.inclusion_proof(600, 600)
    with pytest.raises(LogError):
        LOG.inclusion_proof(0, 601)
