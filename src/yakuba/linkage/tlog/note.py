"""Signed notes of C2SP signed-note, with Ed25519 keys. Pure: no Django.

A signed note is a text ending in a newline, a blank line, then one or more signature lines::

    — <key name> <base64(key ID (4 bytes, big-endian) || signature)>

Key ID = the first 4 bytes of SHA-256(key name || 0x0A || signature type || public key); the
type is 0x01 for Ed25519 note signatures and 0x04 for Ed25519 cosignature/v1 (timestamped
witness cosignatures, c2sp.org/tlog-cosignature: the 64-byte signature is preceded by the 8-byte
big-endian timestamp and signs ``cosignature/v1\\ntime <t>\\n`` followed by the note text).

Keys as text, as the Go ``sumdb/note`` package and the tlog tools write them:

- verifier key: ``<name>+<key ID, 8 lower-case hex digits>+<base64(type || 32-byte public key)>``;
- signer key: ``PRIVATE+KEY+<name>+<key ID>+<base64(0x01 || 32-byte Ed25519 seed)>``.

`open_note` parses strictly: valid UTF-8 without control characters other than newline; the text
is everything up to and including the newline before the *last* blank line (the text may itself
contain blank lines, as the spec allows); every signature line well-formed (em dash, space, a
name without spaces or ``+``, a space, base64 of at least 5 bytes); at most 100 of them.
Signatures from unknown keys (name and ID not both matching a verifier) are ignored; a signature
from a known key that does not verify refuses the whole note; and at least one known key must
have signed. Errors name the line or byte.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from yakuba.linkage.tlog._common import b64decode_strict, b64encode, fail

__all__ = ["ED25519", "COSIGNATURE_V1", "MAX_SIGNATURES", "key_id", "check_key_name", "Signer", "Verifier",
           "NoteSignature", "Note", "parse_note", "sign_note", "open_note", "cosignature_message"]

ED25519 = 0x01
"""Signature type of Ed25519 note signatures (c2sp.org/signed-note)."""
COSIGNATURE_V1 = 0x04
"""Signature type of timestamped Ed25519 cosignatures (c2sp.org/tlog-cosignature)."""
MAX_SIGNATURES = 100
"""The most signature lines `open_note` accepts (the spec: at least 16; Go's note package: 100)."""

DASH = "\u2014 "
_HEX8 = re.compile(r"[0-9a-fA-F]{8}\Z")
_MAX_TIMESTAMP = (1 << 63) - 1


def check_key_name(name: object, where: str | None = None) -> str:
    """A key name: non-empty, no Unicode spaces, no ``+``, no control characters."""
    if not isinstance(name, str) or not name:
        raise fail("鍵の名前が空です", "key name is empty", where)
    for ch in name:
        if ch.isspace() or ch == "+" or ord(ch) < 0x20 or 0xD800 <= ord(ch) <= 0xDFFF:
            raise fail("鍵の名前に使えない文字があります", f"key name {name!r} has a space, '+' or control character",
                       where)
    return name


def key_id(name: str, sig_type: int, public_key: bytes) -> bytes:
    """SHA-256(name || 0x0A || type || public key)[:4]."""
    return hashlib.sha256(check_key_name(name).encode("utf-8") + b"\n" + bytes([sig_type]) + bytes(public_key)).digest()[:4]


def cosignature_message(timestamp: int, text: bytes) -> bytes:
    """What a cosignature/v1 signs: ``cosignature/v1\\ntime <timestamp>\\n`` || the note text."""
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or not 0 <= timestamp <= _MAX_TIMESTAMP:
        raise fail("連署の時刻が範囲外です", f"cosignature timestamp must be 0..2^63-1, not {timestamp!r}")
    return b"cosignature/v1\ntime %d\n" % timestamp + bytes(text)


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class Verifier:
    """A public key that checks note signatures of one type (0x01 note, 0x04 cosignature/v1)."""

    name: str
    public_key: bytes
    sig_type: int = ED25519

    def __post_init__(self) -> None:
        check_key_name(self.name)
        if not isinstance(self.public_key, bytes) or len(self.public_key) != 32:
            raise fail("公開鍵が 32 バイトではありません", "an Ed25519 public key is 32 bytes")
        if self.sig_type not in (ED25519, COSIGNATURE_V1):
            raise fail("対応していない署名の種類です", f"unsupported signature type 0x{self.sig_type:02x}")

    @property
    def key_id(self) -> bytes:
        """The 4-byte key ID, for this key's signature type."""
        return key_id(self.name, self.sig_type, self.public_key)

    @property
    def key_hash(self) -> str:
        """The key ID as 8 lower-case hex digits."""
        return self.key_id.hex()

    def key_string(self) -> str:
        """``<name>+<hex key ID>+<base64(type || public key)>``."""
        return f"{self.name}+{self.key_hash}+{b64encode(bytes([self.sig_type]) + self.public_key)}"

    def __str__(self) -> str:
        return f"{self.name}+{self.key_hash}"

    @classmethod
    def parse(cls, vkey: str) -> "Verifier":
        """A verifier key string; its key ID must be the one computed from name, type and key."""
        if not isinstance(vkey, str):
            raise fail("検証鍵が文字列ではありません", "verifier key must be text")
        parts = vkey.split("+", 2)
        if len(parts) != 3:
            raise fail("検証鍵の形式が不正です", "verifier key is not <name>+<hex id>+<base64 key>", "verifier key")
        name, hex_id, key64 = parts
        check_key_name(name, "verifier key name")
        if not _HEX8.match(hex_id):
            raise fail("検証鍵の ID が 8 桁の 16 進数ではありません", f"verifier key ID {hex_id!r} is not 8 hex digits",
                       "verifier key id")
        key = b64decode_strict(key64)
        if key is None or len(key) < 1:
            raise fail("検証鍵の鍵が base64 ではありません", "verifier key material is not base64", "verifier key")
        if key[0] not in (ED25519, COSIGNATURE_V1):
            raise fail("検証鍵の署名の種類に対応していません", f"unsupported verifier key type 0x{key[0]:02x}",
                       "verifier key type")
        if len(key) != 33:
            raise fail("検証鍵の長さが不正です", f"Ed25519 verifier key has {len(key) - 1} bytes, not 32", "verifier key")
        verifier = cls(name, key[1:], key[0])
        if verifier.key_id != bytes.fromhex(hex_id):
            raise fail("検証鍵の ID が鍵と一致しません", f"verifier key ID {hex_id} does not match the key {name}",
                       "verifier key id")
        return verifier

    def for_cosignatures(self) -> "Verifier":
        """The same key as a cosignature/v1 verifier (key ID computed with type 0x04)."""
        return Verifier(self.name, self.public_key, COSIGNATURE_V1)

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Whether ``signature`` (the bytes after the key ID) is this key's over the note ``text``."""
        key = Ed25519PublicKey.from_public_bytes(self.public_key)
        if self.sig_type == COSIGNATURE_V1:
            if len(signature) != 8 + 64:
                return False
            timestamp = int.from_bytes(signature[:8], "big")
            if timestamp > _MAX_TIMESTAMP:
                return False
            message, signature = cosignature_message(timestamp, text), signature[8:]
        else:
            if len(signature) != 64:
                return False
            message = bytes(text)
        try:
            key.verify(bytes(signature), message)
        except InvalidSignature:
            return False
        return True


class Signer:
    """An Ed25519 private key with its key name, signing notes (type 0x01)."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        self.name = check_key_name(name)
        self._key = private_key
        self.public_key = _raw_public(private_key.public_key())

    def __repr__(self) -> str:  # never the private key
        return f"Signer({self.name}+{self.key_hash})"

    @classmethod
    def generate(cls, name: str) -> "Signer":
        """A new random key."""
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, name: str, seed: bytes) -> "Signer":
        """The key of a 32-byte Ed25519 seed (RFC 8032)."""
        if not isinstance(seed, bytes) or len(seed) != 32:
            raise fail("秘密鍵の種が 32 バイトではありません", "an Ed25519 seed is 32 bytes")
        return cls(name, Ed25519PrivateKey.from_private_bytes(seed))

    @classmethod
    def parse(cls, skey: str) -> "Signer":
        """A signer key string ``PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>``."""
        if not isinstance(skey, str):
            raise fail("署名鍵が文字列ではありません", "signer key must be text")
        parts = skey.split("+", 4)
        if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
            raise fail("署名鍵の形式が不正です", "signer key is not PRIVATE+KEY+<name>+<hex id>+<base64 key>",
                       "signer key")
        _, _, name, hex_id, key64 = parts
        check_key_name(name, "signer key name")
        if not _HEX8.match(hex_id):
            raise fail("署名鍵の ID が 8 桁の 16 進数ではありません", f"signer key ID {hex_id!r} is not 8 hex digits",
                       "signer key id")
        key = b64decode_strict(key64)
        if key is None or len(key) < 1:
            raise fail("署名鍵の鍵が base64 ではありません", "signer key material is not base64", "signer key")
        if key[0] != ED25519:
            raise fail("署名鍵の署名の種類に対応していません", f"unsupported signer key type 0x{key[0]:02x}", "signer key")
        if len(key) != 33:
            raise fail("署名鍵の長さが不正です", f"Ed25519 seed has {len(key) - 1} bytes, not 32", "signer key")
        signer = cls.from_seed(name, key[1:])
        if signer.key_id != bytes.fromhex(hex_id):
            raise fail("署名鍵の ID が鍵と一致しません", f"signer key ID {hex_id} does not match the key {name}",
                       "signer key id")
        return signer

    def _seed(self) -> bytes:
        return self._key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                       serialization.NoEncryption())

    def key_string(self) -> str:
        """``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>`` — secret: store it as a key."""
        return f"PRIVATE+KEY+{self.name}+{self.key_hash}+{b64encode(bytes([ED25519]) + self._seed())}"

    @property
    def key_id(self) -> bytes:
        """The key ID of this key's note signatures (type 0x01)."""
        return key_id(self.name, ED25519, self.public_key)

    @property
    def cosigner_key_id(self) -> bytes:
        """The key ID of this key's cosignature/v1 signatures (type 0x04)."""
        return key_id(self.name, COSIGNATURE_V1, self.public_key)

    @property
    def key_hash(self) -> str:
        return self.key_id.hex()

    def verifier(self) -> Verifier:
        """The public half, for note signatures."""
        return Verifier(self.name, self.public_key, ED25519)

    def cosigner_verifier(self) -> Verifier:
        """The public half, for cosignature/v1 signatures."""
        return Verifier(self.name, self.public_key, COSIGNATURE_V1)

    def sign_bytes(self, message: bytes) -> bytes:
        """The raw 64-byte Ed25519 signature of ``message``."""
        return self._key.sign(bytes(message))

    def signature_line(self, text: bytes) -> str:
        """``— <name> <base64(key ID || signature)>`` over the note ``text`` (with its newline)."""
        return f"{DASH}{self.name} {b64encode(self.key_id + self.sign_bytes(text))}\n"


@dataclass(frozen=True)
class NoteSignature:
    """One signature line as read: its key name, key ID and the signature bytes after the ID."""

    name: str
    key_id: bytes
    signature: bytes
    line: int  # 1-based line number in the note
    encoded: str = field(repr=False, default="")

    @property
    def key_hash(self) -> str:
        return self.key_id.hex()


@dataclass(frozen=True)
class Note:
    """A parsed (not yet verified) signed note."""

    text: str
    signatures: tuple[NoteSignature, ...]

    @property
    def text_bytes(self) -> bytes:
        return self.text.encode("utf-8")


def _check_text_chars(text: str, where_prefix: str) -> None:
    line, column = 1, 0
    for ch in text:
        if ch == "\n":
            line, column = line + 1, 0
            continue
        column += 1
        if ord(ch) < 0x20:
            raise fail("ノートに制御文字があります", f"control character U+{ord(ch):04X} in the note",
                       f"{where_prefix} line {line} column {column}")


def _check_text(text: str | bytes) -> str:
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise fail("ノートの本文が UTF-8 ではありません", "note text is not UTF-8", f"note byte {exc.start}") from None
    if not isinstance(text, str):
        raise fail("ノートの本文が文字列ではありません", "note text must be text")
    if not text or not text.endswith("\n"):
        raise fail("ノートの本文が改行で終わっていません", "note text must end with a newline", "note text")
    _check_text_chars(text, "note")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise fail("ノートの本文が UTF-8 にできません", "note text has unpaired surrogates", "note text") from None
    return text


def sign_note(text: str | bytes, signers: Signer | Sequence[Signer]) -> bytes:
    """The signed note: ``text`` (ending in a newline), a blank line, one line per signer."""
    text = _check_text(text)
    if isinstance(signers, Signer):
        signers = [signers]
    signers = list(signers)
    if not signers:
        raise fail("署名者がいません", "a signed note needs at least one signer")
    data = text.encode("utf-8")
    return data + b"\n" + "".join(s.signature_line(data) for s in signers).encode("utf-8")


def parse_note(note: bytes) -> Note:
    """Split a signed note into its text and signature lines, checking the syntax only."""
    if isinstance(note, str):
        note = note.encode("utf-8")
    if not isinstance(note, (bytes, bytearray)):
        raise fail("ノートがバイト列ではありません", "a note must be bytes")
    note = bytes(note)
    try:
        decoded = note.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail("ノートが UTF-8 ではありません", "note is not UTF-8", f"note byte {exc.start}") from None
    _check_text_chars(decoded, "note")
    split = decoded.rfind("\n\n")
    if split < 0:
        raise fail("ノートに署名の前の空行がありません", "note has no blank line before its signatures", "note")
    text, block = decoded[:split + 1], decoded[split + 2:]
    first_line = text.count("\n") + 2
    if not block:
        raise fail("ノートに署名がありません", "note has no signature lines", f"note line {first_line}")
    if not block.endswith("\n"):
        raise fail("署名の行が改行で終わっていません", "last signature line does not end with a newline",
                   f"note line {first_line + block.count(chr(10))}")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise fail("署名が多すぎます", f"note has {len(lines)} signatures, at most {MAX_SIGNATURES}",
                   f"note line {first_line + MAX_SIGNATURES}")
    signatures = []
    for n, line in enumerate(lines, start=first_line):
        where = f"note line {n}"
        if not line.startswith(DASH):
            raise fail("署名の行が「— 」で始まっていません", "signature line does not start with an em dash and a space",
                       where)
        rest = line[len(DASH):]
        name, sep, encoded = rest.partition(" ")
        if not sep:
            raise fail("署名の行に署名がありません", "signature line has no space between key name and signature", where)
        check_key_name(name, where)
        raw = b64decode_strict(encoded, canonical=False)
        if raw is None or len(raw) < 5:
            raise fail("署名が base64 の 5 バイト以上ではありません", "signature is not base64 of at least 5 bytes", where)
        signatures.append(NoteSignature(name, raw[:4], raw[4:], n, encoded))
    return Note(text, tuple(signatures))


def _index(verifiers: Iterable[Verifier]) -> dict[tuple[str, bytes], list[Verifier]]:
    known: dict[tuple[str, bytes], list[Verifier]] = {}
    for v in verifiers:
        if not isinstance(v, Verifier):
            raise fail("検証鍵ではありません", f"not a Verifier: {type(v).__name__}")
        same = known.setdefault((v.name, v.key_id), [])
        if v not in same:
            same.append(v)
    return known


def verify_signatures(note: Note, verifiers: Iterable[Verifier]) -> list[tuple[Verifier, NoteSignature]]:
    """Check every signature line of a known key; the (verifier, signature) pairs that verified.

    A line from a known key that does not verify (nor is in canonical base64) refuses the note;
    lines from unknown keys are skipped; two different verifiers with the same name and key ID
    are ambiguous and refused if a line names them.
    """
    known = _index(verifiers)
    text = note.text_bytes
    verified: list[tuple[Verifier, NoteSignature]] = []
    for sig in note.signatures:
        candidates = known.get((sig.name, sig.key_id))
        if not candidates:
            continue
        where = f"note line {sig.line}"
        if len(candidates) > 1:
            raise fail("同じ名前と ID の検証鍵が複数あります", f"ambiguous key {sig.name}+{sig.key_hash}", where)
        verifier = candidates[0]
        canonical = b64encode(sig.key_id + sig.signature) == sig.encoded
        if not canonical or not verifier.verify(text, sig.signature):
            raise fail("ノートの署名が検証できません", f"signature does not verify: key {sig.name}+{sig.key_hash}", where)
        verified.append((verifier, sig))
    return verified


def open_note(note: bytes, verifiers: Iterable[Verifier]) -> tuple[str, list[str]]:
    """The text of a signed note and the names of the known keys whose signatures verified
    (in order, each once); `LogError` if the note is malformed, a known key's signature does not
    verify, or no known key signed it."""
    verifiers = list(verifiers)
    parsed = parse_note(note)
    verified = verify_signatures(parsed, verifiers)
    if not verified:
        names = ", ".join(str(v) for v in verifiers) or "none"
        raise fail("既知の鍵による署名がありません", f"note has no signature from a known key ({names})", "note")
    names: list[str] = []
    for verifier, _ in verified:
        if verifier.name not in names:
            names.append(verifier.name)
    return parsed.text, names
