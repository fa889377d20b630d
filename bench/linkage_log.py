"""The provision log at a million entries: append and root in well under 5 s, an inclusion proof
checked in under 1 ms (linkage.tlog targets).

    .venv/bin/python bench/linkage_log.py [--entries 1000000] [--proofs 1000]

Builds ``--entries`` synthetic entries of about 200 bytes (distinct, random bytes), then in the
same process:

- ours: ``MerkleLog.append_many`` (in memory, and into a `FileHashStore` in a temp folder, fsync'd
  and committed), ``root()``, then a checkpoint signed and opened again (`sign_checkpoint`,
  `open_checkpoint`); then ``--proofs`` inclusion proofs made from the stored subtree hashes and
  checked with `verify_inclusion`;
- baseline: the leaf hashes and the root by the recursive definition (`hashing.root_of`, what a
  log keeping only its leaves would do), and inclusion proofs made by recursion over all leaves
  (RFC 9162 PATH computing each MTH from the leaves: O(n) a proof, so only a few are timed), and
  the roots of past sizes from the leaves (ours: from the stored subtree hashes).

Prints one table and the ratios baseline ÷ ours. Nothing here is a unit test.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

TARGET_APPEND_S = 5.0
TARGET_PROOF_MS = 1.0
ORIGIN = "yakuba.example/linkage/hub"


def synthetic(n: int) -> list[bytes]:
    pad = os.urandom(4096)
    rng = random.Random(14)
    out = []
    for i in range(n):
        start = rng.randrange(0, 4096 - 200)
        out.append(b"%010d " % i + pad[start:start + 160 + i % 70])
    return out


def naive_path(m: int, hashes: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1, every MTH computed from the leaves."""
    from yakuba.linkage.tlog.hashing import largest_power_of_two_below, root_of

    if len(hashes) == 1:
        return []
    k = largest_power_of_two_below(len(hashes))
    if m < k:
        return naive_path(m, hashes[:k]) + [root_of(hashes[k:])]
    return naive_path(m - k, hashes[k:]) + [root_of(hashes[:k])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000, help="entries to append (default 1,000,000)")
    parser.add_argument("--proofs", type=int, default=1000, help="inclusion proofs to check (default 1,000)")
    parser.add_argument("--baseline-proofs", type=int, default=3, help="naive proofs to time (each O(n))")
    args = parser.parse_args()
    if args.entries < 1 or args.proofs < 1:
        parser.error("--entries and --proofs must be at least 1")

    from yakuba.linkage.tlog import (Checkpoint, MerkleLog, Signer, leaf_hash, open_checkpoint, root_of,
                                     sign_checkpoint, verify_inclusion)

    entries = synthetic(args.entries)
    size = len(entries)
    mean = sum(map(len, entries)) / size
    print(f"{size:,} entries of {mean:.0f} bytes on average ({size * mean / 1e6:.0f} MB)")
    key = Signer.generate(ORIGIN)

    def ours(log: MerkleLog) -> tuple[float, float, bytes]:
        t0 = time.perf_counter()
        log.append_many(entries)
        root = log.root()
        t1 = time.perf_counter()
        note = sign_checkpoint(Checkpoint(ORIGIN, log.size, root), key)
        opened = open_checkpoint(note, key.verifier())
        assert opened.root_hash == root and opened.size == size
        return t1 - t0, time.perf_counter() - t0, root

    append_mem, total_mem, root = ours(mem := MerkleLog())
    with tempfile.TemporaryDirectory(prefix="yakuba-bench-tlog-") as tmp:
        with MerkleLog.open(Path(tmp) / "log") as disk:
            append_file, total_file, root_file = ours(disk)
    assert root_file == root

    t0 = time.perf_counter()
    leaves = [leaf_hash(e) for e in entries]
    naive_root = root_of(leaves)
    base_root_s = time.perf_counter() - t0
    assert naive_root == root, "the naive root differs from the log's"

    rng = random.Random(9)
    indexes = [rng.randrange(size) for _ in range(args.proofs)]
    t0 = time.perf_counter()
    proofs = [mem.inclusion_proof(i) for i in indexes]
    make_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i, proof in zip(indexes, proofs):
        verify_inclusion(leaves[i], i, size, proof, root)
    check_s = time.perf_counter() - t0

    few = indexes[:max(1, min(args.baseline_proofs, len(indexes)))]
    t0 = time.perf_counter()
    for i in few:
        naive = naive_path(i, leaves)
        assert naive == mem.inclusion_proof(i)
        verify_inclusion(leaves[i], i, size, naive, naive_root)
    base_proof_ms = (time.perf_counter() - t0) / len(few) * 1000

    sizes = [rng.randrange(1, size + 1) for _ in range(len(indexes))]
    t0 = time.perf_counter()
    for s in sizes:
        mem.root(s)
    past_ms = (time.perf_counter() - t0) / len(sizes) * 1000
    t0 = time.perf_counter()
    for s in sizes[:len(few)]:
        assert root_of(leaves[:s]) == mem.root(s)
    base_past_ms = (time.perf_counter() - t0) / len(few) * 1000

    ours_proof_ms = (make_s + check_s) / len(indexes) * 1000
    check_ms = check_s / len(indexes) * 1000
    rows = [
        ("append + root, memory store (s)", append_mem, base_root_s),
        ("append + root, file store, fsync'd (s)", append_file, base_root_s),
        ("… + sign and verify the checkpoint, memory (s)", total_mem, None),
        ("… + sign and verify the checkpoint, file (s)", total_file, None),
        (f"inclusion proof, make + check (ms, mean of {len(indexes)})", ours_proof_ms, base_proof_ms),
        (f"inclusion proof, check only (ms, mean of {len(indexes)})", check_ms, None),
        (f"root of a past size (ms, mean of {len(sizes)})", past_ms, base_past_ms),
    ]
    print(f"{'':52} {'ours':>10} {'baseline':>10} {'ratio':>8}")
    for name, value, base in rows:
        ratio = f"{base / value:7.0f}×" if base is not None and value > 0 else ""
        base_text = f"{base:10.3f}" if base is not None else ""
        print(f"{name:52} {value:10.3f} {base_text:>10} {ratio:>8}")
    print(f"baseline: root by recursion over all {size:,} leaf hashes (incl. hashing them); proofs by recursion "
          f"over all leaves and past roots from the leaves, {len(few)} of each timed")
    worst = max(total_mem, total_file)
    print(f"target: {size:,} appends + verified root < {TARGET_APPEND_S:.0f} s → "
          f"{'ok' if worst < TARGET_APPEND_S else 'MISSED'} ({worst:.2f} s, the slower store, checkpoint included)")
    print(f"target: inclusion proof check < {TARGET_PROOF_MS:.0f} ms → "
          f"{'ok' if check_ms < TARGET_PROOF_MS else 'MISSED'} ({check_ms:.3f} ms; {ours_proof_ms:.3f} ms with making it)")


if __name__ == "__main__":
    main()
