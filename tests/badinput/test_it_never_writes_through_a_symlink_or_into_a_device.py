"""yakuba.files refuses an output that is a symbolic link or not a regular file, for every writer."""

from __future__ import annotations

import os

import pytest

from yakuba.files import UnsafeOutput, staged, write_bytes_atomic, write_new


def _writers():  # type: ignore[no-untyped-def]
    def with_staged(path):  # type: ignore[no-untyped-def]
        with staged(path) as out:
            out.file.write(b"new")
            out.commit()

    return [lambda p: write_bytes_atomic(p, b"new"), with_staged, lambda p: write_new(p, b"new")]


@pytest.mark.parametrize("writer", _writers(), ids=["write_atomic", "staged", "write_new"])
def test_it_works(tmp_path, writer) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "target"
    target.write_bytes(b"old")
    link = tmp_path / "link"
    link.symlink_to(target)
    with pytest.raises(UnsafeOutput):
        writer(link)
    assert link.is_symlink() and target.read_bytes() == b"old"
    with pytest.raises(UnsafeOutput):
        writer(tmp_path)  # a folder
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(UnsafeOutput):
        writer(fifo)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo", "link", "target"]


def test_it_refuses_a_device(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnsafeOutput) as caught:
        write_bytes_atomic(os.devnull, b"x")
    assert caught.value.exit_code == 1 and os.devnull in caught.value.message
