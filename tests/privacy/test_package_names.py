"""Hand-over packages: names that could escape the destination are refused at create and at verify."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.privacy.conftest import CITY, VENDOR, Parties
from yakuba.privacy import package as package_module
from yakuba.privacy.errors import PrivacyError, TamperedError
from yakuba.privacy.package import check_file_name, create_package, open_package, verify_package

BAD = ["../etc/passwd", "/etc/passwd", "a/../../b", "a//b", "./a", "a/", "", "C:evil", "a\\..\\b",
       "bell\x07", "a/./b", "x" * 256]
GOOD = ["a.pdf", "scans/申請書 0001.pdf", "..hidden", "a..b", "日本語/ファイル.csv", "x" * 255]


@pytest.mark.parametrize("name", BAD)
def test_it_refuses_unsafe_names(name: str) -> None:
    assert check_file_name(name) is not None


@pytest.mark.parametrize("name", GOOD)
def test_it_accepts_ordinary_names(name: str) -> None:
    assert check_file_name(name) is None


@pytest.mark.parametrize("name", ["../escape.txt", "/abs.txt"])
def test_it_refuses_a_traversal_name_at_create(parties: Parties, tmp_path: Path, name: str) -> None:
    (tmp_path / "f").write_bytes(b"synthetic")
    with pytest.raises(PrivacyError, match="パッケージに入れられません") as caught:
        create_package(
            tmp_path / "p.age", [(name, tmp_path / "f")], sender=VENDOR, recipient=CITY, sequence=1,
            purpose="x", signing_key=parties.vendor.signing_key(),
            recipient_key=parties.city.age_recipient(),
        )
    assert caught.value.where == name
    assert not (tmp_path / "p.age").exists()


def test_it_refuses_a_traversal_name_at_verify(
    parties: Parties, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sender whose software lets a bad name through, and signs it: the city still refuses."""
    (tmp_path / "f").write_bytes(b"synthetic")
    monkeypatch.setattr(package_module, "check_file_name", lambda name: None)
    create_package(
        tmp_path / "p.age", [("../../escape.txt", tmp_path / "f")], sender=VENDOR, recipient=CITY,
        sequence=1, purpose="x", signing_key=parties.vendor.signing_key(),
        recipient_key=parties.city.age_recipient(),
    )
    monkeypatch.undo()
    with pytest.raises(TamperedError, match="使えません") as caught:
        verify_package(tmp_path / "p.age", **parties.verify_args())
    assert caught.value.where == "files/../../escape.txt"
    (tmp_path / "in").mkdir()
    with pytest.raises(TamperedError):
        open_package(tmp_path / "p.age", tmp_path / "in", **parties.verify_args())
    assert list((tmp_path / "in").iterdir()) == []
    assert not (tmp_path / "escape.txt").exists()


@pytest.mark.parametrize(
    "names",
    [["a.csv", "A.CSV"], ["batch", "batch/x.csv"], ["batch/x.csv", "Batch"], ["caf\u00e9", "cafe\u0301"]],
)
def test_it_refuses_names_that_clash(parties: Parties, tmp_path: Path, names: list[str]) -> None:
    (tmp_path / "f").write_bytes(b"synthetic")
    with pytest.raises(PrivacyError, match="重複") as caught:
        create_package(
            tmp_path / "p.age", [(n, tmp_path / "f") for n in names], sender=VENDOR, recipient=CITY,
            sequence=1, purpose="x", signing_key=parties.vendor.signing_key(),
            recipient_key=parties.city.age_recipient(),
        )
    assert caught.value.where == names[1]
