"""Consistency proofs of RFC 9162 §2.1.4: made by the log, checked by the RFC's algorithm."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from yakuba.linkage.errors import LogError
from yakuba.linkage.tlog import EMPTY_ROOT, MerkleLog, leaf_hash, root_of, verify_consistency

from .vectors import CONSISTENCY, LEAVES, ROOTS
from .shapes import flip, walk

ENTRIES = [b"refusal %d" % i for i in range(600)]
LOG = MerkleLog()
LOG.append_many(ENTRIES)
LEAF_HASHES = [leaf_hash(e) for e in ENTRIES]



def steps(old: int, new: int, length: int) -> tuple[str, ...] | None:
    """The hashing steps RFC 9162 §2.1.4.2 takes for a proof of ``length`` (None where it fails
    for its shape): equal steps, equal results."""
    if not 0 < old < new or length == 0:
        return None
    n = length + (1 if old & (old - 1) == 0 else 0)
    out = ["pow2" if old & (old - 1) == 0 else "-"]
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    turns = walk(fn, sn, n - 1, "both", "second")
    return None if turns is None else tuple(out + turns)


def test_it_works() -> None:
    proof = LOG.consistency_proof(100, 600)
    verify_consistency(100, 600, root_of(LEAF_HASHES[:100]), root_of(LEAF_HASHES), proof)


def test_the_published_proofs() -> None:
    log = MerkleLog()
    log.append_many(LEAVES)
    for old, new, proof in CONSISTENCY:
        assert log.consistency_proof(old, new) == proof
        verify_consistency(old, new, ROOTS[old], ROOTS[new], proof)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 600).flatmap(lambda n: st.tuples(st.integers(1, n), st.just(n))))
def test_proofs_verify_against_naive_roots(sizes: tuple[int, int]) -> None:
    old, new = sizes
    verify_consistency(old, new, root_of(LEAF_HASHES[:old]), root_of(LEAF_HASHES[:new]),
                       LOG.consistency_proof(old, new))


@settings(max_examples=80, deadline=None)
@given(st.integers(2, 600).flatmap(lambda n: st.tuples(st.integers(1, n - 1), st.just(n))), st.data())
def test_any_one_bit_change_fails(sizes: tuple[int, int], data: st.DataObject) -> None:
    old, new = sizes
    proof, r1, r2 = LOG.consistency_proof(old, new), LOG.root(old), LOG.root(new)
    for i in range(len(proof)):
        changed = proof[:i] + [flip(proof[i], data.draw(st.integers(0, 255)))] + proof[i + 1:]
        with pytest.raises(LogError):
            verify_consistency(old, new, r1, r2, changed)
    with pytest.raises(LogError):
        verify_consistency(old, new, flip(r1, data.draw(st.integers(0, 255))), r2, proof)
    with pytest.raises(LogError):
        verify_consistency(old, new, r1, flip(r2, data.draw(st.integers(0, 255))), proof)
    with pytest.raises(LogError):
        verify_consistency(old, new, r2, r1, proof)
    for bit in range(12):
        for o, n in ((old ^ (1 << bit), new), (old, new ^ (1 << bit))):
            if steps(o, n, len(proof)) == steps(old, new, len(proof)):
                # Same hashing steps over the same hashes: the proof cannot tell these sizes apart;
                # the real trees of those sizes have other roots, pinned by signed checkpoints.
                if o != old and o <= LOG.size:
                    assert LOG.root(o) != r1
                if n != new and n <= LOG.size:
                    assert LOG.root(n) != r2
                continue
            with pytest.raises(LogError):
                verify_consistency(o, n, r1, r2, proof)


def test_the_edge_cases_are_refused() -> None:
    r5, r9 = LOG.root(5), LOG.root(9)
    with pytest.raises(LogError, match="larger"):
        verify_consistency(9, 5, r9, r5, LOG.consistency_proof(5, 9))
    with pytest.raises(LogError, match="empty tree"):
        verify_consistency(0, 5, EMPTY_ROOT, r5, [])
    with pytest.raises(LogError, match="empty tree"):
        verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    with pytest.raises(LogError, match="must be empty"):
        verify_consistency(5, 5, r5, r5, [r5])
    with pytest.raises(LogError, match="different roots"):
        verify_consistency(5, 5, r5, r9, [])
    verify_consistency(5, 5, r5, r5, [])
    with pytest.raises(LogError, match="empty consistency proof"):
        verify_consistency(5, 9, r5, r9, [])
    proof = LOG.consistency_proof(5, 9)
    with pytest.raises(LogError):
        verify_consistency(5, 9, r5, r9, proof + [r9])
    with pytest.raises(LogError):
        verify_consistency(5, 9, r5, r9, proof[:-1])
    with pytest.raises(LogError):
        verify_consistency(5, 9, r5, r9, [proof[0]] + proof)
    with pytest.raises(LogError):
        verify_consistency(5, 9, r5, b"short", proof)
    with pytest.raises(LogError):
        verify_consistency(5, 9.0, r5, r9, proof)  # type: ignore[arg-type]
    with pytest.raises(LogError):
        LOG.consistency_proof(0, 5)
    with pytest.raises(LogError):
        LOG.consistency_proof(6, 5)
    with pytest.raises(LogError):
        LOG.consistency_proof(5, 601)
    assert LOG.consistency_proof(7, 7) == []
