"""Small helpers shared by the privacy core: canonical JSON, 日本標準時, atomic files, Ed25519 text.

Private to ``yakuba.privacy``; the public names are re-exported where they belong.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import os
import stat
import uuid
from pathlib import Path
from typing import BinaryIO, Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from yakuba.files import fsync_dir
from yakuba.privacy.errors import KeyringError, PrivacyError

JST = dt.timezone(dt.timedelta(hours=9), "JST")
"""日本標準時 (UTC+09:00): every time the core writes is in this zone, as ``+09:00``."""

PUBLIC_KEY_PREFIX = "ed25519:"


# --- time -------------------------------------------------------------------------------------


def now_jst() -> dt.datetime:
    return dt.datetime.now(JST).replace(microsecond=0)


def iso_jst(moment: dt.datetime) -> str:
    """ISO-8601 in +09:00, to the second. A naive datetime is taken to be 日本標準時 already."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=JST)
    return moment.astimezone(JST).isoformat(timespec="seconds")


def parse_iso(text: str) -> dt.datetime | None:
    """The aware datetime that ``text`` writes, or None when it is not ISO-8601 with an offset."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else None


# --- canonical JSON ---------------------------------------------------------------------------


def _json_default(value: object) -> object:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise TypeError(f"naive datetime {value!r} cannot be hashed: give it a time zone")
        return value.astimezone(JST).isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (tuple, frozenset, set)):
        items = list(value)
        return sorted(items) if isinstance(value, (set, frozenset)) else items
    raise TypeError(f"{type(value).__name__} is not allowed in canonical JSON")


def canonical_json(value: object) -> bytes:
    """UTF-8 JSON with sorted keys, no whitespace, non-ASCII kept as is, no NaN/Infinity.

    Aware datetimes become ISO-8601 strings in +09:00 (microseconds kept), dates and times their
    ISO form, UUIDs their hex form. Anything else that JSON has no type for is a TypeError.
    """
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_json_default,
    ).encode("utf-8")


def parse_signed_document(data: bytes, body_key: str, bad: Callable[[str, str], Exception]) -> tuple[dict, object]:
    """Split a signed canonical-JSON document ``{body_key: {...}, "signature": "…"}``.

    Refuses (raising ``bad(what, where)``) anything that is not exactly the canonical bytes of
    such a pair, so that any changed byte of a certificate or receipt is noticed before its
    signature is even looked at.
    """
    try:
        doc = json.loads(bytes(data).decode("utf-8"))
        canonical = canonical_json(doc)
    except (UnicodeError, ValueError, TypeError, RecursionError):
        raise bad("JSON として読めません", "document") from None
    if canonical != bytes(data):
        raise bad("正規形の JSON ではありません (余分な空白・順序・表記の違い)", "document")
    if not isinstance(doc, dict) or set(doc) != {body_key, "signature"}:
        raise bad(f"{body_key} と signature の組ではありません", "document")
    if not isinstance(doc[body_key], dict):
        raise bad(f"{body_key} が正しくありません", body_key)
    return doc[body_key], doc["signature"]


# --- bytes and text ---------------------------------------------------------------------------


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64_strict(text: str) -> bytes:
    """Decode standard padded base64, refusing any text that is not the one encoding of its bytes."""
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError, AttributeError):
        raise ValueError("not base64") from None
    if b64(data) != text:
        raise ValueError("not canonical base64")
    return data


def short_id(data: bytes) -> str:
    """A short id for a key: the first 16 hex digits of SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()[:16]


def read_exact(src: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes; fewer only at the end of the stream (pipes may return short reads)."""
    first = src.read(size)
    if not first or len(first) == size:
        return first or b""
    parts = [first]
    got = len(first)
    while got < size:
        more = src.read(size - got)
        if not more:
            break
        parts.append(more)
        got += len(more)
    return b"".join(parts)


# --- Ed25519 public keys as one line of text --------------------------------------------------


def public_key_text(key: Ed25519PublicKey) -> str:
    """``ed25519:<standard base64 of the 32 raw bytes>``."""
    return PUBLIC_KEY_PREFIX + b64(key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def public_key_id(key: Ed25519PublicKey) -> str:
    """The signer's key id: first 16 hex digits of SHA-256 of the 32 raw public-key bytes."""
    return short_id(key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def load_public_key(text: str) -> Ed25519PublicKey:
    """Read the ``ed25519:<base64>`` text form of a public key (KeyringError when malformed)."""
    raw: bytes | None = None
    if isinstance(text, str) and text.strip().startswith(PUBLIC_KEY_PREFIX):
        try:
            raw = unb64_strict(text.strip()[len(PUBLIC_KEY_PREFIX) :])
        except ValueError:
            raw = None
    if raw is None or len(raw) != 32:
        raise KeyringError(
            "公開鍵の形式が正しくありません (ed25519:<base64> の形式で指定してください)",
            where="public key",
            detail=f"not an ed25519 public key: {str(text)[:40]!r}",
        )
    return Ed25519PublicKey.from_public_bytes(raw)


# --- files ------------------------------------------------------------------------------------


# Whole-or-nothing writes (write_atomic, write_new, fsync_dir) live in yakuba.files, for every module.


def overwrite_and_unlink(path: Path) -> bool:
    """Overwrite a regular file once with zeros, fsync, unlink; unlink links and others as they are.

    Returns whether nothing is left at ``path``. A directory is left alone (False).
    """
    try:
        st = path.lstat()
    except FileNotFoundError:
        return True
    if stat.S_ISDIR(st.st_mode):
        return False
    if stat.S_ISREG(st.st_mode):
        try:
            fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            fd = -1
        if fd >= 0:
            try:
                zeros = bytes(1 << 16)
                left = st.st_size
                while left > 0:
                    n = os.write(fd, zeros[: min(left, len(zeros))])
                    left -= n
                os.fsync(fd)
            finally:
                os.close(fd)
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise PrivacyError(
            f"ファイル {path.name} を削除できません", where=str(path), detail=str(exc)
        ) from exc
    fsync_dir(path.parent)
    return not os.path.lexists(path)
