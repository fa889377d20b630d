"""erase_file: overwrite once with zeros, delete, and say whether the file is gone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from yakuba.privacy.erasure import erase_file


def test_it_overwrites_then_deletes_a_regular_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "scan.enc"
    path.write_bytes(b"synthetic secret" * 5000)
    seen: list[bytes] = []
    real_unlink = Path.unlink

    def spy(self: Path, missing_ok: bool = False) -> None:
        seen.append(self.read_bytes())
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", spy)
    assert erase_file(path) is True
    assert not path.exists()
    assert seen == [bytes(16 * 5000)]  # zeros, same length, just before the unlink


def test_it_deletes_a_link_not_its_target(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.write_bytes(b"keep me")
    (tmp_path / "link").symlink_to(target)
    assert erase_file(tmp_path / "link") is True
    assert target.read_bytes() == b"keep me"


def test_it_says_a_missing_file_is_gone(tmp_path: Path) -> None:
    assert erase_file(tmp_path / "never-was") is True


def test_it_leaves_a_directory_alone(tmp_path: Path) -> None:
    assert erase_file(tmp_path) is False
    assert os.path.isdir(tmp_path)
