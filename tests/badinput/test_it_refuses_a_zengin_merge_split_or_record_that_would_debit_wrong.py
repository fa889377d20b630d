"""`yakuba zengin`: merging the same part twice is refused (located), a split to a full disk
leaves no part, and CR or LF inside a record's filler is refused naming record, byte and field."""

from __future__ import annotations

import errno
import os

import pytest

from tests.badinput.helpers import yakuba
from tests.zengin.helpers import put, sample
from tests.zengin.test_simulate_split_merge import request
from yakuba.zengin.codec import check, parse
from yakuba.zengin.errors import ZenginError
from yakuba.zengin.split import merge, split_by_bank


def test_it_refuses_the_same_part_twice(tmp_path) -> None:  # type: ignore[no-untyped-def]
    parts = split_by_bank(request(12))
    first = next(iter(parts.values()))
    with pytest.raises(ZenginError) as caught:
        merge([first, *parts.values()])
    assert "part 1" in str(caught.value) and "record 2" in str(caught.value)
    (tmp_path / "a.txt").write_bytes(first)
    out = tmp_path / "merged.txt"
    ran = yakuba("zengin", "merge", str(tmp_path / "a.txt"), str(tmp_path / "a.txt"), "--out", str(out))
    assert ran.code == 1 and ran.one_line and "a.txt" in ran.err and "part 2" in ran.err, ran.err
    assert not out.exists()
    assert check(merge(parts)).data_records == check(request(12)).data_records  # a true split still merges


def test_it_leaves_no_part_when_the_disk_is_full(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "req.txt"
    source.write_bytes(request(12))
    real_fsync, calls = os.fsync, []

    def full_on_the_third(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_on_the_third)
    ran = yakuba("zengin", "split", str(source), "--out-dir", str(tmp_path / "parts"))
    assert ran.code == 1 and ran.one_line and not ran.crashed, ran.err
    assert list((tmp_path / "parts").iterdir()) == []
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert yakuba("zengin", "split", str(source), "--out-dir", str(tmp_path / "parts")).code == 0
    assert len(list((tmp_path / "parts").iterdir())) == 4


@pytest.mark.parametrize("newline", ["crlf", "none"])
@pytest.mark.parametrize("record, byte", [(2, 113), (2, 119), (2, 39), (5, 60), (10, 50)])
def test_it_refuses_cr_lf_inside_a_filler(newline, record, byte) -> None:  # type: ignore[no-untyped-def]
    data = put(sample(newline), record, byte, b"\r\n", newline)
    for read in (parse, check):
        with pytest.raises(ZenginError) as caught:
            read(data)
        e = caught.value
        assert (e.record, e.field) == (record, "filler") and f"at byte {byte}" in str(e), str(e)
