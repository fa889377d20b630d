"""open_package: moves files in place only after every check; never overwrites what is there."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.privacy.conftest import CITY, VENDOR, Parties
from yakuba.privacy.errors import PrivacyError, ReplayError
from yakuba.privacy.package import MemoryLedger, create_package, open_package


@pytest.fixture
def package(parties: Parties, tmp_path: Path) -> Path:
    (tmp_path / "f.csv").write_bytes(b"synthetic,1\n")
    create_package(
        tmp_path / "p.age", [("batch/f.csv", tmp_path / "f.csv"), ("g.csv", tmp_path / "f.csv")],
        sender=VENDOR, recipient=CITY, sequence=3, purpose="x",
        signing_key=parties.vendor.signing_key(), recipient_key=parties.city.age_recipient(),
    )
    return tmp_path / "p.age"


def test_it_refuses_to_overwrite_a_name_already_in_the_destination(
    parties: Parties, package: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "in"
    (dest / "batch").mkdir(parents=True)
    with pytest.raises(PrivacyError, match="既に batch があります"):
        open_package(package, dest, **parties.verify_args())
    assert [p.name for p in dest.iterdir()] == ["batch"]
    assert list((dest / "batch").iterdir()) == []


def test_a_replayed_package_leaves_nothing(parties: Parties, package: Path, tmp_path: Path) -> None:
    ledger = MemoryLedger(sequences={(VENDOR, CITY): 3})
    (tmp_path / "in").mkdir()
    with pytest.raises(ReplayError):
        open_package(package, tmp_path / "in", **parties.verify_args(ledger))
    assert list((tmp_path / "in").iterdir()) == []


def test_it_needs_an_existing_destination(parties: Parties, package: Path, tmp_path: Path) -> None:
    with pytest.raises(PrivacyError, match="展開先のフォルダ"):
        open_package(package, tmp_path / "nowhere", **parties.verify_args())
