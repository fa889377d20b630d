"""The installation's keyring (鍵束): kept in a directory outside the database.

Layout of the directory (mode 0700; every file mode 0600, one line of text, written atomically —
temp file, fsync, rename — so a crash never leaves a half-written key):

==========================  =====================================================================
file                        content
==========================  =====================================================================
``master-<key id>.key``     a master key (マスター鍵): 32 random bytes, standard base64. The key id
                            is the first 16 hex digits of SHA-256 of the 32 bytes; it is checked
                            on load.
``current``                 the key id of the master key that wraps new data keys. Written last
                            on creation: a directory without it holds no keyring yet.
``signing.key``             the Ed25519 private key (署名鍵), its 32-byte seed in base64.
``age.key``                 the age X25519 identity (``AGE-SECRET-KEY-1…``) that opens hand-over
                            packages addressed to this installation.
``audit.key``               the HMAC key of the audit chain (監査ログ), 32 bytes in base64.
==========================  =====================================================================

Wrapped data keys (``wrap``) are blobs that name the master key that wrapped them, so any master
key still on disk can unwrap; see ``docs/formats/envelope.md`` for the byte layout.

Master key rotation (``rotate``) is crash-safe, step by step:

1. A new master key file is created. *Crash here:* the new key is an unused orphan; ``current``
   still names the old key, every blob still opens.
2. ``rewrap(fn)`` runs: the caller re-wraps every stored wrapped key with ``fn`` inside its own
   database transaction. *Crash before the commit:* the transaction rolls back, as in 1. *Crash
   after the commit:* blobs name the new key, both key files exist, every blob opens; new data
   keys are still wrapped with the old key until the next rotation.
3. ``current`` is switched to the new key (atomic rename). *Crash here:* both keys on disk; all
   blobs open.
4. Every other master key file is retired (overwritten, deleted). *Crash here:* a leftover old
   key is harmless and is retired by the next rotation.

Because step 4 deletes every master key but the new one, ``rewrap`` must re-wrap *every* wrapped
key the installation stores, whatever key id it names. Run rotation as maintenance (other
processes should not wrap new keys meanwhile): a process that opened the keyring earlier notices
the switch of ``current`` on its next ``wrap``, but a blob it wraps with the old key between the
caller's re-wrap pass and step 4 would be lost.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pyrage
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from pyrage import x25519

from yakuba.files import write_bytes_atomic, write_new
from yakuba.privacy._common import (
    b64,
    canonical_json,
    iso_jst,
    load_public_key,
    now_jst,
    overwrite_and_unlink,
    public_key_id,
    public_key_text,
    short_id,
    unb64_strict,
)
from yakuba.privacy.errors import DecryptionError, KeyringError

__all__ = ["Keyring", "RotationResult", "load_public_key", "WRAPPED_KEY_SIZE"]

CURRENT = "current"
SIGNING = "signing.key"
AGE = "age.key"
AUDIT = "audit.key"
_MASTER = re.compile(r"^master-([0-9a-f]{16})\.key$")
_KEY_ID = re.compile(r"^[0-9a-f]{16}$")
_FIXED = (SIGNING, AGE, AUDIT)

BACKUP_FORMAT = "yakuba-keyring-backup/1"

_WRAP_VERSION = 1
_WRAP_AAD = b"yakuba-wrap/1\x00"
_NONCE = 12
_HEADER = 1 + 8 + _NONCE
WRAPPED_KEY_SIZE = _HEADER + 32 + 16
"""Size of a wrapped 32-byte data key: version, key id, nonce, ciphertext, tag."""


@dataclass(frozen=True)
class RotationResult:
    """What ``Keyring.rotate`` did."""

    old_key_id: str
    new_key_id: str
    rewrapped: int
    retired: tuple[str, ...]


def _master_name(key_id: str) -> str:
    return f"master-{key_id}.key"


def _b64_line(name: str, text: str, size: int) -> bytes:
    try:
        raw = unb64_strict(text.strip())
    except ValueError:
        raw = b""
    if len(raw) != size:
        raise KeyringError(f"鍵ファイル {name} の内容が正しくありません", where=name)
    return raw


def _parse(name: str, text: str) -> object:
    """Check one keyring file's content; returns the key object it holds."""
    if name == CURRENT:
        key_id = text.strip()
        if not _KEY_ID.match(key_id):
            raise KeyringError("鍵束の current ファイルの内容が正しくありません", where=name)
        return key_id
    if name == SIGNING:
        return Ed25519PrivateKey.from_private_bytes(_b64_line(name, text, 32))
    if name == AGE:
        try:
            return x25519.Identity.from_str(text.strip())
        except Exception:
            raise KeyringError(f"鍵ファイル {name} の内容が正しくありません", where=name) from None
    if name == AUDIT:
        return _b64_line(name, text, 32)
    m = _MASTER.match(name)
    if m:
        raw = _b64_line(name, text, 32)
        if short_id(raw) != m.group(1):
            raise KeyringError(
                f"マスター鍵 {name} の内容が鍵IDと一致しません", where=name, detail="key id mismatch"
            )
        return raw
    raise KeyringError(f"鍵束に不明なファイル {name} があります", where=name)


def _make_directory(directory: Path) -> None:
    """The keyring's folder, private to its owner (0700), created if missing."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(directory, 0o700)
    except OSError as exc:
        raise KeyringError(
            f"鍵束のディレクトリ {directory} を作成できません", where=str(directory), detail=str(exc)
        ) from exc


class Keyring:
    """An installation's keys. ``Keyring(directory)`` opens an existing keyring;
    ``Keyring.open(directory, create=True)`` also creates one on first use."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._masters: dict[str, bytes] = {}
        self._current = ""
        self._current_stamp: tuple[int, int] | None = None
        if not self.directory.is_dir() or not (self.directory / CURRENT).exists():
            raise KeyringError(
                f"鍵束 {self.directory} がありません", where=str(self.directory),
                detail="no keyring in this directory",
            )
        self._check_private(self.directory, directory=True)
        for name in _FIXED:
            if not (self.directory / name).exists():
                raise KeyringError(
                    f"鍵束に {name} がありません (鍵束が不完全です。バックアップから復元してください)",
                    where=name,
                )
        self._signing: Ed25519PrivateKey = self._load(SIGNING)  # type: ignore[assignment]
        self._age: x25519.Identity = self._load(AGE)  # type: ignore[assignment]
        self._audit: bytes = self._load(AUDIT)  # type: ignore[assignment]
        self._refresh_current()

    # --- opening and creating -----------------------------------------------------------------

    @classmethod
    def open(cls, directory: Path, create: bool = True) -> "Keyring":
        """Open the keyring in ``directory``; with ``create``, generate it when there is none.

        Creation is safe against a crash (files that exist are kept, missing ones are made, and
        ``current`` comes last) and against two processes creating at once (no file is ever
        overwritten; both end up with the same keys).
        """
        directory = Path(directory)
        if not (directory / CURRENT).exists():
            if not create:
                raise KeyringError(f"鍵束 {directory} がありません", where=str(directory))
            cls._create(directory)
        return cls(directory)

    @staticmethod
    def _create(directory: Path) -> None:
        _make_directory(directory)
        for name in os.listdir(directory):
            if not (name in (*_FIXED, CURRENT) or _MASTER.match(name) or name.startswith(".")):
                raise KeyringError(
                    f"鍵束のディレクトリ {directory} に鍵以外のファイル {name} があります",
                    where=name,
                )
        seed = Ed25519PrivateKey.generate().private_bytes(
            Encoding.Raw, PrivateFormat.Raw, NoEncryption()
        )
        write_new(directory / SIGNING, (b64(seed) + "\n").encode())
        write_new(directory / AGE, (str(x25519.Identity.generate()) + "\n").encode())
        write_new(directory / AUDIT, (b64(secrets.token_bytes(32)) + "\n").encode())
        master = secrets.token_bytes(32)
        key_id = short_id(master)
        write_new(directory / _master_name(key_id), (b64(master) + "\n").encode())
        write_new(directory / CURRENT, (key_id + "\n").encode())

    # --- reading files ------------------------------------------------------------------------

    def _check_private(self, path: Path, *, directory: bool = False) -> None:
        if os.name != "posix":
            return
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            want = "700" if directory else "600"
            raise KeyringError(
                f"鍵束の {path.name} のアクセス権が広すぎます (chmod {want} {path} を実行してください)",
                where=str(path),
                detail=f"mode {mode:o}",
            )

    def _read(self, name: str) -> str:
        path = self.directory / name
        try:
            self._check_private(path)
            return path.read_text(encoding="ascii")
        except FileNotFoundError:
            raise KeyringError(f"鍵束に {name} がありません", where=name) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise KeyringError(f"鍵ファイル {name} を読めません", where=name, detail=str(exc)) from exc

    def _load(self, name: str) -> object:
        return _parse(name, self._read(name))

    def _refresh_current(self) -> None:
        """Re-read ``current`` when it changed on disk (a rotation by another process)."""
        path = self.directory / CURRENT
        try:
            st = path.stat()
        except FileNotFoundError:
            raise KeyringError("鍵束の current ファイルがありません", where=CURRENT) from None
        stamp = (st.st_ino, st.st_mtime_ns)
        if stamp != self._current_stamp:
            key_id = str(self._load(CURRENT))
            self._master(key_id)
            self._current, self._current_stamp = key_id, stamp

    def _master(self, key_id: str) -> bytes:
        key = self._masters.get(key_id)
        if key is None:
            if not _KEY_ID.match(key_id):
                raise KeyringError(f"マスター鍵ID {key_id!r} が正しくありません", where=key_id)
            key = self._load(_master_name(key_id))  # type: ignore[assignment]
            self._masters[key_id] = key  # type: ignore[assignment]
        return key  # type: ignore[return-value]

    # --- the keys -----------------------------------------------------------------------------

    @property
    def current_key_id(self) -> str:
        self._refresh_current()
        return self._current

    def master_key_ids(self) -> list[str]:
        """Ids of every master key file in the directory (the current one and any not yet retired)."""
        return sorted(m.group(1) for n in os.listdir(self.directory) if (m := _MASTER.match(n)))

    def signing_key(self) -> Ed25519PrivateKey:
        return self._signing

    def public_key_text(self) -> str:
        """The signing key's public half as one line: ``ed25519:<base64 of 32 bytes>``."""
        return public_key_text(self._signing.public_key())

    def public_key_id(self) -> str:
        return public_key_id(self._signing.public_key())

    def age_identity(self) -> x25519.Identity:
        return self._age

    def age_recipient(self) -> str:
        """The age recipient (``age1…``) that senders encrypt hand-over packages to."""
        return str(self._age.to_public())

    def audit_key(self) -> bytes:
        return self._audit

    # --- wrapping data keys -------------------------------------------------------------------

    @staticmethod
    def _wrap_with(key_id: str, master: bytes, data_key: bytes, context: bytes) -> bytes:
        header = bytes([_WRAP_VERSION]) + bytes.fromhex(key_id) + secrets.token_bytes(_NONCE)
        sealed = AESGCM(master).encrypt(header[9:], bytes(data_key), _WRAP_AAD + header + context)
        return header + sealed

    def wrap(self, data_key: bytes, context: bytes) -> bytes:
        """Encrypt a data key (データ鍵) with the current master key, bound to ``context``."""
        self._refresh_current()
        return self._wrap_with(self._current, self._masters[self._current], data_key, context)

    def unwrap(self, blob: bytes, context: bytes) -> bytes:
        """The data key in ``blob``; DecryptionError when it does not open with this ``context``."""
        blob = bytes(blob)
        if len(blob) < _HEADER + 16 or blob[0] != _WRAP_VERSION:
            raise DecryptionError(
                "ラップされたデータ鍵の形式が正しくありません", where="wrapped key",
                detail=f"{len(blob)} bytes, version {blob[:1].hex() or '-'}",
            )
        key_id = blob[1:9].hex()
        try:
            master = self._master(key_id)
        except KeyringError as exc:
            raise DecryptionError(
                f"マスター鍵 {key_id} が鍵束にありません (廃棄済みか、別の設置の鍵です)",
                where=f"master key {key_id}",
            ) from exc
        try:
            aad = _WRAP_AAD + blob[:_HEADER] + context
            return AESGCM(master).decrypt(blob[9:_HEADER], blob[_HEADER:], aad)
        except InvalidTag:
            raise DecryptionError(
                "データ鍵を復号できません (対象IDが違うか、鍵が改ざんされています)",
                where=f"master key {key_id}",
                detail="AES-GCM tag mismatch",
            ) from None

    # --- rotation -----------------------------------------------------------------------------

    def rotate(self, rewrap: Callable[[Callable[[bytes, bytes], bytes]], int]) -> RotationResult:
        """Replace the master key (マスター鍵の更新); see the module docstring for crash safety.

        ``rewrap(fn)`` must run ``fn(old_blob, context) -> new_blob`` over every wrapped key the
        installation stores, inside one database transaction, and return how many it re-wrapped.
        If it raises, the new key file is left as an unused orphan (retired by the next rotation)
        and nothing else changes.
        """
        old_id = self.current_key_id
        new_key = secrets.token_bytes(32)
        new_id = short_id(new_key)
        if not write_new(self.directory / _master_name(new_id), (b64(new_key) + "\n").encode()):
            raise KeyringError("新しいマスター鍵を作成できません", where=_master_name(new_id))
        self._masters[new_id] = new_key

        def fn(blob: bytes, context: bytes) -> bytes:
            return self._wrap_with(new_id, new_key, self.unwrap(blob, context), context)

        count = rewrap(fn)
        write_bytes_atomic(self.directory / CURRENT, (new_id + "\n").encode())
        self._current_stamp = None
        self._refresh_current()
        retired = []
        for key_id in self.master_key_ids():
            if key_id != new_id:
                overwrite_and_unlink(self.directory / _master_name(key_id))
                self._masters.pop(key_id, None)
                retired.append(key_id)
        return RotationResult(old_id, new_id, int(count), tuple(retired))

    # --- backup and restore -------------------------------------------------------------------

    def _files(self) -> dict[str, str]:
        names = [*_FIXED, *(_master_name(k) for k in self.master_key_ids()), CURRENT]
        return {name: self._read(name) for name in names}

    def backup(self, dest: Path, passphrase: str, *, force: bool = False) -> None:
        """Write the whole keyring to ``dest`` as one age file encrypted with ``passphrase``."""
        dest = Path(dest)
        if not passphrase:
            raise KeyringError("鍵束のバックアップにはパスフレーズが必要です", where="passphrase")
        if dest.exists() and not force:
            raise KeyringError(f"{dest} は既に存在します (上書きしません)", where=str(dest))
        payload = canonical_json(
            {"format": BACKUP_FORMAT, "created": iso_jst(now_jst()), "files": self._files()}
        )
        write_bytes_atomic(dest, pyrage.passphrase.encrypt(payload, passphrase))

    @classmethod
    def restore(
        cls, src: Path, directory: Path, passphrase: str, *, force: bool = False
    ) -> "Keyring":
        """Recreate the keyring in ``directory`` from a ``backup`` file and open it.

        Refuses when ``directory`` already holds a keyring, unless ``force``; with ``force`` the
        backup's files replace those of the same name, and master keys not in the backup are kept
        (key material is never deleted implicitly).
        """
        src, directory = Path(src), Path(directory)
        if (directory / CURRENT).exists() and not force:
            raise KeyringError(
                f"{directory} には既に鍵束があります (上書きするには force を指定してください)",
                where=str(directory),
            )
        try:
            sealed = src.read_bytes()
        except OSError as exc:
            raise KeyringError(f"鍵束のバックアップ {src.name} を読めません", where=str(src), detail=str(exc)) from exc
        try:
            payload = pyrage.passphrase.decrypt(sealed, passphrase)
        except Exception:
            raise KeyringError(
                f"鍵束のバックアップ {src.name} を開けません: パスフレーズが違うか、バックアップファイルではありません",
                where=str(src),
                detail="wrong passphrase or not a keyring backup",
            ) from None
        try:
            doc = json.loads(payload.decode("utf-8"))
            files = doc["files"]
            ok = doc.get("format") == BACKUP_FORMAT and isinstance(files, dict)
        except (ValueError, KeyError, TypeError, AttributeError):
            ok = False
        if not ok or not all(isinstance(v, str) for v in files.values()):
            raise KeyringError(f"鍵束のバックアップ {src.name} の形式が正しくありません", where=str(src))
        for name in (*_FIXED, CURRENT):
            if name not in files:
                raise KeyringError(f"鍵束のバックアップに {name} がありません", where=name)
        for name, text in files.items():
            _parse(name, text)  # refuses unknown names (no path tricks) and bad content
        if _master_name(files[CURRENT].strip()) not in files:
            raise KeyringError("鍵束のバックアップに現在のマスター鍵がありません", where=CURRENT)
        _make_directory(directory)
        for name, text in files.items():
            if name != CURRENT:
                write_bytes_atomic(directory / name, text.encode("ascii"))
        write_bytes_atomic(directory / CURRENT, files[CURRENT].encode("ascii"))
        return cls(directory)
