"""yakuba.files: a file is replaced whole or not at all, never through a link, nothing left behind."""

import os

import pytest

from yakuba.files import staged, write_atomic, write_bytes_atomic, write_new


def test_it_works(tmp_path):
    target = tmp_path / "result.csv"
    target.write_bytes(b"old")
    write_bytes_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert oct(target.stat().st_mode & 0o777) == oct(0o600)
    assert os.listdir(tmp_path) == ["result.csv"]


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path):
    target = tmp_path / "result.csv"
    target.write_bytes(b"old")

    def writer(f):
        f.write(b"half")
        raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError):
        write_atomic(target, writer)
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["result.csv"]


def test_a_replaced_file_can_keep_its_mode(tmp_path):
    target = tmp_path / "shared.csv"
    target.write_bytes(b"old")
    target.chmod(0o644)
    write_bytes_atomic(target, b"new", keep_mode=True)
    assert target.stat().st_mode & 0o777 == 0o644


def test_it_refuses_a_link_instead_of_writing_through_it_or_replacing_it(tmp_path):
    from yakuba.files import UnsafeOutput

    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(b"keep me")
    link = tmp_path / "out"
    link.symlink_to(elsewhere)
    with pytest.raises(UnsafeOutput):
        write_bytes_atomic(link, b"new")
    assert elsewhere.read_bytes() == b"keep me"
    assert link.is_symlink()


def test_a_staged_file_appears_only_when_committed(tmp_path):
    target = tmp_path / "object.enc"
    with staged(target) as out:
        out.file.write(b"cipher")
    assert os.listdir(tmp_path) == []
    with staged(target) as out:
        out.file.write(b"cipher")
        out.commit()
    assert target.read_bytes() == b"cipher"


def test_a_new_file_is_never_clobbered(tmp_path):
    target = tmp_path / "receipt.json"
    assert write_new(target, b"first") is True
    assert write_new(target, b"second") is False
    assert target.read_bytes() == b"first"
