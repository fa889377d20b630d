"""Receipts of accepted packages (受領書).

When the recipient has verified and opened a package it returns a receipt, signed with its own
Ed25519 key, naming the package, the SHA-256 of the exact manifest bytes it accepted, and when.
The sender checks the receipt against the recipient's public key and the manifest it sent; only
then is the hand-over complete (and, for the vendor, the scans may be erased).

Canonical JSON like the erasure certificate: ``{"receipt": {...}, "signature": "<base64>"}``;
any changed byte is refused. Format: ``docs/formats/receipt.md``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from yakuba.privacy._common import (
    b64,
    canonical_json,
    iso_jst,
    load_public_key,
    now_jst,
    parse_signed_document,
    public_key_id,
    unb64_strict,
)
from yakuba.privacy.errors import KeyringError, TamperedError
from yakuba.privacy.package import Manifest

__all__ = ["RECEIPT_FORMAT", "Receipt", "issue_receipt", "verify_receipt", "manifest_sha256"]

RECEIPT_FORMAT = "yakuba-receipt/1"
_FIELDS = ("format", "receipt_id", "package_id", "manifest_sha256", "sender", "recipient", "sequence",
           "file_count", "accepted_at", "accepted_by", "signer_key_id")


@dataclass(frozen=True)
class Receipt:
    receipt_id: str
    package_id: str
    manifest_sha256: str
    sender: str
    recipient: str
    sequence: int
    file_count: int
    accepted_at: str
    accepted_by: str
    signer_key_id: str


def manifest_sha256(manifest: Manifest) -> str:
    return hashlib.sha256(manifest.to_json()).hexdigest()


def issue_receipt(manifest: Manifest, *, accepted_by: str, signing_key: Ed25519PrivateKey,
                  accepted_at: dt.datetime | None = None) -> bytes:
    """The recipient's signed statement that it accepted exactly this manifest."""
    body: dict[str, Any] = {
        "format": RECEIPT_FORMAT,
        "receipt_id": str(uuid.uuid4()),
        "package_id": manifest.package_id,
        "manifest_sha256": manifest_sha256(manifest),
        "sender": manifest.sender,
        "recipient": manifest.recipient,
        "sequence": manifest.sequence,
        "file_count": len(manifest.files),
        "accepted_at": iso_jst(accepted_at or now_jst()),
        "accepted_by": accepted_by,
        "signer_key_id": public_key_id(signing_key.public_key()),
    }
    return canonical_json({"receipt": body, "signature": b64(signing_key.sign(canonical_json(body)))})


def _bad(what: str, where: str) -> TamperedError:
    return TamperedError(f"受領書が壊れているか改ざんされています: {what}", where=where)


def verify_receipt(data: bytes, public_key_text: str, *, manifest: Manifest | None = None) -> Receipt:
    """Check form and signature (by the recipient's key), and that it answers `manifest`."""
    body, signature_text = parse_signed_document(data, "receipt", _bad)
    if body.get("format") != RECEIPT_FORMAT:
        raise _bad(f"形式 {body.get('format')!r} には対応していません", "format")
    if set(body) != set(_FIELDS):
        missing = sorted(set(_FIELDS) - set(body)) or sorted(set(body) - set(_FIELDS))
        raise _bad(f"項目 {missing[0]} が欠けているか余分です", missing[0])
    try:
        key = load_public_key(public_key_text)
        signature = unb64_strict(signature_text) if isinstance(signature_text, str) else b""
    except (KeyringError, ValueError):
        raise _bad("署名または公開鍵が読めません", "signature") from None
    try:
        key.verify(signature, canonical_json(body))
    except InvalidSignature:
        raise _bad("署名が受領者の鍵と一致しません", "signature") from None
    receipt = Receipt(**{k: body[k] for k in _FIELDS if k != "format"})
    if manifest is not None:
        if receipt.package_id != manifest.package_id:
            raise _bad("別のパッケージの受領書です", "package_id")
        if receipt.manifest_sha256 != manifest_sha256(manifest):
            raise _bad("受領されたマニフェストが送付したものと異なります", "manifest_sha256")
    return receipt
