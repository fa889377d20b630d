"""Hand-over packages: tampering, forgery and misaddressing are refused, naming what failed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest

from tests.privacy.conftest import CITY, VENDOR, Parties
from tests.privacy.helpers import Members, repack
from yakuba.privacy.errors import TamperedError, WrongRecipientError
from yakuba.privacy.package import Manifest, create_package, open_package, verify_package

A = b"synthetic scan A " * 300
B = b"synthetic scan B " * 300


@pytest.fixture(scope="module")
def original(parties: Parties, tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("original")
    (base / "a.png").write_bytes(A)
    (base / "b.png").write_bytes(B)
    create_package(
        base / "p.age", [("a.png", base / "a.png"), ("b.png", base / "b.png")],
        sender=VENDOR, recipient=CITY, sequence=1, purpose="納品",
        signing_key=parties.vendor.signing_key(), recipient_key=parties.city.age_recipient(),
    )
    return base / "p.age"


def _refused(parties: Parties, path: Path, error: type[Exception], match: str) -> Exception:
    with pytest.raises(error, match=match) as caught:
        verify_package(path, **parties.verify_args())
    return caught.value


def _repack(
    parties: Parties, original: Path, tmp_path: Path, change: Callable[[Members], Members]
) -> Path:
    return repack(original, tmp_path / "x.age", parties.city.age_identity(),
                  parties.city.age_recipient(), change)


def test_the_untouched_package_passes(parties: Parties, original: Path) -> None:
    assert verify_package(original, **parties.verify_args()).sequence == 1


@pytest.mark.parametrize("from_end", [20, 1000, 3000])
def test_it_refuses_a_changed_ciphertext_byte(
    parties: Parties, original: Path, tmp_path: Path, from_end: int
) -> None:
    raw = bytearray(original.read_bytes())
    raw[-from_end] ^= 0x40
    (tmp_path / "x.age").write_bytes(bytes(raw))
    error = _refused(parties, tmp_path / "x.age", TamperedError, "暗号文が壊れているか改ざん")
    assert error.where == "x.age"


def test_it_refuses_a_cut_off_package(parties: Parties, original: Path, tmp_path: Path) -> None:
    (tmp_path / "x.age").write_bytes(original.read_bytes()[:-500])
    _refused(parties, tmp_path / "x.age", TamperedError, "x.age")


def test_it_refuses_a_manifest_changed_and_re_encrypted(
    parties: Parties, original: Path, tmp_path: Path
) -> None:
    def change(members: Members) -> Members:
        doc = json.loads(members[0][1])
        doc["purpose"] = "changed on the way"
        return [("manifest.json", json.dumps(doc).encode()), *members[1:]]

    error = _refused(parties, _repack(parties, original, tmp_path, change), TamperedError, "署名")
    assert error.where == "manifest.sig"


def test_it_refuses_a_manifest_signed_by_someone_else(
    parties: Parties, original: Path, tmp_path: Path
) -> None:
    (tmp_path / "a.png").write_bytes(A)
    create_package(
        tmp_path / "forged.age", [("a.png", tmp_path / "a.png")], sender=VENDOR, recipient=CITY,
        sequence=2, purpose="forged", signing_key=parties.stranger.signing_key(),
        recipient_key=parties.city.age_recipient(),
    )
    _refused(parties, tmp_path / "forged.age", TamperedError, f"送信元 {VENDOR} の鍵で検証できません")


def test_it_refuses_an_unknown_sender(parties: Parties, tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(A)
    create_package(
        tmp_path / "p.age", [("a.png", tmp_path / "a.png")], sender="V9999", recipient=CITY,
        sequence=1, purpose="x", signing_key=parties.stranger.signing_key(),
        recipient_key=parties.city.age_recipient(),
    )
    _refused(parties, tmp_path / "p.age", TamperedError, "V9999.*信頼された送信元")


def test_it_refuses_swapped_files(parties: Parties, original: Path, tmp_path: Path) -> None:
    def swap(members: Members) -> Members:
        (m, s, (a, da), (b, db)) = members
        return [m, s, (a, db), (b, da)]  # same sizes, contents exchanged

    error = _refused(parties, _repack(parties, original, tmp_path, swap), TamperedError, "ハッシュ値")
    assert error.where == "files/a.png"


def test_it_refuses_a_file_of_another_size(parties: Parties, original: Path, tmp_path: Path) -> None:
    def grow(members: Members) -> Members:
        return [*members[:3], (members[3][0], members[3][1] + b"!")]

    error = _refused(parties, _repack(parties, original, tmp_path, grow), TamperedError, "大きさ")
    assert error.where == "files/b.png"


def test_it_refuses_an_extra_file(parties: Parties, original: Path, tmp_path: Path) -> None:
    def add(members: Members) -> Members:
        return [*members, ("files/extra.exe", b"MZ synthetic")]

    error = _refused(parties, _repack(parties, original, tmp_path, add), TamperedError, "マニフェストにない")
    assert error.where == "files/extra.exe"


def test_it_refuses_a_missing_file(parties: Parties, original: Path, tmp_path: Path) -> None:
    error = _refused(parties, _repack(parties, original, tmp_path, lambda m: m[:3]), TamperedError, "ありません")
    assert error.where == "files/b.png"


def test_it_refuses_files_in_another_order(parties: Parties, original: Path, tmp_path: Path) -> None:
    def reorder(members: Members) -> Members:
        return [members[0], members[1], members[3], members[2]]

    _refused(parties, _repack(parties, original, tmp_path, reorder), TamperedError, "順序")


def test_it_refuses_a_package_without_its_signature(parties: Parties, original: Path, tmp_path: Path) -> None:
    error = _refused(
        parties, _repack(parties, original, tmp_path, lambda m: [m[0], *m[2:]]), TamperedError, "manifest.sig"
    )
    assert error.where == "manifest.sig"


def test_it_refuses_a_package_for_another_key(parties: Parties, original: Path) -> None:
    with pytest.raises(WrongRecipientError, match="当組織宛てではありません"):
        verify_package(original, **{**parties.verify_args(), "identity": parties.stranger.age_identity()})


def test_it_refuses_a_package_addressed_to_another_organisation(parties: Parties, tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(A)
    create_package(
        tmp_path / "p.age", [("a.png", tmp_path / "a.png")], sender=VENDOR, recipient="C0002",
        sequence=1, purpose="x", signing_key=parties.vendor.signing_key(),
        recipient_key=parties.city.age_recipient(),
    )
    error = _refused(parties, tmp_path / "p.age", WrongRecipientError, "C0002 宛て")
    assert error.where == "manifest.json:recipient"


def test_it_refuses_a_package_re_encrypted_to_another_key(
    parties: Parties, original: Path, tmp_path: Path
) -> None:
    """The city re-encrypts a genuine package to a third party: the signed key field tells."""
    forwarded = repack(original, tmp_path / "fwd.age", parties.city.age_identity(),
                       parties.stranger.age_recipient(), lambda m: m)
    with pytest.raises(WrongRecipientError, match="別の鍵"):
        verify_package(forwarded, **{**parties.verify_args(), "identity": parties.stranger.age_identity()})


def test_it_refuses_what_is_not_a_package(parties: Parties, tmp_path: Path) -> None:
    (tmp_path / "x.zip").write_bytes(b"PK\x03\x04 synthetic")
    _refused(parties, tmp_path / "x.zip", TamperedError, "形式ではありません")


def test_a_refused_package_leaves_nothing_in_the_destination(
    parties: Parties, original: Path, tmp_path: Path
) -> None:
    def grow(members: Members) -> Members:
        return [*members[:3], (members[3][0], members[3][1] + b"!")]

    bad = _repack(parties, original, tmp_path, grow)
    (tmp_path / "in").mkdir()
    with pytest.raises(TamperedError):
        open_package(bad, tmp_path / "in", **parties.verify_args())
    assert list((tmp_path / "in").iterdir()) == []


def test_manifest_parsing_names_the_bad_field() -> None:
    doc = {"format": "yakuba-package/1", "package_id": "not-a-uuid", "sender": "V", "recipient": "C",
           "recipient_key": "passphrase", "created": "2025-04-01T09:00:00+09:00", "sequence": 1,
           "purpose": "", "files": []}
    with pytest.raises(TamperedError, match="package_id") as caught:
        Manifest.from_json(json.dumps(doc).encode())
    assert caught.value.where == "manifest.json:package_id"
