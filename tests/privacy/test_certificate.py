"""Erasure certificates: NIST SP 800-88 fields, signed, and any changed byte is refused."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from yakuba.privacy._common import canonical_json, public_key_text
from yakuba.privacy.erasure import ErasedItem, issue_certificate, verify_certificate
from yakuba.privacy.errors import CertificateError

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
ITEMS = [
    ErasedItem("scan-0001", "scan", "申請書スキャン 第1バッチ 1枚目", 182_044, "a" * 64),
    ErasedItem("scan-0002", "scan", "申請書スキャン 第1バッチ 2枚目", 179_321, "b" * 64),
]


def _issue(**overrides: object) -> bytes:
    args: dict[str, object] = {
        "operator": "委託先 責任者 (synthetic)",
        "organisation": "V0001 株式会社サンプル",
        "tool": "yakuba 0.1.0",
        "verification": "wrapped keys absent, files absent: 2/2 verified",
        "signing_key": KEY,
        "issued_at": dt.datetime(2025, 4, 1, 1, 30, tzinfo=dt.timezone.utc),
    }
    args.update(overrides)
    return issue_certificate(ITEMS, **args)  # type: ignore[arg-type]


CERT = _issue()


def test_it_round_trips() -> None:
    cert = verify_certificate(CERT, public_key_text(KEY.public_key()))
    assert cert.items == tuple(ITEMS)
    assert cert.count == 2
    assert cert.operator == "委託先 責任者 (synthetic)"
    assert cert.sanitization == "Purge"
    assert cert.method == "Cryptographic Erase (key destroyed) + file deletion"
    assert cert.issued_at == "2025-04-01T10:30:00+09:00"
    assert cert.issued == dt.datetime(2025, 4, 1, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    assert cert.signer_public_key == public_key_text(KEY.public_key())


def test_it_writes_canonical_utf8_json_with_the_nist_fields() -> None:
    doc = json.loads(CERT)
    assert canonical_json(doc) == CERT
    assert "申請書".encode() in CERT  # not \\u-escaped
    body = doc["certificate"]
    for name in ("certificate_id", "issued_at", "operator", "organisation", "media_type",
                 "sanitization", "method", "tool", "verification", "destination", "count",
                 "items", "signer"):
        assert name in body
    assert body["format"] == "yakuba-erasure-certificate/1"
    assert body["signer"]["key_id"] and body["signer"]["algorithm"] == "Ed25519"
    assert _issue() != CERT  # a new certificate id each time


def test_it_verifies_without_a_key_given_using_the_embedded_one() -> None:
    assert verify_certificate(CERT).count == 2


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_it_refuses_any_changed_byte(data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(CERT) - 1))
    value = data.draw(st.integers(0, 255).filter(lambda v: v != CERT[position]))
    altered = bytearray(CERT)
    altered[position] = value
    with pytest.raises(CertificateError):
        verify_certificate(bytes(altered), public_key_text(KEY.public_key()))


def test_it_refuses_a_signature_by_another_key() -> None:
    forged = _issue(signing_key=OTHER)
    with pytest.raises(CertificateError, match="指定された発行者の鍵"):
        verify_certificate(forged, public_key_text(KEY.public_key()))


def test_it_refuses_a_body_re_signed_by_another_key_under_the_first_name() -> None:
    doc = json.loads(CERT)
    doc["certificate"]["count"] = 2
    doc["certificate"]["items"][0]["object_id"] = "scan-9999"
    from yakuba.privacy._common import b64

    doc["signature"] = b64(OTHER.sign(canonical_json(doc["certificate"])))
    with pytest.raises(CertificateError, match="署名が正しくありません") as caught:
        verify_certificate(canonical_json(doc))
    assert caught.value.where == "signature"


def test_it_refuses_a_missing_field() -> None:
    doc = json.loads(CERT)
    del doc["certificate"]["verification"]
    with pytest.raises(CertificateError, match="verification") as caught:
        verify_certificate(canonical_json(doc))
    assert caught.value.where == "verification"


@pytest.mark.parametrize("data", [b"", b"{}", b"not json", b"\xff\xfe", b"[]", CERT + b"\n", b" " + CERT])
def test_it_refuses_garbled_data(data: bytes) -> None:
    with pytest.raises(CertificateError):
        verify_certificate(data)


def test_it_refuses_to_issue_without_items_or_with_bad_fields() -> None:
    with pytest.raises(CertificateError, match="消去対象がありません"):
        issue_certificate([], operator="o", organisation="g", tool="t", verification="v", signing_key=KEY)
    with pytest.raises(CertificateError, match="Clear / Purge / Destroy"):
        _issue(sanitization="Shred")
    with pytest.raises(CertificateError, match="operator"):
        _issue(operator=" ")
    bad = ErasedItem("scan-1", "scan", "", 1, "not-a-hash")
    with pytest.raises(CertificateError, match=r"items\[0\] の項目 cipher_sha256"):
        issue_certificate([bad], operator="o", organisation="g", tool="t", verification="v", signing_key=KEY)
