"""Hand-over packages between organisations (受け渡しパッケージ): vendor (委託先) → city (市).

A package is one file: an age-encrypted tar stream whose first two members are ``manifest.json``
(who sends what to whom, with the size and SHA-256 of every file) and ``manifest.sig`` (the
sender's Ed25519 signature over the manifest bytes), then the files under ``files/``. It is
encrypted either to the recipient's age X25519 recipient (``age1…``) or, for removable media, with
a passphrase. Format: ``docs/formats/package.md``.

Nothing is written to disk in plaintext: the tar stream is produced lazily while it is encrypted,
and parsed while it is decrypted. Both sides work on streams:

- ``create_package(out, files, …)`` writes to a path (atomically) or to any binary stream (a
  ``BytesIO``, the vault's encrypting writer); each file's content is a path, ``bytes``, or a
  callable that opens a fresh stream (``FileSource``).
- The readers take a path, the package's bytes, or a binary stream read once, front to back
  (``PackageInput``). ``verify_package`` checks everything without keeping the files;
  ``open_package`` checks everything while extracting into a temporary folder inside
  ``dest_dir`` and moves the files in place only when all checks passed — on any failure nothing
  is left; ``open_package_to_memory`` keeps the files in memory, up to a total size limit;
  ``read_package`` hands each file to a caller's sink (``Sink``) as it is read.

The receiving side refuses, with the exception named:

- a package that does not open with its key or passphrase — WrongRecipientError;
- a damaged ciphertext, an unknown sender, a bad signature, a file whose size or hash differs, a
  missing, extra or reordered file, a file name that could escape the folder — TamperedError;
- a manifest addressed to another organisation or another key — WrongRecipientError;
- a package id already seen, or a sequence number not above the last accepted — ReplayError.

Recording an accepted package (its id and sequence number) in the ledger is the caller's job, in
the same database transaction that records what was imported: this module only reads the ledger.

Why one module of about a thousand lines: it is the format of ``docs/formats/package.md``, both
ways. Every check the reader makes (section 5 of the format, in its order) answers a choice the
writer makes a few screens above — the member order, the pax headers, the manifest's fields and
name rules, the two encryption modes and their headers — and the two must change together, in
one review, or packages already handed over stop opening. What is not the format (the adapters
between pyrage's and tarfile's streams) lives in ``_streams``; the helpers shared with the other
privacy modules in ``_common``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import struct
import tarfile
import threading
import unicodedata
import uuid
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator, Mapping, Protocol, Sequence

import pyrage
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyrage import x25519

from yakuba.files import fsync_dir, process_alive, write_atomic
from yakuba.privacy._common import (
    b64,
    canonical_json,
    iso_jst,
    load_public_key,
    now_jst,
    parse_iso,
    public_key_id,
    read_exact,
    unb64_strict,
)
from yakuba.privacy._streams import CHUNK, CheckedWriter, ChunkReader, Pipe, Prefixed, blocks
from yakuba.privacy.errors import (
    DecryptionError,
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
    "FileSource",
    "PackageInput",
    "PackageOutput",
    "Sink",
    "MEMORY_LIMIT",
    "create_package",
    "read_package",
    "verify_package",
    "open_package",
    "open_package_to_memory",
    "source_name",
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


FileSource = str | os.PathLike | bytes | bytearray | memoryview | Callable[[], BinaryIO]
"""Where a file's content comes from: a path, the bytes themselves, or a callable that returns a
fresh binary stream each time it is called (it is called twice: to hash, then to write)."""

PackageOutput = str | os.PathLike | BinaryIO
"""Where a package is written: a path (written atomically) or a binary stream (written in order)."""


@dataclass(frozen=True)
class _Source:
    """One file to put in a package: how to open it, and how to name it in a message."""

    open: Callable[[], BinaryIO]
    where: str
    label: str


def _source(name: str, source: FileSource) -> _Source:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        return _Source(lambda: io.BytesIO(data), name, name)
    if callable(source):
        return _Source(source, name, name)
    if callable(getattr(source, "read", None)):
        raise TypeError(f"the content of {name!r} is an open stream: it is read twice, so give a callable "
                        "that opens a fresh one (lambda: open(...)), a path or bytes")
    path = Path(source)

    def open_path() -> BinaryIO:
        if not path.is_file():
            raise FileNotFoundError(str(path))
        return open(path, "rb")

    return _Source(open_path, str(path), f"{name} ({path})")


def _unreadable(source: _Source, exc: OSError) -> PrivacyError:
    return PrivacyError(f"ファイル {source.label} を読めません", where=source.where, detail=str(exc))


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
    manifest: Manifest, manifest_bytes: bytes, signature_bytes: bytes, sources: Sequence[_Source]
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
            with closing(blocks(source.open)) as content:
                for block in content:
                    size += len(block)
                    if size > entry.size:
                        break
                    digest.update(block)
                    yield block
        except OSError as exc:
            raise _unreadable(source, exc) from exc
        if size != entry.size or digest.hexdigest() != entry.sha256:
            raise PrivacyError(
                f"ファイル {entry.path} がパッケージ作成中に変更されました", where=source.where
            )
        yield _padding(entry.size)
    yield bytes(2 * _BLOCK)


def _hash_source(source: _Source) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    try:
        for block in blocks(source.open):
            size += len(block)
            digest.update(block)
    except OSError as exc:
        raise _unreadable(source, exc) from exc
    return size, digest.hexdigest()


def _is_writer(out: object) -> bool:
    return not isinstance(out, (str, os.PathLike)) and callable(getattr(out, "write", None))


def create_package(
    out: PackageOutput,
    files: Sequence[tuple[str, FileSource]],
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
    """Write a signed, encrypted package to ``out`` and return its manifest.

    ``out`` is a path, written atomically (whole or not at all), or a binary stream (anything
    with ``write``: a ``BytesIO``, the vault's encrypting writer), written in order and left
    open; when this raises, what was written to a stream is incomplete and must be discarded.
    ``files`` pairs each name inside the package with its content: a path, ``bytes``, or a
    callable returning a fresh binary stream (see ``FileSource``). Each content is read twice
    (hash, then write); one that changes in between is refused. Give exactly one of
    ``recipient_key`` (the recipient's ``age1…`` text) or ``passphrase`` (removable media).
    """
    to_stream = _is_writer(out)
    if not to_stream:
        out = Path(out)  # type: ignore[arg-type]
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
    sources: list[_Source] = []
    for name, content in files:
        problem = check_file_name(name) if isinstance(name, str) else "not a string"
        if problem:
            raise PrivacyError(
                f"ファイル名 {name!r} はパッケージに入れられません ({problem})", where=str(name), detail=problem
            )
        source = _source(name, content)
        size, digest = _hash_source(source)
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
    label = source_name(out)

    def write(dst: BinaryIO) -> None:
        if age_recipient is not None:
            to = age_recipient
        else:
            ephemeral = x25519.Identity.generate()
            sealed = pyrage.passphrase.encrypt(str(ephemeral).encode("ascii"), passphrase)
            dst.write(PASSPHRASE_MAGIC + struct.pack(">I", len(sealed)) + sealed)
            to = ephemeral.to_public()
        reader = ChunkReader(_tar_stream(manifest, manifest_bytes, signature_bytes, sources))
        writer = CheckedWriter(dst)
        try:
            pyrage.encrypt_io(reader, writer, [to])
        except Exception as exc:
            if reader.error is not None:
                raise reader.error from None
            if writer.error is not None:
                raise writer.error from None
            raise PrivacyError("受け渡しパッケージを暗号化できません", where=label, detail=str(exc)) from exc
        if writer.error is not None:  # pyrage returned although a write failed
            raise writer.error

    try:
        if to_stream:
            write(out)  # type: ignore[arg-type]
        else:
            write_atomic(out, write)  # type: ignore[arg-type]
    except OSError as exc:
        raise PrivacyError(
            f"受け渡しパッケージ {label} を書き込めません", where=str(out) if not to_stream else label,
            detail=str(exc),
        ) from exc
    return manifest


# --- reading ----------------------------------------------------------------------------------


class _Decryption:
    """pyrage's ``decrypt_io`` in a worker thread, writing plaintext into a pipe we read from.

    pyrage pushes plaintext to a writer while tarfile wants to pull it from a reader: the pipe
    joins the two with a bounded buffer, so memory stays small whatever the package size.
    """

    def __init__(self, src: BinaryIO, identity: x25519.Identity) -> None:
        self.reader = Pipe()
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
        while self.reader.read(CHUNK):
            pass

    def close(self) -> None:
        self.reader.abandon()  # a writer still waiting gets BrokenPipeError and stops
        self._thread.join()


def _open_identity(
    src: BinaryIO, name: str, identity: x25519.Identity | str | None, passphrase: str | None
) -> tuple[x25519.Identity, str, BinaryIO]:
    """Read the outer header: the identity that opens the age stream, the expected key field, and
    the age stream itself (from its first byte: the sniffed bytes are put back, no seek needed)."""
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
            raise DecryptionError(  # exit 4: the key at hand (the passphrase) does not open it
                f"受け渡しパッケージ {name} を開けません: パスフレーズが違います", where=name,
                detail="wrong passphrase",
            ) from None
        try:
            return x25519.Identity.from_str(secret.decode("ascii").strip()), PASSPHRASE_KEY, src
        except Exception:
            raise TamperedError(f"受け渡しパッケージ {name} のヘッダーが壊れています", where=name) from None
    if start.startswith(AGE_MAGIC):
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
        return identity, recipient_fingerprint(str(identity.to_public())), Prefixed(start, src)
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
"""Where ``read_package`` writes each file once its name and size are checked: a binary stream
(closed after the file's last byte; a real file is fsynced first), or None to only check it.
The file's hash is checked after its last byte: a sink must not act on what it got before
``read_package`` returns."""

PackageInput = str | os.PathLike | bytes | bytearray | memoryview | BinaryIO
"""A package to read: a path, its bytes, or a binary stream positioned at its first byte (read
once, front to back: no seek; the caller closes it)."""

MEMORY_LIMIT = 256 * 1024 * 1024
"""What ``open_package_to_memory`` holds at most (the sum of the file sizes), by default."""


def source_name(src: object, name: str | None = None) -> str:
    """How messages name a package (or a file) given as a path, a stream or bytes: ``name`` when
    given, else the file name of a path or of a stream's ``name``, else ``(名前なし)``."""
    if name:
        return name
    if isinstance(src, (str, os.PathLike)):
        return Path(src).name
    label = getattr(src, "name", None)
    if isinstance(label, str) and label:
        return Path(label).name
    return "(名前なし)"


def _sync(out: BinaryIO) -> None:
    """fsync a sink that is a real file; a memory sink has nothing to sync."""
    try:
        fd = out.fileno()
    except (AttributeError, OSError, ValueError):
        return
    os.fsync(fd)


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
            while block := source.read(CHUNK):
                digest.update(block)
                if out is not None:
                    out.write(block)
            if out is not None:
                out.flush()
                _sync(out)
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


@contextmanager
def _opened(src: PackageInput, name: str) -> Iterator[BinaryIO]:
    """The package as a stream: a path opened (and closed after), bytes wrapped, a stream as is."""
    if isinstance(src, (bytes, bytearray, memoryview)):
        yield io.BytesIO(bytes(src))
        return
    if not isinstance(src, (str, os.PathLike)) and callable(getattr(src, "read", None)):
        yield src  # type: ignore[misc]
        return
    path = Path(src)  # type: ignore[arg-type]
    try:
        stream = open(path, "rb")
    except OSError as exc:
        raise PrivacyError(f"受け渡しパッケージ {name} を読めません", where=str(path), detail=str(exc)) from exc
    with stream:
        yield stream


def read_package(
    src: PackageInput,
    *,
    identity: x25519.Identity | str | None = None,
    passphrase: str | None = None,
    trusted_senders: Mapping[str, str],
    expected_recipient: str,
    ledger: Ledger,
    sink: Sink,
    before_files: Callable[[Manifest], None] = lambda manifest: None,
    name: str | None = None,
) -> Manifest:
    """Check a package completely, handing each file to ``sink`` as it is read; the manifest.

    The checks run in this order: the outer header and the key or passphrase, the manifest's
    signature, its addressing and the ledger (replay), then ``before_files(manifest)`` (which
    may refuse by raising), then every file's name, size and hash in order, then the end of the
    age stream. Any failure raises (see the module doc); the sink's output is then worthless.
    ``name`` names the package in messages (default: see ``source_name``).
    """
    name = source_name(src, name)
    with _opened(src, name) as stream:
        age_identity, key_field, age_stream = _open_identity(stream, name, identity, passphrase)
        decryption = _Decryption(age_stream, age_identity)
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
    src: PackageInput,
    *,
    identity: x25519.Identity | str | None = None,
    passphrase: str | None = None,
    trusted_senders: Mapping[str, str],
    expected_recipient: str,
    ledger: Ledger,
    name: str | None = None,
) -> Manifest:
    """Check a package completely (decryption, signature, addressing, replay, every file's size
    and hash) without keeping its files; returns the manifest, or raises (see the module doc)."""
    return read_package(
        src,
        identity=identity,
        passphrase=passphrase,
        trusted_senders=trusted_senders,
        expected_recipient=expected_recipient,
        ledger=ledger,
        sink=lambda entry: None,
        name=name,
    )


class _MemoryFile(io.BytesIO):
    """A sink that keeps a file's bytes in ``files[path]`` when it is closed."""

    def __init__(self, files: dict[str, bytes], path: str) -> None:
        super().__init__()
        self._files, self._path = files, path

    def close(self) -> None:
        if not self.closed:
            self._files[self._path] = self.getvalue()
        super().close()


def open_package_to_memory(
    src: PackageInput,
    *,
    identity: x25519.Identity | str | None = None,
    passphrase: str | None = None,
    trusted_senders: Mapping[str, str],
    expected_recipient: str,
    ledger: Ledger,
    limit: int = MEMORY_LIMIT,
    name: str | None = None,
) -> tuple[Manifest, dict[str, bytes]]:
    """Verify a package and return its manifest and files (name inside the package → bytes, in
    the manifest's order), kept in memory only: nothing plaintext is written to disk.

    A package whose files add up to more than ``limit`` bytes is refused (PrivacyError) before
    any file is read: the manifest is checked first, and every file must have the size the
    manifest says. Then record the manifest in the ledger, in the caller's database transaction.
    """
    name = source_name(src, name)
    files: dict[str, bytes] = {}

    def refuse_too_big(manifest: Manifest) -> None:
        if manifest.total_size > limit:
            raise PrivacyError(
                f"受け渡しパッケージ {name} は大きすぎるためメモリ上で開けません "
                f"(ファイルの合計 {manifest.total_size} バイト、上限 {limit} バイト)",
                where=name,
                detail=f"total size {manifest.total_size} > limit {limit}",
            )

    manifest = read_package(
        src,
        identity=identity,
        passphrase=passphrase,
        trusted_senders=trusted_senders,
        expected_recipient=expected_recipient,
        ledger=ledger,
        sink=lambda entry: _MemoryFile(files, entry.path),
        before_files=refuse_too_big,
        name=name,
    )
    return manifest, files


def _top_names(manifest: Manifest) -> list[str]:
    return list(dict.fromkeys(f.path.split("/", 1)[0] for f in manifest.files))


STAGING_PREFIX = ".yakuba-incoming-"
"""The folder inside DEST that ``open_package`` extracts into (``.yakuba-incoming-<pid>-<random>``):
unverified, never visible under the files' own names, removed when the open ends; one left by a
process that was killed is removed by the next open into the same DEST."""


def remove_abandoned_staging(dest_dir: Path) -> list[str]:
    """Remove the staging folders in ``dest_dir`` whose process is gone (killed during an open);
    the names removed. A folder of a process still running (another open) is left alone."""
    removed = []
    for entry in dest_dir.iterdir():
        if not entry.name.startswith(STAGING_PREFIX):
            continue
        pid_text = entry.name[len(STAGING_PREFIX):].split("-", 1)[0]
        if pid_text.isdigit() and len(pid_text) < 10 and process_alive(int(pid_text)):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry.name)
    if removed:
        fsync_dir(dest_dir)
    return removed


def open_package(
    src: PackageInput,
    dest_dir: Path,
    *,
    identity: x25519.Identity | str | None = None,
    passphrase: str | None = None,
    trusted_senders: Mapping[str, str],
    expected_recipient: str,
    ledger: Ledger,
    name: str | None = None,
) -> Manifest:
    """Verify a package and extract its files into ``dest_dir`` (an existing folder).

    Files are written into a temporary folder inside ``dest_dir`` and moved in place only after
    every check passed; names already present in ``dest_dir`` are refused, never overwritten. On
    any failure nothing is left in ``dest_dir``. Then record the manifest in the ledger, in the
    caller's database transaction. (To keep the files in memory instead: ``open_package_to_memory``.)
    """
    dest_dir = Path(dest_dir)
    if not dest_dir.is_dir():
        raise PrivacyError(f"展開先のフォルダ {dest_dir} がありません", where=str(dest_dir))
    remove_abandoned_staging(dest_dir)
    staging = dest_dir / f"{STAGING_PREFIX}{os.getpid()}-{uuid.uuid4().hex}"

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
            manifest = read_package(
                src,
                identity=identity,
                passphrase=passphrase,
                trusted_senders=trusted_senders,
                expected_recipient=expected_recipient,
                ledger=ledger,
                sink=sink,
                before_files=refuse_existing,
                name=name,
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
