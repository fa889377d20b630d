"""Erasure and erasure certificates (データ消去と消去証明書).

An object stored encrypted (``envelope``) is erased by destroying its wrapped data key (暗号消去,
Cryptographic Erase — NIST SP 800-88 Rev.1 counts it as *Purge*) and deleting the file. The
certificate records what was erased, when, by whom, how and how it was verified, with the fields
of NIST SP 800-88 Rev.1 Appendix G ("Sample Certificate of Sanitization"), and is signed with the
installation's Ed25519 key so that anyone holding the public key can check it.

The certificate is canonical JSON (UTF-8, sorted keys, no whitespace), byte for byte: a verifier
re-serialises what it parsed and refuses any difference, so *any* changed byte — in the body or in
the signature — is refused. Format: ``docs/formats/erasure-certificate.md``.

Items name objects by id and kind; a description must not hold personal values (氏名・住所 …).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from yakuba.privacy._common import (
    b64,
    canonical_json,
    iso_jst,
    load_public_key,
    now_jst,
    overwrite_and_unlink,
    parse_signed_document,
    parse_iso,
    public_key_id,
    public_key_text,
    unb64_strict,
)
from yakuba.privacy.errors import CertificateError, KeyringError

__all__ = [
    "CERTIFICATE_FORMAT",
    "Certificate",
    "ErasedItem",
    "issue_certificate",
    "verify_certificate",
    "erase_file",
    "DEFAULT_METHOD",
]

CERTIFICATE_FORMAT = "yakuba-erasure-certificate/1"
DEFAULT_METHOD = "Cryptographic Erase (key destroyed) + file deletion"
DEFAULT_MEDIA_TYPE = "Electronic files encrypted at rest with per-object keys (AES-256-GCM)"
DEFAULT_DESTINATION = "Internal reuse (storage remains in service)"
SANITIZATION_TYPES = ("Clear", "Purge", "Destroy")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_TEXT_FIELDS = (
    "certificate_id",
    "issued_at",
    "operator",
    "organisation",
    "media_type",
    "sanitization",
    "method",
    "tool",
    "verification",
    "destination",
    "notes",
)


@dataclass(frozen=True)
class ErasedItem:
    """One erased object: its id, its kind (``scan``, ``attachment`` …), a description without
    personal values, its size and the SHA-256 of its encrypted file as it was stored."""

    object_id: str
    kind: str
    description: str
    size: int
    cipher_sha256: str

    def as_json(self) -> dict[str, object]:
        return {
            "object_id": self.object_id,
            "kind": self.kind,
            "description": self.description,
            "size": self.size,
            "cipher_sha256": self.cipher_sha256,
        }


@dataclass(frozen=True)
class Certificate:
    """A verified erasure certificate (消去証明書)."""

    certificate_id: str
    issued_at: str
    operator: str
    organisation: str
    media_type: str
    sanitization: str
    method: str
    tool: str
    verification: str
    destination: str
    notes: str
    items: tuple[ErasedItem, ...]
    signer_key_id: str
    signer_public_key: str

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def issued(self) -> dt.datetime:
        moment = parse_iso(self.issued_at)
        assert moment is not None  # checked by verify_certificate
        return moment


def _item_error(index: int, name: str) -> CertificateError:
    return CertificateError(
        f"消去証明書の items[{index}] の項目 {name} が正しくありません", where=f"items[{index}].{name}"
    )


def _check_item(index: int, item: ErasedItem) -> None:
    for name in ("object_id", "kind", "description"):
        value = getattr(item, name)
        if not isinstance(value, str) or (name != "description" and not value):
            raise _item_error(index, name)
    if not isinstance(item.size, int) or isinstance(item.size, bool) or item.size < 0:
        raise _item_error(index, "size")
    if not isinstance(item.cipher_sha256, str) or not _SHA256.match(item.cipher_sha256):
        raise _item_error(index, "cipher_sha256")


def issue_certificate(
    items: Iterable[ErasedItem],
    *,
    operator: str,
    organisation: str,
    method: str = DEFAULT_METHOD,
    sanitization: str = "Purge",
    tool: str,
    verification: str,
    signing_key: Ed25519PrivateKey,
    issued_at: dt.datetime | None = None,
    media_type: str = DEFAULT_MEDIA_TYPE,
    destination: str = DEFAULT_DESTINATION,
    notes: str = "",
) -> bytes:
    """Issue a signed certificate for ``items``; returns its bytes (canonical JSON, UTF-8).

    ``operator`` is the person who performed the erasure (氏名・役職), ``organisation`` their
    organisation, ``verification`` the verification method and its result (e.g. "key rows absent
    and files absent: verified 12/12").
    """
    items = tuple(items)
    if not items:
        raise CertificateError("消去証明書に記載する消去対象がありません", where="items")
    for index, item in enumerate(items):
        _check_item(index, item)
    if sanitization not in SANITIZATION_TYPES:
        raise CertificateError(
            f"消去の区分 {sanitization!r} は Clear / Purge / Destroy のいずれかにしてください",
            where="sanitization",
        )
    texts = {
        "operator": operator,
        "organisation": organisation,
        "method": method,
        "tool": tool,
        "verification": verification,
        "media_type": media_type,
        "destination": destination,
    }
    for name, value in texts.items():
        if not isinstance(value, str) or not value.strip():
            raise CertificateError(f"消去証明書の項目 {name} が空です", where=name)
    public = signing_key.public_key()
    body: dict[str, Any] = {
        "format": CERTIFICATE_FORMAT,
        "certificate_id": str(uuid.uuid4()),
        "issued_at": iso_jst(issued_at or now_jst()),
        **texts,
        "sanitization": sanitization,
        "notes": notes,
        "count": len(items),
        "items": [item.as_json() for item in items],
        "signer": {
            "algorithm": "Ed25519",
            "key_id": public_key_id(public),
            "public_key": public_key_text(public),
        },
    }
    signature = signing_key.sign(canonical_json(body))
    return canonical_json({"certificate": body, "signature": b64(signature)})


def _garbled(what: str, where: str) -> CertificateError:
    return CertificateError(f"消去証明書が壊れているか改ざんされています: {what}", where=where)


def verify_certificate(data: bytes, public_key_text: str | None = None) -> Certificate:
    """Check a certificate's form and signature; CertificateError names what is wrong.

    With ``public_key_text`` (the issuer's key, obtained separately) the certificate must be
    signed by that key. Without it, the embedded key is used: this proves the certificate is
    intact, not who issued it.
    """
    body, signature_text = parse_signed_document(data, "certificate", _garbled)
    if body.get("format") != CERTIFICATE_FORMAT:
        raise _garbled(f"形式 {body.get('format')!r} には対応していません", "format")
    required = {*_TEXT_FIELDS, "format", "count", "items", "signer"}
    for name in sorted(required):
        if name not in body:
            raise CertificateError(f"消去証明書に項目 {name} がありません", where=name)
    extra = sorted(set(body) - required)
    if extra:
        raise CertificateError(f"消去証明書に不明な項目 {extra[0]} があります", where=extra[0])

    signer = body["signer"]
    if not isinstance(signer, dict) or signer.get("algorithm") != "Ed25519":
        raise _garbled("署名者の情報が正しくありません", "signer")
    try:
        embedded = load_public_key(signer.get("public_key"))  # type: ignore[arg-type]
    except KeyringError:
        raise _garbled("署名者の公開鍵が正しくありません", "signer.public_key") from None
    if signer.get("key_id") != public_key_id(embedded) or set(signer) != {
        "algorithm",
        "key_id",
        "public_key",
    }:
        raise _garbled("署名者の鍵IDが公開鍵と一致しません", "signer.key_id")
    key = embedded
    if public_key_text is not None:
        key = load_public_key(public_key_text)
        raw = Encoding.Raw, PublicFormat.Raw
        if key.public_bytes(*raw) != embedded.public_bytes(*raw):
            raise CertificateError(
                "消去証明書は指定された発行者の鍵で署名されていません", where="signer",
                detail=f"signed by key {signer.get('key_id')}",
            )
    try:
        signature = unb64_strict(signature_text) if isinstance(signature_text, str) else b""
    except ValueError:
        signature = b""
    if len(signature) != 64:
        raise _garbled("署名の形式が正しくありません", "signature")
    try:
        key.verify(signature, canonical_json(body))
    except InvalidSignature:
        raise CertificateError(
            "消去証明書の署名が正しくありません (偽造または改ざん)", where="signature"
        ) from None

    # Signed and intact: check the content is well-formed too (an issuer's bug, not an attack).
    for name in _TEXT_FIELDS:
        if not isinstance(body[name], str):
            raise CertificateError(f"消去証明書の項目 {name} が正しくありません", where=name)
    if parse_iso(body["issued_at"]) is None:
        raise CertificateError("消去証明書の発行日時が正しくありません", where="issued_at")
    raw_items = body["items"]
    if not isinstance(raw_items, list) or not raw_items:
        raise CertificateError("消去証明書の items が正しくありません", where="items")
    items = []
    for index, raw_item in enumerate(raw_items):
        names = ("object_id", "kind", "description", "size", "cipher_sha256")
        if not isinstance(raw_item, dict) or set(raw_item) != set(names):
            raise CertificateError(f"消去証明書の items[{index}] が正しくありません", where=f"items[{index}]")
        item = ErasedItem(**{n: raw_item[n] for n in names})
        _check_item(index, item)
        items.append(item)
    if body["count"] != len(items) or isinstance(body["count"], bool):
        raise CertificateError("消去証明書の件数 count が items と一致しません", where="count")
    return Certificate(
        **{name: body[name] for name in _TEXT_FIELDS},
        items=tuple(items),
        signer_key_id=signer["key_id"],
        signer_public_key=signer["public_key"],
    )


def erase_file(path: Path) -> bool:
    """Delete a file, overwriting it once with zeros first when it is a regular file.

    Returns whether nothing is left at ``path`` (True also when it was already gone; False for a
    directory, which is left alone). On SSDs and copy-on-write file systems the overwrite is not
    guaranteed to reach the old blocks: the erasure that counts is the destroyed data key.
    """
    return overwrite_and_unlink(Path(path))
