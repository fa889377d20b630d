"""Hand-over packages, recipient mode: signed manifest, age encryption, verified round trip."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.privacy.conftest import CITY, VENDOR, Parties
from tests.privacy.helpers import read_members
from yakuba.privacy.errors import PrivacyError
from yakuba.privacy.package import (
    Manifest,
    MemoryLedger,
    create_package,
    open_package,
    recipient_fingerprint,
    verify_package,
)

FORM = "保育園入園申請書 (synthetic)\n".encode() * 500
CSV = "申請番号,基準点\nA-0001,20\n".encode()


@pytest.fixture
def sources(tmp_path: Path) -> list[tuple[str, Path]]:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "form.pdf").write_bytes(FORM)
    (tmp_path / "src" / "records.csv").write_bytes(CSV)
    return [("scans/申請書-0001.pdf", tmp_path / "src" / "form.pdf"),
            ("records.csv", tmp_path / "src" / "records.csv")]


def _create(
    parties: Parties, out: Path, sources: list[tuple[str, Path]], **kw: object
) -> Manifest:
    args: dict[str, object] = dict(
        sender=VENDOR, recipient=CITY, sequence=1, purpose="入園申請 第1回 納品",
        signing_key=parties.vendor.signing_key(), recipient_key=parties.city.age_recipient(),
    )
    args.update(kw)
    return create_package(out, sources, **args)


def test_it_round_trips(parties: Parties, tmp_path: Path, sources: list[tuple[str, Path]]) -> None:
    made = _create(parties, tmp_path / "delivery.age", sources)
    checked = verify_package(tmp_path / "delivery.age", **parties.verify_args())
    assert checked == made
    assert [(f.path, f.size, f.sha256) for f in checked.files] == [
        ("scans/申請書-0001.pdf", len(FORM), hashlib.sha256(FORM).hexdigest()),
        ("records.csv", len(CSV), hashlib.sha256(CSV).hexdigest()),
    ]
    assert checked.sender == VENDOR and checked.recipient == CITY and checked.sequence == 1
    assert checked.recipient_key == recipient_fingerprint(parties.city.age_recipient())
    assert checked.created.endswith("+09:00")
    (tmp_path / "in").mkdir()
    opened = open_package(tmp_path / "delivery.age", tmp_path / "in", **parties.verify_args())
    assert opened == made
    assert (tmp_path / "in" / "scans" / "申請書-0001.pdf").read_bytes() == FORM
    assert (tmp_path / "in" / "records.csv").read_bytes() == CSV
    assert sorted(p.name for p in (tmp_path / "in").iterdir()) == ["records.csv", "scans"]


def test_it_is_an_age_file_holding_a_tar_with_manifest_signature_then_files(
    parties: Parties, tmp_path: Path, sources: list[tuple[str, Path]]
) -> None:
    manifest = _create(parties, tmp_path / "p.age", sources)
    raw = (tmp_path / "p.age").read_bytes()
    assert raw.startswith(b"age-encryption.org/v1\n-> X25519 ")
    assert b"A-0001" not in raw and "申請書".encode() not in raw
    members = read_members(tmp_path / "p.age", parties.city.age_identity())
    names = [name for name, _ in members]
    assert names == ["manifest.json", "manifest.sig", "files/scans/申請書-0001.pdf", "files/records.csv"]
    assert members[0][1] == manifest.to_json()
    sig = json.loads(members[1][1])
    assert sig["algorithm"] == "Ed25519" and sig["key_id"] == parties.vendor.public_key_id()


def test_it_leaves_no_plaintext_file_behind_while_creating(
    parties: Parties, tmp_path: Path, sources: list[tuple[str, Path]]
) -> None:
    (tmp_path / "out").mkdir()
    _create(parties, tmp_path / "out" / "p.age", sources)
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["p.age"]


def test_it_refuses_bad_arguments_at_creation(
    parties: Parties, tmp_path: Path, sources: list[tuple[str, Path]]
) -> None:
    with pytest.raises(PrivacyError, match="どちらか一方"):
        _create(parties, tmp_path / "p.age", sources, passphrase="x")
    with pytest.raises(PrivacyError, match="age1"):
        _create(parties, tmp_path / "p.age", sources, recipient_key="ssh-ed25519 AAAA")
    with pytest.raises(PrivacyError, match="sequence"):
        _create(parties, tmp_path / "p.age", sources, sequence=0)
    with pytest.raises(PrivacyError, match="重複"):
        _create(parties, tmp_path / "p.age", [sources[1], ("RECORDS.csv", sources[1][1])])
    with pytest.raises(PrivacyError, match="読めません"):
        _create(parties, tmp_path / "p.age", [("x.pdf", tmp_path / "missing.pdf")])
    assert not (tmp_path / "p.age").exists()


def test_a_ledger_remembers_what_the_caller_records(
    parties: Parties, tmp_path: Path, sources: list[tuple[str, Path]]
) -> None:
    ledger = MemoryLedger()
    manifest = _create(parties, tmp_path / "p.age", sources, sequence=4)
    ledger.record(manifest)
    assert ledger.seen(manifest.package_id)
    assert ledger.last_sequence(VENDOR, CITY) == 4
    assert ledger.last_sequence(CITY, VENDOR) is None
