"""Hand-over packages between organisations (受け渡しパッケージ): vendor (委託先) → city (市).

A package is one file: an age-encrypted tar stream whose first two members are ``manifest.json``
(who sends what to whom, with the size and SHA-256 of every file) and ``manifest.sig`` (the
sender's Ed25519 signature over the manifest bytes), then the files under ``files/``. It is
encrypted either to the recipient's age X25519 recipient (``age1…``) or, for removable media, with
a passphrase. Format: ``docs/formats/package.md``.

Nothing is written to disk in plaintext: the tar stream is produced lazily while it is encrypted,
and parsed while it is decrypted. ``verify_package`` checks everything without keeping the files;
``open_package`` checks everything while extracting into a temporary folder inside ``dest_dir``
and moves the files in place only when all checks passed — on any failure nothing is left.

The receiving side refuses, with the exception named:

- a package that does not open with its key or passphrase — WrongRecipientError;
- a damaged ciphertext, an unknown sender, a bad signature, a file whose size or hash differs, a
  missing, extra or reordered file, a file name that could escape the folder — TamperedError;
- a manifest addressed to another organisation or another key — WrongRecipientError;
- a package id already seen, or a sequence number not above the last accepted — ReplayError.

Recording an accepted package (its id and sequence number) in the ledger is the caller's job, in
the same database transaction that records what was imported: this module only reads the ledger.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import struct
import tarfile
import threading
import unicodedata
import uuid
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator, Mapping, Protocol, Sequence

import pyrage
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyrage import x25519

from yakuba.privacy._common import (
    b64,
    canonical_json,
    fsync_dir,
    iso_jst,
    iter_file,
    load_public_key,
    now_jst,
    parse_iso,
    public_key_id,
    read_exact,
    unb64_strict,
    write_atomic,
)
from yakuba.privacy.errors import (
    KeyringError,
    PrivacyError,
    ReplayError,
    TamperedError,
    WrongRecipientError,
)

__all__ = [
    "PACKAGE_FORMAT",
    "Manifest",
    "PackageFile",
    "Ledger",
    "MemoryLedger",
    "create_package",
    "verify_package",
    "open_package",
    "recipient_fingerprint",
    "check_file_name",
]

PACKAGE_FORMAT = "yakuba-package/1"
AGE_MAGIC = b"age-encryption.org/v1\n"
PASSPHRASE_MAGIC = b"yakuba-package-passphrase/v1\n"
PASSPHRASE_KEY = "passphrase"
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.sig"
FILES_PREFIX = "files/"
MAX_MANIFEST_SIZE = 16 * 1024 * 1024
MAX_SIGNATURE_SIZE = 4096
MAX_WRAPPED_IDENTITY = 64 * 1024
_BLOCK = 512
_CHUNK = 64 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_FINGERPRINT = re.compile(r"^sha256:[0-9a-f]{64}$")
_FORBIDDEN_CHARS = set('\\:*?"<>|')


# --- the manifest ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackageFile:
    """One file of a package: its name inside the package (POSIX, relative), size and SHA-256."""

    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    """What a package holds (送付書): signed by the sender, checked by the recipient."""

    package_id: str
    sender: str
    recipient: str
    recipient_key: str
    created: str
    sequence: int
    purpose: str
    files: tuple[PackageFile, ...]
    format: str = PACKAGE_FORMAT

    @property
    def created_at(self) -> dt.datetime:
        moment = parse_iso(self.created)
        assert moment is not None
        return moment

    @property
    def total_size(self) -> int:
        return sum(f.size for f in self.files)

    def to_json(self) -> bytes:
        """The manifest's bytes as signed: canonical JSON (sorted keys, no whitespace, UTF-8)."""
        return canonical_json(
            {
                "format": self.format,
                "package_id": self.package_id,
                "sender": self.sender,
                "recipient": self.recipient,
                "recipient_key": self.recipient_key,
                "created": self.created,
                "sequence": self.sequence,
                "purpose": self.purpose,
                "files": [{"path": f.path, "size": f.size, "sha256": f.sha256} for f in self.files],
            }
        )

    @classmethod
    def from_json(cls, data: bytes) -> "Manifest":
        """Parse and check a manifest; TamperedError names the field that is wrong."""

        def bad(name: str, why: str = "が正しくありません") -> TamperedError:
            return TamperedError(f"{MANIFEST_NAME} の項目 {name} {why}", where=f"{MANIFEST_NAME}:{name}")

        try:
            doc = json.loads(data.decode("utf-8"))
        except (UnicodeError, ValueError, RecursionError):
            raise TamperedError(f"{MANIFEST_NAME} を JSON として読めません", where=MANIFEST_NAME) from None
        if not isinstance(doc, dict):
            raise TamperedError(f"{MANIFEST_NAME} の形式が正しくありません", where=MANIFEST_NAME)
        names = ("format", "package_id", "sender", "recipient", "recipient_key", "created",
                 "sequence", "purpose", "files")
        for name in names:
            if name not in doc:
                raise bad(name, "がありません")
        if doc["format"] != PACKAGE_FORMAT:
            raise bad("format", f"{doc['format']!r} には対応していません")
        for name in ("package_id", "sender", "recipient", "recipient_key", "created", "purpose"):
            if not isinstance(doc[name], str):
                raise bad(name)
        if _org_problem(doc["sender"]):
            raise bad("sender")
        if _org_problem(doc["recipient"]):
            raise bad("recipient")
        try:
            if str(uuid.UUID(doc["package_id"])) != doc["package_id"]:
                raise ValueError
        except ValueError:
            raise bad("package_id") from None
        if doc["recipient_key"] != PASSPHRASE_KEY and not _FINGERPRINT.match(doc["recipient_key"]):
            raise bad("recipient_key")
        if parse_iso(doc["created"]) is None:
            raise bad("created")
        seq = doc["sequence"]
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
            raise bad("sequence")
        if not isinstance(doc["files"], list):
            raise bad("files")
        files = []
        for i, entry in enumerate(doc["files"]):
            if not isinstance(entry, dict) or set(entry) != {"path", "size", "sha256"}:
                raise bad(f"files[{i}]")
            path, size, digest = entry["path"], entry["size"], entry["sha256"]
            problem = check_file_name(path) if isinstance(path, str) else "not a string"
            if problem:
                raise TamperedError(
                    f"{MANIFEST_NAME} のファイル名 {path!r} は使えません ({problem})",
                    where=f"{FILES_PREFIX}{path}",
                    detail=problem,
                )
            if not isinstance(size, int) or isinstance(size, bool) or size < 0:
                raise bad(f"files[{i}].size")
            if not isinstance(digest, str) or not _SHA256.match(digest):
                raise bad(f"files[{i}].sha256")
            files.append(PackageFile(path, size, digest))
        duplicate = _name_conflict(f.path for f in files)
        if duplicate is not None:
            raise TamperedError(
                f"{MANIFEST_NAME} のファイル名 {duplicate} が他の名前と重複しています", where=f"{FILES_PREFIX}{duplicate}"
            )
        return cls(
            package_id=doc["package_id"],
            sender=doc["sender"],
            recipient=doc["recipient"],
            recipient_key=doc["recipient_key"],
            created=doc["created"],
            sequence=seq,
            purpose=doc["purpose"],
            files=tuple(files),
        )


class Ledger(Protocol):
    """What the receiving side remembers of accepted packages (受け入れ台帳)."""

    def last_sequence(self, sender: str, recipient: str) -> int | None:
        """The highest sequence number accepted from ``sender`` to ``recipient``, or None."""
        ...

    def seen(self, package_id: str) -> bool:
        """Whether a package with this id was already accepted."""
        ...


@dataclass
class MemoryLedger:
    """A ledger in memory (tests, one-off CLI checks). Real installations keep it in the database."""

    sequences: dict[tuple[str, str], int] = field(default_factory=dict)
    package_ids: set[str] = field(default_factory=set)

    def last_sequence(self, sender: str, recipient: str) -> int | None:
        return self.sequences.get((sender, recipient))

    def seen(self, package_id: str) -> bool:
        return package_id in self.package_ids

    def record(self, manifest: Manifest) -> None:
        key = (manifest.sender, manifest.recipient)
        self.sequences[key] = max(manifest.sequence, self.sequences.get(key, 0))
        self.package_ids.add(manifest.package_id)


# --- names ------------------------------------------------------------------------------------


def check_file_name(path: str) -> str | None:
    """Why ``path`` cannot name a file in a package, or None when it can.

    A name is a relative POSIX path of non-empty components, none ``.`` or ``..``, without
    control characters or the characters ``\\ : * ? " < > |`` (which other systems read as
    separators or drive letters), each component at most 255 UTF-8 bytes, 1024 in all.
    """
    if not path:
        return "empty name"
    if path.startswith("/"):
        return "absolute path"
    if len(path.encode("utf-8", "surrogatepass")) > 1024:
        return "name longer than 1024 bytes"
    for ch in path:
        if ord(ch) < 0x20 or ord(ch) == 0x7F or 0xD800 <= ord(ch) <= 0xDFFF:
            return f"control character U+{ord(ch):04X}"
        if ch in _FORBIDDEN_CHARS:
            return f"character {ch!r} not allowed"
    for part in path.split("/"):
        if part in ("", ".", ".."):
            return "path traversal or empty component"
        if len(part.encode("utf-8")) > 255:
            return "component longer than 255 bytes"
    return None


def _name_key(path: str) -> str:
    return unicodedata.normalize("NFC", path).casefold()


def _name_conflict(paths: Iterable[str]) -> str | None:
    """The first name that clashes with an earlier one: the same name (ignoring case and Unicode
    normalisation), or a file that is also a folder of another name (``a`` and ``a/b``)."""
    files: set[str] = set()
    folders: set[str] = set()
    for path in paths:
        key = _name_key(path)
        parts = key.split("/")
        prefixes = {"/".join(parts[:i]) for i in range(1, len(parts))}
        if key in files or key in folders or prefixes & files:
            return path
        files.add(key)
        folders |= prefixes
    return None


def _org_problem(code: object) -> bool:
    return not isinstance(code, str) or not code or any(ord(c) < 0x20 or ord(c) == 0x7F for c in code)


def recipient_fingerprint(recipient: str) -> str:
    """The manifest's ``recipient_key`` for an age recipient: ``sha256:`` + hex of its text."""
    return "sha256:" + hashlib.sha256(recipient.strip().encode("ascii")).hexdigest()


# --- writing ----------------------------------------------------------------------------------


def _tar_header(name: str, size: int, mtime: int) -> bytes:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = mtime
    info.mode = 0o600
    info.type = tarfile.REGTYPE
    info.uname = info.gname = ""
    return info.tobuf(tarfile.PAX_FORMAT, "utf-8", "strict")


def _padding(size: int) -> bytes:
    return bytes(-size % _BLOCK)


def _tar_stream(
    manifest: Manifest, manifest_bytes: bytes, signature_bytes: bytes, sources: Sequence[Path]
) -> Iterator[bytes]:
    """The inner tar, piece by piece; re-hashes each file and stops if it changed meanwhile."""
    mtime = int(manifest.created_at.timestamp())
    for name, data in ((MANIFEST_NAME, manifest_bytes), (SIGNATURE_NAME, signature_bytes)):
        yield _tar_header(name, len(data), mtime) + data + _padding(len(data))
    for entry, source in zip(manifest.files, sources):
        yield _tar_header(FILES_PREFIX + entry.path, entry.size, mtime)
        digest = hashlib.sha256()
        size = 0
        try:
            for block in iter_file(source, _CHUNK):
                size += len(block)
                if size > entry.size:
                    break
                digest.update(block)
                yield block
        except OSError as exc:
            raise PrivacyError(
                f"ファイル {entry.path} ({source}) を読めません", where=str(source), detail=str(exc)
            ) from exc
        if size != entry.size or digest.hexdigest() != entry.sha256:
            raise PrivacyError(
                f"ファイル {entry.path} がパッケージ作成中に変更されました", where=str(source)
            )
        yield _padding(entry.size)
    yield bytes(2 * _BLOCK)


class _ChunkReader:
    """A ``read(n)`` file-like view of an iterator of byte strings (what pyrage reads from)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = bytearray()
        self.error: BaseException | None = None

    def read(self, size: int = -1) -> bytes:
        try:
            while size < 0 or len(self._buffer) < size:
                chunk = next(self._chunks, None)
                if chunk is None:
                    break
                self._buffer += chunk
        except BaseException as exc:  # kept to re-raise after pyrage gives up
            self.error = exc
            raise OSError("package content failed") from exc
        if size < 0:
            size = len(self._buffer)
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        return out


def _hash_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    for block in iter_file(path, _CHUNK):
        size += len(block)
        digest.update(block)
    return size, digest.hexdigest()


def create_package(
    out: Path,
    files: Sequence[tuple[str, Path]],
    *,
    sender: str,
    recipient: str,
    sequence: int,
    purpose: str,
    signing_key: Ed25519PrivateKey,
    recipient_key: str | None = None,
    passphrase: str | None = None,
    created: dt.datetime | None = None,
) -> Manifest:
    """Write a signed, encrypted package to ``out`` (atomically) and return its manifest.

    ``files`` pairs each name inside the package with the file to read. Give exactly one of
    ``recipient_key`` (the recipient's ``age1…`` text) or ``passphrase`` (removable media).
    """
    out = Path(out)
    if (recipient_key is None) == (passphrase is None):
        raise PrivacyError(
            "受け取り用の鍵 (age1…) かパスフレーズのどちらか一方を指定してください", where="recipient_key"
        )
    if passphrase is not None and not passphrase:
        raise PrivacyError("パスフレーズが空です", where="passphrase")
    for name, value in (("sender", sender), ("recipient", recipient)):
        if _org_problem(value):
            raise PrivacyError(f"組織コード {name} が正しくありません", where=name)
    if not isinstance(sequence, int) or isinstance(sequence, bool) or sequence < 1:
        raise PrivacyError("通し番号 sequence は 1 以上の整数にしてください", where="sequence")
    if not isinstance(purpose, str):
        raise PrivacyError("目的 purpose は文字列にしてください", where="purpose")
    age_recipient: x25519.Recipient | None = None
    if recipient_key is not None:
        try:
            age_recipient = x25519.Recipient.from_str(recipient_key.strip())
        except Exception:
            raise PrivacyError(
                "受け取り用の鍵が age の X25519 recipient (age1…) ではありません", where="recipient_key"
            ) from None

    entries: list[PackageFile] = []
    sources: list[Path] = []
    for name, source in files:
        problem = check_file_name(name) if isinstance(name, str) else "not a string"
        if problem:
            raise PrivacyError(
                f"ファイル名 {name!r} はパッケージに入れられません ({problem})", where=str(name), detail=problem
            )
        source = Path(source)
        try:
            if not source.is_file():
                raise FileNotFoundError(str(source))
            size, digest = _hash_file(source)
        except OSError as exc:
            raise PrivacyError(
                f"ファイル {name} ({source}) を読めません", where=str(source), detail=str(exc)
            ) from exc
        entries.append(PackageFile(name, size, digest))
        sources.append(source)
    duplicate = _name_conflict(e.path for e in entries)
    if duplicate is not None:
        raise PrivacyError(
            f"ファイル名 {duplicate} が他の名前と重複しています (同じ名前、またはフォルダ名と同じ)", where=duplicate
        )

    manifest = Manifest(
        package_id=str(uuid.uuid4()),
        sender=sender,
        recipient=recipient,
        recipient_key=recipient_fingerprint(recipient_key) if recipient_key else PASSPHRASE_KEY,
        created=iso_jst(created or now_jst()),
        sequence=sequence,
        purpose=purpose,
        files=tuple(entries),
    )
    manifest_bytes = manifest.to_json()
    public = signing_key.public_key()
    signature_bytes = canonical_json(
        {
            "algorithm": "Ed25519",
            "key_id": public_key_id(public),
            "signature": b64(signing_key.sign(manifest_bytes)),
        }
    )

    def write(dst: BinaryIO) -> None:
        if age_recipient is not None:
            to = age_recipient
        else:
            ephemeral = x25519.Identity.generate()
            sealed = pyrage.passphrase.encrypt(str(ephemeral).encode("ascii"), passphrase)
            dst.write(PASSPHRASE_MAGIC + struct.pack(">I", len(sealed)) + sealed)
            to = ephemeral.to_public()
        reader = _ChunkReader(_tar_stream(manifest, manifest_bytes, signature_bytes, sources))
        try:
            pyrage.encrypt_io(reader, dst, [to])
        except Exception as exc:
            if reader.error is not None:
                raise reader.error from None
            raise PrivacyError("受け渡しパッケージを暗号化できません", where=str(out), detail=str(exc)) from exc

    try:
        write_atomic(out, write)
    except OSError as exc:
        raise PrivacyError(
            f"受け渡しパッケージ {out.name} を書き込めません", where=str(out), detail=str(exc)
        ) from exc
    return manifest


# --- reading ----------------------------------------------------------------------------------


class _Pipe:
    """A bounded in-memory pipe between two threads: ``write`` blocks while ``limit`` bytes wait,
    ``read`` blocks until bytes or the end arrive. No file descriptors, no SIGPIPE."""

    def __init__(self, limit: int = 1 << 20) -> None:
        self._cond = threading.Condition()
        self._chunks: deque[bytes] = deque()
        self._waiting = 0
        self._limit = limit
        self._ended = False
        self._abandoned = False

    def write(self, data: bytes) -> int:
        data = bytes(data)
        with self._cond:
            while self._waiting >= self._limit and not self._abandoned:
                self._cond.wait()
            if self._abandoned:
                raise BrokenPipeError("the reader stopped")
            self._chunks.append(data)
            self._waiting += len(data)
            self._cond.notify_all()
        return len(data)

    def end(self) -> None:
        with self._cond:
            self._ended = True
            self._cond.notify_all()

    def read(self, size: int = -1) -> bytes:
        with self._cond:
            while not self._chunks and not self._ended:
                self._cond.wait()
            parts: list[bytes] = []
            got = 0
            while self._chunks and (size < 0 or got < size):
                chunk = self._chunks.popleft()
                if size >= 0 and got + len(chunk) > size:
                    self._chunks.appendleft(chunk[size - got :])
                    chunk = chunk[: size - got]
                parts.append(chunk)
                got += len(chunk)
            self._waiting -= got
            self._cond.notify_all()
            return b"".join(parts)

    def abandon(self) -> None:
        """The reader stops: drop what waits, and make further writes fail."""
        with self._cond:
            self._abandoned = True
            self._chunks.clear()
            self._waiting = 0
            self._cond.notify_all()


class _Decryption:
    """pyrage's ``decrypt_io`` in a worker thread, writing plaintext into a pipe we read from.

    pyrage pushes plaintext to a writer while tarfile wants to pull it from a reader: the pipe
    joins the two with a bounded buffer, so memory stays small whatever the package size.
    """

    def __init__(self, src: BinaryIO, identity: x25519.Identity) -> None:
        self.reader = _Pipe()
        self.error: BaseException | None = None
        self.broken = False
        self._thread = threading.Thread(
            target=self._run, args=(src, identity), name="yakuba-package-decrypt", daemon=True
        )
        self._thread.start()

    def write(self, data: bytes) -> int:
        try:
            return self.reader.write(data)
        except BrokenPipeError:
            self.broken = True  # the reader gave up first: its error is the one that counts
            raise

    def _run(self, src: BinaryIO, identity: x25519.Identity) -> None:
        try:
            pyrage.decrypt_io(src, self, [identity])
        except BaseException as exc:
            self.error = exc
        finally:
            self.reader.end()

    def drain(self) -> None:
        """Read to the end, so that age authenticates the stream's last chunk too."""
        while self.reader.read(_CHUNK):
            pass

    def close(self) -> None:
        self.reader.abandon()  # a writer still waiting gets BrokenPipeError and stops
        self._thread.join()


def _open_identity(
    src: BinaryIO, name: str, identity: x25519.Identity | str | None, passphrase: str | None
) -> tuple[x25519.Identity, str]:
    """Read the outer header; the identity that opens the age stream and the expected key field."""
    start = read_exact(src, len(PASSPHRASE_MAGIC))
    if start.startswith(PASSPHRASE_MAGIC):
        if passphrase is None:
            raise WrongRecipientError(
                f"受け渡しパッケージ {name} はパスフレーズで暗号化されています (パスフレーズを指定してください)",
                where=name,
            )
        size_field = read_exact(src, 4)
        (length,) = struct.unpack(">I", size_field) if len(size_field) == 4 else (-1,)
        if not 0 < length <= MAX_WRAPPED_IDENTITY:
            raise TamperedError(f"受け渡しパッケージ {name} のヘッダーが壊れています", where=name)
        sealed = read_exact(src, length)
        try:
            secret = pyrage.passphrase.decrypt(sealed, passphrase)
        except Exception:
            raise WrongRecipientError(
                f"受け渡しパッケージ {name} を開けません: パスフレーズが違います", where=name,
                detail="wrong passphrase",
            ) from None
        try:
            return x25519.Identity.from_str(secret.decode("ascii").strip()), PASSPHRASE_KEY
        except Exception:
            raise TamperedError(f"受け渡しパッケージ {name} のヘッダーが壊れています", where=name) from None
    if start.startswith(AGE_MAGIC):
        src.seek(0)
        if identity is None:
            raise WrongRecipientError(
                f"受け渡しパッケージ {name} は受け取り用の鍵で暗号化されています (パスフレーズでは開けません)",
                where=name,
            )
        if isinstance(identity, str):
            try:
                identity = x25519.Identity.from_str(identity.strip())
            except Exception:
                raise KeyringError("受け取り用の鍵 (AGE-SECRET-KEY-1…) の形式が正しくありません") from None
        return identity, recipient_fingerprint(str(identity.to_public()))
    raise TamperedError(f"{name} は受け渡しパッケージの形式ではありません", where=name)


def _age_error(error: BaseException, name: str, passphrase_mode: bool) -> PrivacyError:
    if "no matching keys" in str(error).lower() and not passphrase_mode:
        return WrongRecipientError(
            f"受け渡しパッケージ {name} は当組織宛てではありません (受け取り用の鍵で開けません)",
            where=name,
            detail=str(error),
        )
    return TamperedError(
        f"受け渡しパッケージ {name} の暗号文が壊れているか改ざんされています", where=name, detail=str(error)
    )


def _member_bytes(tar: tarfile.TarFile, expected: str, limit: int) -> bytes:
    member = tar.next()
    if member is None or member.name != expected:
        found = "なし" if member is None else member.name
        raise TamperedError(
            f"受け渡しパッケージの先頭に {expected} がありません (見つかったもの: {found})", where=expected
        )
    if not _is_plain_file(member) or member.size > limit:
        raise TamperedError(f"受け渡しパッケージの {expected} が正しくありません", where=expected)
    handle = tar.extractfile(member)
    assert handle is not None
    return handle.read()


def _is_plain_file(member: tarfile.TarInfo) -> bool:
    return member.type in (tarfile.REGTYPE, tarfile.AREGTYPE) and member.sparse is None


def _check_signature(
    manifest_bytes: bytes, signature_bytes: bytes, trusted: Mapping[str, str]
) -> Manifest:
    try:
        sender = json.loads(manifest_bytes.decode("utf-8")).get("sender")
    except (UnicodeError, ValueError, AttributeError, RecursionError):
        raise TamperedError(f"{MANIFEST_NAME} を JSON として読めません", where=MANIFEST_NAME) from None
    if not isinstance(sender, str) or sender not in trusted:
        raise TamperedError(
            f"送信元 {sender!r} は信頼された送信元として登録されていません", where=f"{MANIFEST_NAME}:sender"
        )
    try:
        key = load_public_key(trusted[sender])
    except KeyringError as exc:
        raise KeyringError(f"送信元 {sender} の公開鍵の登録が正しくありません", where=sender) from exc
    try:
        sig = json.loads(signature_bytes.decode("utf-8"))
        signature = unb64_strict(sig["signature"]) if sig.get("algorithm") == "Ed25519" else b""
    except (UnicodeError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        signature = b""
    if len(signature) != 64:
        raise TamperedError(f"{SIGNATURE_NAME} の形式が正しくありません", where=SIGNATURE_NAME)
    try:
        key.verify(signature, manifest_bytes)
    except InvalidSignature:
        raise TamperedError(
            f"{MANIFEST_NAME} の署名が送信元 {sender} の鍵で検証できません (改ざんまたは別の鍵による署名)",
            where=SIGNATURE_NAME,
        ) from None
    return Manifest.from_json(manifest_bytes)


def _check_addressing(
    manifest: Manifest, expected_recipient: str, key_field: str, ledger: Ledger, name: str
) -> None:
    if manifest.recipient != expected_recipient:
        raise WrongRecipientError(
            f"受け渡しパッケージ {name} は {manifest.recipient} 宛てで、当組織 ({expected_recipient}) 宛てではありません",
            where=f"{MANIFEST_NAME}:recipient",
        )
    if manifest.recipient_key != key_field:
        raise WrongRecipientError(
            f"受け渡しパッケージ {name} は別の鍵 (または暗号化の方式) 宛てに作られています",
            where=f"{MANIFEST_NAME}:recipient_key",
            detail=f"manifest says {manifest.recipient_key}, opened with {key_field}",
        )
    if ledger.seen(manifest.package_id):
        raise ReplayError(
            f"受け渡しパッケージ {manifest.package_id} は既に受け入れ済みです (再送の可能性)",
            where=f"{MANIFEST_NAME}:package_id",
        )
    last = ledger.last_sequence(manifest.sender, manifest.recipient)
    if last is not None and manifest.sequence <= last:
        raise ReplayError(
            f"受け渡しパッケージの通し番号 {manifest.sequence} は受け入れ済みの番号 {last} 以下です "
            f"({manifest.sender} → {manifest.recipient})",
            where=f"{MANIFEST_NAME}:sequence",
        )


Sink = Callable[[PackageFile], BinaryIO | None]


def _check_files(tar: tarfile.TarFile, manifest: Manifest, sink: Sink) -> None:
    expected = {FILES_PREFIX + f.path: f for f in manifest.files}
    for entry in manifest.files:
        wanted = FILES_PREFIX + entry.path
        member = tar.next()
        if member is None:
            raise TamperedError(
                f"受け渡しパッケージにファイル {wanted} がありません", where=wanted, detail="missing file"
            )
        if member.name != wanted:
            why = "順序がマニフェストと違います" if member.name in expected else "マニフェストにないファイルです"
            raise TamperedError(f"受け渡しパッケージのファイル {member.name} は{why}", where=member.name)
        if not _is_plain_file(member):
            raise TamperedError(f"受け渡しパッケージの {wanted} は通常のファイルではありません", where=wanted)
        if member.size != entry.size:
            raise TamperedError(
                f"受け渡しパッケージのファイル {wanted} の大きさがマニフェストと違います",
                where=wanted,
                detail=f"{member.size} bytes, manifest says {entry.size}",
            )
        source = tar.extractfile(member)
        assert source is not None
        digest = hashlib.sha256()
        out = sink(entry)
        try:
            while block := source.read(_CHUNK):
                digest.update(block)
                if out is not None:
                    out.write(block)
            if out is not None:
                out.flush()
                os.fsync(out.fileno())
        finally:
            if out is not None:
                out.close()
        if digest.hexdigest() != entry.sha256:
            raise TamperedError(
                f"受け渡しパッケージのファイル {wanted} のハッシュ値がマニフェストと違います",
                where=wanted,
                detail="sha256 mismatch",
            )
    extra = tar.next()
    if extra is not None:
        raise TamperedError(
            f"受け渡しパッケージにマニフェストにないファイル {extra.name} があります", where=extra.name
        )


def _read_package(
    path: Path,
    *,
    identity: x25519.Identity | str | None,
    passphrase: str | None,
    trusted_senders: Mapping[str, str],
    expected_recipient: str,
    ledger: Ledger,
    sink: Sink,
    before_files: Callable[[Manifest], None] = lambda manifest: None,
) -> Manifest:
    path = Path(path)
    name = path.name
    try:
        src = open(path, "rb")
    except OSError as exc:
        raise PrivacyError(f"受け渡しパッケージ {name} を読めません", where=str(path), detail=str(exc)) from exc
    with src:
        age_identity, key_field = _open_identity(src, name, identity, passphrase)
        decryption = _Decryption(src, age_identity)
        failure: BaseException | None = None
        manifest: Manifest | None = None
        try:
            try:
                tar = tarfile.open(fileobj=decryption.reader, mode="r|", encoding="utf-8")
                manifest_bytes = _member_bytes(tar, MANIFEST_NAME, MAX_MANIFEST_SIZE)
                signature_bytes = _member_bytes(tar, SIGNATURE_NAME, MAX_SIGNATURE_SIZE)
                manifest = _check_signature(manifest_bytes, signature_bytes, trusted_senders)
                _check_addressing(manifest, expected_recipient, key_field, ledger, name)
                before_files(manifest)
                _check_files(tar, manifest, sink)
                decryption.drain()
            except (tarfile.TarError, EOFError, UnicodeError) as exc:
                raise TamperedError(
                    f"受け渡しパッケージ {name} の中身 (tar) が壊れています", where=name, detail=str(exc)
                ) from exc
        except BaseException as exc:
            failure = exc
        finally:
            decryption.close()
    if decryption.error is not None and not decryption.broken:
        raise _age_error(decryption.error, name, key_field == PASSPHRASE_KEY) from None
    if failure is not None:
        raise failure
    assert manifest is not None
    return manifest


def verify_package(
    path: Path,
    *,
    identity: x25519.Identity | str | None = None,
    passphrase: str | None = None,
    trusted_senders: Mapping[str, str],
    expected_recipient: str,
    ledger: Ledger,
) -> Manifest:
    """Check a package completely (decryption, signature, addressing, replay, every file's size
    and hash) without keeping its files; returns the manifest, or raises (see the module doc)."""
    return _read_package(
        path,
        identity=identity,
        passphrase=passphrase,
        trusted_senders=trusted_senders,
        expected_recipient=expected_recipient,
        ledger=ledger,
        sink=lambda entry: None,
    )


def _top_names(manifest: Manifest) -> list[str]:
    return list(dict.fromkeys(f.path.split("/", 1)[0] for f in manifest.files))


def open_package(
    path: Path,
    dest_dir: Path,
    *,
    identity: x25519.Identity | str | None = None,
    passphrase: str | None = None,
    trusted_senders: Mapping[str, str],
    expected_recipient: str,
    ledger: Ledger,
) -> Manifest:
    """Verify a package and extract its files into ``dest_dir`` (an existing folder).

    Files are written into a temporary folder inside ``dest_dir`` and moved in place only after
    every check passed; names already present in ``dest_dir`` are refused, never overwritten. On
    any failure nothing is left in ``dest_dir``. Then record the manifest in the ledger, in the
    caller's database transaction.
    """
    path, dest_dir = Path(path), Path(dest_dir)
    if not dest_dir.is_dir():
        raise PrivacyError(f"展開先のフォルダ {dest_dir} がありません", where=str(dest_dir))
    staging = dest_dir / f".yakuba-incoming-{uuid.uuid4().hex}"

    def refuse_existing(manifest: Manifest) -> None:
        for top in _top_names(manifest):
            if os.path.lexists(dest_dir / top):
                raise PrivacyError(
                    f"展開先に既に {top} があります (上書きしません)", where=str(dest_dir / top)
                )

    def sink(entry: PackageFile) -> BinaryIO:
        target = staging.joinpath(*entry.path.split("/"))
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        return os.fdopen(fd, "wb")

    try:
        staging.mkdir(mode=0o700)
    except OSError as exc:
        raise PrivacyError(
            f"展開先のフォルダ {dest_dir} に書き込めません", where=str(dest_dir), detail=str(exc)
        ) from exc
    try:
        try:
            manifest = _read_package(
                path,
                identity=identity,
                passphrase=passphrase,
                trusted_senders=trusted_senders,
                expected_recipient=expected_recipient,
                ledger=ledger,
                sink=sink,
                before_files=refuse_existing,
            )
        except OSError as exc:
            raise PrivacyError(
                f"展開先のフォルダ {dest_dir} に書き込めません", where=str(dest_dir), detail=str(exc)
            ) from exc
        refuse_existing(manifest)
        moved: list[str] = []
        try:
            for top in _top_names(manifest):
                os.rename(staging / top, dest_dir / top)
                moved.append(top)
        except OSError as exc:
            for top in reversed(moved):
                os.rename(dest_dir / top, staging / top)
            raise PrivacyError(
                f"受け渡しパッケージのファイルを {dest_dir} に移せません", where=str(dest_dir), detail=str(exc)
            ) from exc
        fsync_dir(dest_dir)
        return manifest
    finally:
        shutil.rmtree(staging, ignore_errors=True)
