"""A disposal contractor's certificate, checked before it is recorded (issue #13 §8). Pure: no Django.

When a machine's storage is retired, the contractor who destroys it hands over its own
certificate (a PDF, a scan…). Recording it, the city states the SHA-256 the contractor printed on
its delivery note (or sent separately); the file must have that SHA-256. Where the contractor signs
its certificates (Ed25519, a *detached* signature over the file's bytes), the signature must verify
with the contractor's public key, registered once (``ed25519:<base64>``, the form of
``yakuba privacy public-key``).

A detached signature is accepted as the 64 raw bytes, as standard base64 of them or as 128 hex
digits (surrounding white space ignored). Anything else is one line naming what is wrong.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature

from yakuba.privacy._common import load_public_key, public_key_id
from yakuba.privacy.errors import PrivacyError, TamperedError

__all__ = ["Checked", "check_contractor_certificate", "parse_sha256", "parse_signature"]

_HEX64 = re.compile(r"[0-9a-f]{64}")
MAX_CERTIFICATE_BYTES = 50 * 1024 * 1024
"""A contractor's certificate larger than this (50 MB) is refused: it is a few pages."""


@dataclass(frozen=True)
class Checked:
    sha256: str
    key_id: str | None
    """The id of the key the signature verified with; None when no signature was given."""


def parse_sha256(text: str) -> str:
    """The stated SHA-256 as 64 lower-case hex digits (``sha256:`` prefix, spaces and case forgiven)."""
    value = re.sub(r"\s+", "", str(text)).lower().removeprefix("sha256:")
    if not _HEX64.fullmatch(value):
        raise PrivacyError("業者が示したSHA-256は16進数64桁で指定してください", where="sha256")
    return value


def parse_signature(data: bytes) -> bytes:
    """A detached Ed25519 signature: 64 raw bytes, or base64 / hex text of them."""
    if len(data) == 64:
        return data
    text = data.strip()
    if len(text) == 128 and re.fullmatch(rb"[0-9a-fA-F]{128}", text):
        return bytes.fromhex(text.decode("ascii"))
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 64:
        raise PrivacyError("署名ファイルが Ed25519 の署名(64バイト、またはその base64・16進表記)ではありません",
                           where="signature")
    return raw


def check_contractor_certificate(data: bytes, stated_sha256: str, *, signature: bytes | None = None,
                                 public_key: str | None = None) -> Checked:
    """The certificate's SHA-256 must be the stated one; a signature, when given, must verify with
    `public_key` (the contractor's registered key). TamperedError (one line) otherwise."""
    stated = parse_sha256(stated_sha256)
    if not data:
        raise PrivacyError("業者の証明書ファイルが空です", where="certificate")
    if len(data) > MAX_CERTIFICATE_BYTES:
        raise PrivacyError(f"業者の証明書ファイルが大きすぎます(上限 {MAX_CERTIFICATE_BYTES // 1024 // 1024} MB)",
                           where="certificate")
    actual = hashlib.sha256(data).hexdigest()
    if actual != stated:
        raise TamperedError(f"業者の証明書のSHA-256が一致しません(示された値 {stated[:12]}…、ファイルは {actual[:12]}…)",
                            where="sha256")
    if signature is None:
        return Checked(actual, None)
    if public_key is None:
        raise PrivacyError("署名を検証する業者の公開鍵がありません。先に公開鍵を登録してください", where="public key")
    key = load_public_key(public_key)
    try:
        key.verify(parse_signature(signature), data)
    except InvalidSignature:
        raise TamperedError("業者の証明書の署名が正しくありません(登録された業者の公開鍵で検証できません)",
                            where="signature") from None
    return Checked(actual, public_key_id(key))
