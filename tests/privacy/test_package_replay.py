"""Hand-over packages: a package accepted once, or an older one, is refused (ReplayError)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.privacy.conftest import CITY, VENDOR, Parties
from yakuba.privacy.errors import ReplayError
from yakuba.privacy.package import Manifest, MemoryLedger, create_package, verify_package


def _make(parties: Parties, tmp_path: Path, name: str, sequence: int) -> Path:
    (tmp_path / "f.csv").write_bytes(b"synthetic,1\n")
    create_package(
        tmp_path / name, [("f.csv", tmp_path / "f.csv")], sender=VENDOR, recipient=CITY,
        sequence=sequence, purpose="定期納品", signing_key=parties.vendor.signing_key(),
        recipient_key=parties.city.age_recipient(),
    )
    return tmp_path / name


def _accept(parties: Parties, path: Path, ledger: MemoryLedger) -> Manifest:
    manifest = verify_package(path, **parties.verify_args(ledger))
    ledger.record(manifest)  # the caller's job, in its transaction
    return manifest


def test_it_refuses_the_same_package_twice(parties: Parties, tmp_path: Path) -> None:
    ledger = MemoryLedger()
    first = _accept(parties, _make(parties, tmp_path, "p1.age", 1), ledger)
    with pytest.raises(ReplayError, match="既に受け入れ済み") as caught:
        verify_package(tmp_path / "p1.age", **parties.verify_args(ledger))
    assert first.package_id in caught.value.message


def test_it_refuses_a_lower_or_equal_sequence(parties: Parties, tmp_path: Path) -> None:
    ledger = MemoryLedger()
    _accept(parties, _make(parties, tmp_path, "p5.age", 5), ledger)
    for seq in (5, 3):
        with pytest.raises(ReplayError, match=f"通し番号 {seq} .* 5 以下") as caught:
            verify_package(_make(parties, tmp_path, f"q{seq}.age", seq), **parties.verify_args(ledger))
        assert caught.value.where == "manifest.json:sequence"


def test_it_accepts_the_next_sequence(parties: Parties, tmp_path: Path) -> None:
    ledger = MemoryLedger()
    _accept(parties, _make(parties, tmp_path, "p1.age", 1), ledger)
    assert _accept(parties, _make(parties, tmp_path, "p2.age", 2), ledger).sequence == 2
    assert ledger.last_sequence(VENDOR, CITY) == 2
