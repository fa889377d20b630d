"""Envelope encryption of stored files (ファイルの暗号化): one data key per object.

A scan, an attachment or a package at rest is encrypted with its own random data key (データ鍵);
the data key is wrapped by the keyring's master key and stored next to the object's row in the
database. Destroying the wrapped key erases the object (暗号消去, crypto erase).

The file format (``docs/formats/envelope.md``) is a 51-byte header followed by AES-256-GCM chunks
of ``chunk_size`` plaintext bytes (64 KiB by default). Each chunk's nonce is the header's random
7-byte prefix, the chunk counter and a last-chunk flag (the STREAM construction), and every chunk
carries the header and the object id as associated data. So a chunk that is altered, dropped,
repeated, moved, taken from another object, or a stream cut at a chunk boundary, fails to decrypt,
and the error names the chunk. A key commitment in the header tells "wrong key or wrong object id"
(DecryptionError) apart from "altered data" (TamperedError).

Streaming: memory stays at a few chunks whatever the size of the file. Decryption writes each
chunk only after it authenticated, but a failure can still come after earlier chunks were written
(a cut-off tail is only known at the end): discard the output of a failed decryption.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from yakuba.files import write_atomic
from yakuba.privacy._common import read_exact
from yakuba.privacy.errors import DecryptionError, PrivacyError, TamperedError

if TYPE_CHECKING:
    from yakuba.privacy.keys import Keyring

__all__ = [
    "EnvelopeInfo",
    "new_data_key",
    "encrypt_stream",
    "decrypt_stream",
    "encrypt_file",
    "decrypt_file",
    "wrap_context",
    "MAGIC",
    "HEADER_SIZE",
    "DEFAULT_CHUNK_SIZE",
    "RangeReader",
]

MAGIC = b"YKBENV"
VERSION = 1
DEFAULT_CHUNK_SIZE = 64 * 1024
MIN_CHUNK_SIZE = 1024
MAX_CHUNK_SIZE = 16 * 1024 * 1024
PREFIX_SIZE = 7
TAG_SIZE = 16
_HEAD = struct.Struct(">6sBBI7s")  # magic, version, reserved, chunk size, nonce prefix
HEADER_SIZE = _HEAD.size + 32  # + key commitment
_KDF_INFO = b"yakuba-envelope/1\x00"
_MAX_CHUNKS = 1 << 32


@dataclass(frozen=True)
class EnvelopeInfo:
    """Sizes and hashes of one object: the plaintext (平文) and the encrypted file as stored."""

    plain_size: int
    plain_sha256: str
    cipher_sha256: str


def new_data_key() -> bytes:
    """A fresh random 256-bit data key."""
    return secrets.token_bytes(32)


def wrap_context(object_id: str) -> bytes:
    """The context a data key is wrapped under: binds the wrapped key to its object."""
    return b"yakuba-envelope:" + _object_id_bytes(object_id)


def _object_id_bytes(object_id: str) -> bytes:
    if not isinstance(object_id, str) or not object_id:
        raise PrivacyError("対象IDが指定されていません", where="object_id")
    return object_id.encode("utf-8")


def _derive(data_key: bytes, prefix: bytes, oid: bytes) -> tuple[bytes, bytes]:
    if len(data_key) != 32:
        raise DecryptionError("データ鍵の長さが正しくありません", where="data key", detail=f"{len(data_key)} bytes")
    okm = HKDF(algorithm=hashes.SHA256(), length=64, salt=prefix, info=_KDF_INFO + oid).derive(
        bytes(data_key)
    )
    return okm[:32], okm[32:]


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", counter, 1 if last else 0)


def encrypt_stream(
    src: BinaryIO,
    dst: BinaryIO,
    data_key: bytes,
    object_id: str,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> EnvelopeInfo:
    """Encrypt ``src`` into ``dst`` chunk by chunk; returns the plaintext and ciphertext hashes."""
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise PrivacyError("チャンクの大きさが範囲外です", where="chunk_size", detail=str(chunk_size))
    oid = _object_id_bytes(object_id)
    prefix = secrets.token_bytes(PREFIX_SIZE)
    key, commitment = _derive(data_key, prefix, oid)
    header = _HEAD.pack(MAGIC, VERSION, 0, chunk_size, prefix) + commitment
    aad = header + oid
    aes = AESGCM(key)
    plain_hash, cipher_hash = hashlib.sha256(), hashlib.sha256()
    dst.write(header)
    cipher_hash.update(header)
    size = 0
    counter = 0
    current = read_exact(src, chunk_size)
    while True:
        following = read_exact(src, chunk_size) if len(current) == chunk_size else b""
        last = not following
        if counter >= _MAX_CHUNKS:
            raise PrivacyError("ファイルが大きすぎて暗号化できません", where=f"chunk {counter}")
        sealed = aes.encrypt(_nonce(prefix, counter, last), current, aad)
        dst.write(sealed)
        plain_hash.update(current)
        cipher_hash.update(sealed)
        size += len(current)
        if last:
            break
        current = following
        counter += 1
    return EnvelopeInfo(size, plain_hash.hexdigest(), cipher_hash.hexdigest())


def decrypt_stream(src: BinaryIO, dst: BinaryIO, data_key: bytes, object_id: str) -> EnvelopeInfo:
    """Decrypt ``src`` into ``dst``; TamperedError names the first chunk that fails.

    DecryptionError when ``data_key`` or ``object_id`` is not the one the file was made with.
    """
    oid = _object_id_bytes(object_id)
    header = read_exact(src, HEADER_SIZE)
    if len(header) < HEADER_SIZE or not header.startswith(MAGIC):
        raise TamperedError(
            f"対象 {object_id} は暗号化ファイルの形式ではありません (ヘッダーが正しくありません)",
            where="header",
        )
    _magic, version, reserved, chunk_size, prefix = _HEAD.unpack(header[: _HEAD.size])
    if version != VERSION or reserved != 0:
        raise TamperedError(
            f"対象 {object_id} の暗号化形式の版 {version} には対応していません", where="header",
        )
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise TamperedError(
            f"対象 {object_id} のヘッダーのチャンク長が正しくありません", where="header",
            detail=f"chunk size {chunk_size}",
        )
    key, commitment = _derive(data_key, prefix, oid)
    if not hmac.compare_digest(commitment, header[_HEAD.size :]):
        raise DecryptionError(
            f"対象 {object_id} を復号できません: データ鍵か対象IDが違います",
            where="header",
            detail="key commitment mismatch",
        )
    aad = header + oid
    aes = AESGCM(key)
    plain_hash, cipher_hash = hashlib.sha256(), hashlib.sha256()
    cipher_hash.update(header)
    full = chunk_size + TAG_SIZE
    size = 0
    counter = 0
    current = read_exact(src, full)
    while True:
        if len(current) < TAG_SIZE:
            raise TamperedError(
                f"対象 {object_id} の暗号化ファイルがチャンク {counter} で途切れています",
                where=f"chunk {counter}",
                detail="truncated",
            )
        following = read_exact(src, full) if len(current) == full else b""
        last = not following
        try:
            plain = aes.decrypt(_nonce(prefix, counter, last), current, aad)
        except InvalidTag:
            if last and len(current) == full:
                try:
                    aes.decrypt(_nonce(prefix, counter, False), current, aad)
                except InvalidTag:
                    pass
                else:
                    raise TamperedError(
                        f"対象 {object_id} の暗号化ファイルがチャンク {counter} の後で切り詰められています",
                        where=f"chunk {counter + 1}",
                        detail="truncated at a chunk boundary",
                    ) from None
            raise TamperedError(
                f"対象 {object_id} の暗号化ファイルのチャンク {counter} が改ざんされています",
                where=f"chunk {counter}",
                detail="AES-GCM tag mismatch (altered, reordered or from another object)",
            ) from None
        dst.write(plain)
        plain_hash.update(plain)
        cipher_hash.update(current)
        size += len(plain)
        if last:
            break
        current = following
        counter += 1
    return EnvelopeInfo(size, plain_hash.hexdigest(), cipher_hash.hexdigest())


class RangeReader:
    """Random access to the plaintext of an envelope: ``read_range(start, end)`` decrypts only the
    chunks that hold bytes ``start`` … ``end - 1`` (an HTTP Range request of an hour of audio reads
    a few chunks, never the whole file). ``src`` must be seekable.

    The chunk count comes from the file's size, so each chunk's nonce (counter and last-chunk flag)
    is the one it was sealed with: a chunk altered, moved, from another object, or a file cut at a
    chunk boundary fails (TamperedError naming the chunk) like in :func:`decrypt_stream`. Only the
    chunks read are authenticated: a range never returns a byte that did not authenticate.
    """

    def __init__(self, src: BinaryIO, data_key: bytes, object_id: str) -> None:
        self._src = src
        self._object_id = object_id
        oid = _object_id_bytes(object_id)
        src.seek(0)
        header = read_exact(src, HEADER_SIZE)
        if len(header) < HEADER_SIZE or not header.startswith(MAGIC):
            raise TamperedError(f"対象 {object_id} は暗号化ファイルの形式ではありません (ヘッダーが正しくありません)",
                                where="header")
        _magic, version, reserved, chunk_size, prefix = _HEAD.unpack(header[: _HEAD.size])
        if version != VERSION or reserved != 0 or not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
            raise TamperedError(f"対象 {object_id} のヘッダーが正しくありません", where="header")
        key, commitment = _derive(data_key, prefix, oid)
        if not hmac.compare_digest(commitment, header[_HEAD.size :]):
            raise DecryptionError(f"対象 {object_id} を復号できません: データ鍵か対象IDが違います", where="header",
                                  detail="key commitment mismatch")
        body = src.seek(0, 2) - HEADER_SIZE
        full = chunk_size + TAG_SIZE
        chunks = max(1, -(-body // full))
        if body < TAG_SIZE or (body - (chunks - 1) * full) < TAG_SIZE:
            raise TamperedError(f"対象 {object_id} の暗号化ファイルがチャンク {chunks - 1} で途切れています",
                                where=f"chunk {chunks - 1}", detail="truncated")
        self._aes = AESGCM(key)
        self._aad = header + oid
        self._prefix = prefix
        self.chunk_size = chunk_size
        self.chunks = chunks
        self.size = body - chunks * TAG_SIZE
        """The plaintext's size in bytes."""

    def chunk(self, index: int) -> bytes:
        """The plaintext of chunk `index`, authenticated."""
        if not 0 <= index < self.chunks:
            raise PrivacyError(f"チャンク {index} は範囲外です", where=f"chunk {index}")
        full = self.chunk_size + TAG_SIZE
        self._src.seek(HEADER_SIZE + index * full)
        sealed = read_exact(self._src, full)
        last = index == self.chunks - 1
        try:
            return self._aes.decrypt(_nonce(self._prefix, index, last), sealed, self._aad)
        except InvalidTag:
            raise TamperedError(
                f"対象 {self._object_id} の暗号化ファイルのチャンク {index} が改ざんされています",
                where=f"chunk {index}",
                detail="AES-GCM tag mismatch (altered, reordered, truncated or from another object)",
            ) from None

    def read_range(self, start: int, end: int) -> Iterator[bytes]:
        """The plaintext bytes ``start`` ≤ i < ``end`` (clipped to the size), a chunk's worth at a time."""
        start, end = max(0, start), min(end, self.size)
        if start >= end:
            return
        first, last = start // self.chunk_size, (end - 1) // self.chunk_size
        for index in range(first, last + 1):
            plain = self.chunk(index)
            base = index * self.chunk_size
            yield plain[max(0, start - base): end - base]


def encrypt_file(
    src_path: Path, dst_path: Path, keyring: "Keyring", object_id: str
) -> tuple[bytes, EnvelopeInfo]:
    """Encrypt a file with a new data key; returns the wrapped data key and the hashes.

    ``dst_path`` is written atomically (temp file beside it, fsync, rename, mode 0600): it is
    either the complete encrypted file or untouched. Store the wrapped key with the object's row;
    the data key itself never leaves this function.
    """
    data_key = new_data_key()
    wrapped = keyring.wrap(data_key, wrap_context(object_id))
    result: list[EnvelopeInfo] = []
    with _open_source(Path(src_path), object_id) as src:
        write_atomic(
            Path(dst_path),
            lambda dst: result.append(encrypt_stream(src, dst, data_key, object_id)),
        )
    return wrapped, result[0]


def _open_source(path: Path, object_id: str) -> BinaryIO:
    try:
        return open(path, "rb")
    except OSError as exc:
        raise PrivacyError(
            f"対象 {object_id} のファイル {path.name} を読めません", where=str(path), detail=str(exc)
        ) from exc


def decrypt_file(
    src_path: Path, dst: BinaryIO, keyring: "Keyring", wrapped_key: bytes, object_id: str
) -> EnvelopeInfo:
    """Unwrap the object's data key and decrypt the file at ``src_path`` into ``dst``."""
    data_key = keyring.unwrap(wrapped_key, wrap_context(object_id))
    with _open_source(Path(src_path), object_id) as src:
        return decrypt_stream(src, dst, data_key, object_id)
