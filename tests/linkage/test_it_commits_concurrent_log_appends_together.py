"""The hub's group commit: entries appended from many threads at once each get their own index, each is
at that index afterwards, and the log reopened holds them all (they were durable when `append` returned).
A batch that fails fails for every caller in it; the next batch works."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from yakuba.linkage.hub.core import GroupCommit
from yakuba.linkage.tlog import MerkleLog


def test_it_works(tmp_path: Path):
    log = MerkleLog.open(tmp_path / "log")
    commits = GroupCommit(log, threading.RLock())
    got: dict[bytes, int] = {}
    guard = threading.Lock()

    def writer(n: int) -> None:
        for i in range(25):
            entry = f"entry {n}-{i}".encode()
            index = commits.append(entry)
            with guard:
                got[entry] = index

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got.values()) == list(range(300)) and log.size == 300
    assert all(log.entry(index) == entry for entry, index in got.items())
    assert 1 <= commits.batches <= 300
    log.close()
    with MerkleLog.open(tmp_path / "log") as again:
        assert again.size == 300 and all(again.entry(index) == entry for entry, index in got.items())


def test_a_failed_batch_fails_each_of_its_callers(tmp_path: Path, monkeypatch):
    log = MerkleLog.open(tmp_path / "log")
    commits = GroupCommit(log, threading.RLock())

    def broken(entries):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    monkeypatch.setattr(log, "append_many", broken)
    with pytest.raises(OSError):
        commits.append(b"lost")
    monkeypatch.undo()
    assert commits.append(b"kept") == 0 and log.entry(0) == b"kept"
    log.close()
