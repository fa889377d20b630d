from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from yakuba.privacy._common import public_key_text
from yakuba.privacy.errors import TamperedError
from yakuba.privacy.package import MemoryLedger, create_package, open_package
from yakuba.privacy.receipt import issue_receipt, verify_receipt
from pyrage import x25519


@pytest.fixture
def accepted(tmp_path: Path):  # type: ignore[no-untyped-def]
    vendor, city = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    identity = x25519.Identity.generate()
    src = tmp_path / "a.csv"
    src.write_text("受付番号\nT-0001\n", encoding="utf-8")
    pkg = tmp_path / "p.yakuba"
    (tmp_path / "out").mkdir()
    sent = create_package(pkg, [("a.csv", src)], sender="vendor-x", recipient="city-x", sequence=1, purpose="試験",
                          signing_key=vendor, recipient_key=str(identity.to_public()))
    got = open_package(pkg, tmp_path / "out", identity=identity, trusted_senders={"vendor-x": public_key_text(vendor.public_key())},
                       expected_recipient="city-x", ledger=MemoryLedger())
    return sent, got, city


def test_it_round_trips_and_matches_the_sent_manifest(accepted) -> None:  # type: ignore[no-untyped-def]
    sent, got, city = accepted
    data = issue_receipt(got, accepted_by="staff-1", signing_key=city)
    receipt = verify_receipt(data, public_key_text(city.public_key()), manifest=sent)
    assert receipt.package_id == sent.package_id and receipt.sequence == 1 and receipt.file_count == 1


def test_it_refuses_another_signer(accepted) -> None:  # type: ignore[no-untyped-def]
    sent, got, city = accepted
    data = issue_receipt(got, accepted_by="staff-1", signing_key=Ed25519PrivateKey.generate())
    with pytest.raises(TamperedError):
        verify_receipt(data, public_key_text(city.public_key()), manifest=sent)


@pytest.mark.parametrize("index", [10, 60, 120, -20])
def test_it_refuses_any_changed_byte(accepted, index: int) -> None:  # type: ignore[no-untyped-def]
    sent, got, city = accepted
    data = bytearray(issue_receipt(got, accepted_by="staff-1", signing_key=city))
    data[index] = ord("x") if data[index] != ord("x") else ord("y")
    with pytest.raises(TamperedError):
        verify_receipt(bytes(data), public_key_text(city.public_key()), manifest=sent)
