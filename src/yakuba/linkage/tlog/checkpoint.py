"""Checkpoints (c2sp.org/tlog-checkpoint) and their witness cosignatures (c2sp.org/tlog-cosignature,
cosignature/v1, Ed25519). Pure: no Django.

A checkpoint is the text of a signed note::

    yakuba.example/linkage/hub        ← origin: the log's identity (configurable; = the log key's name)
    20852163                          ← tree size, decimal, no leading zeroes
    CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=   ← root hash, base64 of 32 bytes
    [extension lines, each non-empty — not used by yakuba]

signed by the log's Ed25519 key (a `Signer` whose name is the origin). A witness that has checked
the log grew append-only adds a cosignature line: key ID from type 0x04, then the 8-byte
big-endian timestamp and the Ed25519 signature of ``cosignature/v1\\ntime <t>\\n`` followed by
the checkpoint text (`cosign`). `open_checkpoint` is what a client runs: the log's signature
required, a quorum of witness cosignatures optional.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from yakuba.linkage.tlog._common import b64decode_strict, b64encode, check_count, fail, parse_decimal
from yakuba.linkage.tlog.hashing import HASH_SIZE
from yakuba.linkage.tlog.note import (COSIGNATURE_V1, DASH, ED25519, Signer, Verifier, cosignature_message, parse_note,
                                      sign_note, verify_signatures)

__all__ = ["EXAMPLE_ORIGIN", "Checkpoint", "SignedCheckpoint", "sign_checkpoint", "cosign", "add_cosignatures",
           "verify_cosignature", "open_checkpoint"]

EXAMPLE_ORIGIN = "yakuba.example/linkage/hub"
"""The shape of an origin line: host/path, no scheme, no spaces, no ``+`` (set per installation)."""

_MAX_TIMESTAMP = (1 << 63) - 1
_CONTROL = re.compile(r"[\x00-\x1f]")


@dataclass(frozen=True)
class Checkpoint:
    """A log's tree head: origin, size, root hash and (rarely) extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.origin, str) or not self.origin or _CONTROL.search(self.origin):
            raise fail("チェックポイントの origin が不正です", "checkpoint origin must be one non-empty line")
        check_count(self.size, "checkpoint size")
        if not isinstance(self.root_hash, bytes) or len(self.root_hash) != HASH_SIZE:
            raise fail("チェックポイントの根のハッシュが 32 バイトではありません", "checkpoint root hash is not 32 bytes")
        object.__setattr__(self, "extensions", tuple(self.extensions))
        for i, line in enumerate(self.extensions):
            if not isinstance(line, str) or not line or _CONTROL.search(line):
                raise fail("チェックポイントの拡張行が不正です", "extension lines are non-empty single lines",
                           f"extension {i + 1}")

    def body(self) -> bytes:
        """The note text: origin, size, base64 root, extensions, each ending in a newline."""
        lines = [self.origin, str(self.size), b64encode(self.root_hash), *self.extensions]
        return ("\n".join(lines) + "\n").encode("utf-8")

    @classmethod
    def parse(cls, body: bytes | str) -> "Checkpoint":
        """A checkpoint from its note text (signature lines not included)."""
        if isinstance(body, (bytes, bytearray)):
            try:
                body = bytes(body).decode("utf-8")
            except UnicodeDecodeError as exc:
                raise fail("チェックポイントが UTF-8 ではありません", "checkpoint is not UTF-8",
                           f"checkpoint byte {exc.start}") from None
        if not isinstance(body, str):
            raise fail("チェックポイントが文字列ではありません", "checkpoint must be text")
        if not body.endswith("\n"):
            raise fail("チェックポイントが改行で終わっていません", "checkpoint text must end with a newline",
                       f"checkpoint line {body.count(chr(10)) + 1}")
        lines = body[:-1].split("\n")
        for n, line in enumerate(lines, start=1):
            if not line:
                raise fail("チェックポイントに空の行があります", "checkpoint lines must not be empty", f"checkpoint line {n}")
            if _CONTROL.search(line):
                raise fail("チェックポイントに制御文字があります", "control character in the checkpoint",
                           f"checkpoint line {n}")
        if len(lines) < 3:
            raise fail("チェックポイントの行が足りません", "checkpoint needs origin, size and root hash lines",
                       f"checkpoint line {len(lines) + 1}")
        size = parse_decimal(lines[1])
        if size is None:
            raise fail("チェックポイントの大きさが 10 進数ではありません",
                       f"tree size {lines[1][:40]!r} is not a decimal without leading zeroes", "checkpoint line 2")
        root = b64decode_strict(lines[2])
        if root is None or len(root) != HASH_SIZE:
            raise fail("チェックポイントの根のハッシュが読めません", "root hash is not the base64 of 32 bytes",
                       "checkpoint line 3")
        return cls(lines[0], size, root, tuple(lines[3:]))


def sign_checkpoint(checkpoint: Checkpoint, log_signer: Signer, *extra: Signer) -> bytes:
    """The signed checkpoint note (the log's signature first)."""
    return sign_note(checkpoint.body(), [log_signer, *extra])


def cosign(checkpoint_body: bytes, witness: Signer, timestamp: int) -> str:
    """A cosignature/v1 line by ``witness`` over the checkpoint text, at ``timestamp`` (POSIX
    seconds): ``— <name> base64(key ID (type 0x04) || timestamp (8, big-endian) || signature)``.
    Append it to the signed checkpoint (`add_cosignatures`)."""
    if not isinstance(checkpoint_body, (bytes, bytearray)):
        raise fail("チェックポイントの本文がバイト列ではありません", "checkpoint text must be bytes")
    body = bytes(checkpoint_body)
    Checkpoint.parse(body)  # a cosigner only signs what is a checkpoint
    message = cosignature_message(timestamp, body)
    raw = witness.cosigner_key_id + timestamp.to_bytes(8, "big") + witness.sign_bytes(message)
    return f"{DASH}{witness.name} {b64encode(raw)}\n"


def add_cosignatures(signed_note: bytes, lines: Iterable[str]) -> bytes:
    """The signed checkpoint with cosignature lines appended (signature lines come last)."""
    note = bytes(signed_note)
    parse_note(note)
    out = note + "".join(lines).encode("utf-8")
    parse_note(out)
    return out


def verify_cosignature(checkpoint_body: bytes, line: str, witness: Verifier) -> int:
    """Check one cosignature line by ``witness`` over the checkpoint text; its timestamp."""
    if not isinstance(line, str) or not isinstance(checkpoint_body, (bytes, bytearray)):
        raise fail("連署の行と本文の型が違います", "give the checkpoint text as bytes and the line as text")
    verifier = witness if witness.sig_type == COSIGNATURE_V1 else witness.for_cosignatures()
    note = parse_note(bytes(checkpoint_body) + b"\n" + line.encode("utf-8", "surrogatepass"))
    if len(note.signatures) != 1:
        raise fail("連署の行が 1 行ではありません", "give exactly one cosignature line")
    sig = note.signatures[0]
    if (sig.name, sig.key_id) != (verifier.name, verifier.key_id):
        raise fail("連署の鍵が違います", f"cosignature is by {sig.name}+{sig.key_hash}, not {verifier}", "cosignature")
    verify_signatures(note, [verifier])
    return int.from_bytes(sig.signature[:8], "big")


@dataclass(frozen=True)
class SignedCheckpoint:
    """A checkpoint whose log signature verified, with the witnesses that cosigned it."""

    checkpoint: Checkpoint
    text: bytes
    log_keys: tuple[str, ...]
    cosignatures: dict[str, int] = field(default_factory=dict)  # witness name → timestamp

    @property
    def size(self) -> int:
        return self.checkpoint.size

    @property
    def root_hash(self) -> bytes:
        return self.checkpoint.root_hash


def open_checkpoint(note: bytes, log_keys: Verifier | Sequence[Verifier], *, witnesses: Sequence[Verifier] = (),
                    quorum: int = 0, origin: str | None = None, now: int | None = None) -> SignedCheckpoint:
    """Verify a signed checkpoint as a client does.

    One of ``log_keys`` (Ed25519 note keys: rotation allows several) must have signed it, and its
    origin must be ``origin`` (default: the log key's name). With ``quorum`` > 0, at least that
    many distinct ``witnesses`` (cosignature/v1 keys; a 0x01 key string is converted) must have
    cosigned it; with ``now``, a cosignature dated after ``now`` is refused. Any signature line
    from a known key that does not verify refuses the checkpoint.
    """
    if isinstance(log_keys, Verifier):
        log_keys = [log_keys]
    log_keys = list(log_keys)
    if not log_keys or any(k.sig_type != ED25519 for k in log_keys):
        raise fail("ログの検証鍵が必要です", "give the log's Ed25519 verifier key")
    cosigners = [w if w.sig_type == COSIGNATURE_V1 else w.for_cosignatures() for w in witnesses]
    check_count(quorum, "quorum")
    if quorum > len({w.name for w in cosigners}):
        raise fail("必要な連署の数が証人の数より多いです", f"quorum {quorum} is more than the {len(cosigners)} witnesses")
    parsed = parse_note(note)
    verified = verify_signatures(parsed, [*log_keys, *cosigners])
    by_log = [v.name for v, _ in verified if v.sig_type == ED25519]
    if not by_log:
        names = ", ".join(str(k) for k in log_keys)
        raise fail("チェックポイントにログの署名がありません", f"checkpoint is not signed by the log key ({names})",
                   "checkpoint")
    checkpoint = Checkpoint.parse(parsed.text)
    expected = origin if origin is not None else log_keys[0].name
    if checkpoint.origin != expected:
        raise fail("チェックポイントの origin が違います", f"checkpoint origin {checkpoint.origin!r} is not {expected!r}",
                   "checkpoint line 1")
    stamps: dict[str, int] = {}
    for verifier, sig in verified:
        if verifier.sig_type != COSIGNATURE_V1:
            continue
        timestamp = int.from_bytes(sig.signature[:8], "big")
        if now is not None and timestamp > now:
            raise fail("連署の時刻が未来です", f"cosignature by {verifier} is dated {timestamp}, after {now}",
                       f"note line {sig.line}")
        stamps[verifier.name] = max(timestamp, stamps.get(verifier.name, 0))
    if len(stamps) < quorum:
        raise fail("証人の連署が足りません", f"{len(stamps)} of the required {quorum} witnesses cosigned the checkpoint",
                   "checkpoint")
    return SignedCheckpoint(checkpoint, parsed.text_bytes, tuple(dict.fromkeys(by_log)), stamps)
