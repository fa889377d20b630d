"""The durable store: a tail torn by a killed process is cut off on reopening; appends then continue."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from yakuba.linkage.errors import LogError
from yakuba.linkage.tlog import FileHashStore, MerkleLog, leaf_hash, root_of, verify_consistency, verify_inclusion

SRC = Path(__file__).resolve().parents[3] / "src"


def entries(start: int, stop: int) -> list[bytes]:
    return [b"staff read %06d " % i + bytes([i % 251]) * (i % 300) for i in range(start, stop)]


def test_it_works(tmp_path: Path) -> None:
    with MerkleLog.open(tmp_path / "log") as log:
        log.append_many(entries(0, 1000))
        root = log.root()
    # a killed writer: half a hash, half an index record, bytes of an entry no HEAD covers
    for name, junk in (("hashes.00", b"\x01" * 17), ("entries.idx", b"\x00" * 5), ("entries", b"torn")):
        with open(tmp_path / "log" / name, "ab") as f:
            f.write(junk)
    with MerkleLog.open(tmp_path / "log") as log:
        assert log.size == 1000 and log.root() == root
        assert sorted(r.split(":")[0] for r in log.store.repaired) == ["entries", "entries.idx", "hashes.00"]
        log.append_many(entries(1000, 1300))
        assert log.root() == root_of([leaf_hash(e) for e in entries(0, 1300)])
        assert log.entry(1299) == entries(1299, 1300)[0]
        verify_consistency(1000, 1300, root, log.root(), log.consistency_proof(1000))
    with MerkleLog.open(tmp_path / "log") as log:
        assert log.size == 1300 and log.store.repaired == []


def test_a_whole_uncommitted_batch_is_cut_off(tmp_path: Path) -> None:
    with MerkleLog.open(tmp_path / "log") as log:
        log.append_many(entries(0, 10))
        root = log.root()
    head = (tmp_path / "log" / "HEAD").read_bytes()
    with MerkleLog.open(tmp_path / "log") as log:
        log.append_many(entries(10, 700))
    (tmp_path / "log" / "HEAD").write_bytes(head)  # as if killed just before HEAD was replaced
    with MerkleLog.open(tmp_path / "log") as log:
        assert log.size == 10 and log.root() == root
        assert any(r.startswith("hashes.09") for r in log.store.repaired)  # level 9 existed only past HEAD
        log.append_many(entries(10, 20))
        assert log.root() == root_of([leaf_hash(e) for e in entries(0, 20)])


def test_a_first_batch_without_head_leaves_an_empty_log(tmp_path: Path) -> None:
    with MerkleLog.open(tmp_path / "log") as log:
        log.append_many(entries(0, 50))
    (tmp_path / "log" / "HEAD").unlink()
    with MerkleLog.open(tmp_path / "log") as log:
        assert log.size == 0 and log.store.repaired
        log.append(b"first")
        assert log.root() == leaf_hash(b"first")


def test_a_killed_writer_leaves_a_log_that_reopens_and_verifies(tmp_path: Path) -> None:
    child = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(SRC)!r})
        from yakuba.linkage.tlog import MerkleLog
        log = MerkleLog.open({str(tmp_path / 'log')!r})
        i = 0
        while True:
            n = 1 + i % 37
            log.append_many([b"staff read %06d " % j + bytes([j % 251]) * (j % 300) for j in range(i, i + n)])
            i += n
            if i > 300:
                print("going", flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "going"
        time.sleep(0.3)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    with MerkleLog.open(tmp_path / "log") as log:
        size = log.size
        assert size > 300
        expected = entries(0, size)
        assert [log.entry(i) for i in range(size)] == expected
        assert log.root() == root_of([leaf_hash(e) for e in expected])
        log.check()
        log.append_many(entries(size, size + 100))
        verify_inclusion(leaf_hash(log.entry(size + 50)), size + 50, size + 100, log.inclusion_proof(size + 50),
                         root_of([leaf_hash(e) for e in entries(0, size + 100)]))


def test_damage_inside_the_committed_log_is_refused_not_repaired(tmp_path: Path) -> None:
    with MerkleLog.open(tmp_path / "log") as log:
        log.append_many(entries(0, 100))
    level0 = tmp_path / "log" / "hashes.00"
    data = level0.read_bytes()
    level0.write_bytes(data[:-40])  # shorter than HEAD says: lost data, not a torn tail
    with pytest.raises(LogError, match="data lost"):
        MerkleLog.open(tmp_path / "log")
    level0.write_bytes(data[:32] + bytes([data[32] ^ 1]) + data[33:])  # a flipped bit
    with MerkleLog.open(tmp_path / "log") as log:  # opening checks the root and the last entry only
        with pytest.raises(LogError) as info:
            log.check()  # the audit recomputes everything
        assert info.value.where == "entry 1"
    level0.write_bytes(data[:-32] + bytes([data[-32] ^ 1]) + data[-31:])
    with pytest.raises(LogError):
        MerkleLog.open(tmp_path / "log")
    level0.write_bytes(data)
    (tmp_path / "log" / "HEAD").write_bytes(b"yakuba tlog store v1\n01\nAA==\n")
    with pytest.raises(LogError) as info:
        MerkleLog.open(tmp_path / "log")
    assert info.value.where == "HEAD line 2"


def test_it_never_writes_through_a_symbolic_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(LogError, match="symbolic link"):
        MerkleLog.open(tmp_path / "link")
    with MerkleLog.open(tmp_path / "log") as log:
        log.append(b"a")
    outside = tmp_path / "outside"
    outside.write_bytes(b"")
    (tmp_path / "log" / "hashes.01").symlink_to(outside)
    with pytest.raises(LogError, match="symbolic link"):
        MerkleLog.open(tmp_path / "log")  # seen on opening, before anything is written
    assert outside.read_bytes() == b""
    (tmp_path / "file").write_bytes(b"x")
    with pytest.raises(LogError, match="not a folder"):
        MerkleLog.open(tmp_path / "file")


def test_a_second_writer_is_kept_out(tmp_path: Path) -> None:
    with MerkleLog.open(tmp_path / "log"):
        with pytest.raises(LogError, match="another process"):
            FileHashStore(tmp_path / "log")
    with pytest.raises(LogError, match="not found"):
        MerkleLog.open(tmp_path / "missing", create=False)
