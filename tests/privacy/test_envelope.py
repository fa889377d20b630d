"""Streaming envelope encryption: round trips, and any tampering is refused naming the chunk."""

from __future__ import annotations

import hashlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yakuba.privacy.envelope import (
    HEADER_SIZE,
    TAG_SIZE,
    EnvelopeInfo,
    decrypt_stream,
    encrypt_stream,
    new_data_key,
)
from yakuba.privacy.errors import DecryptionError, PrivacyError, TamperedError

CHUNK = 1024  # small chunks keep the tests fast and give many chunks to tamper with
KEY = bytes(range(32))


def _encrypt(
    plain: bytes, key: bytes = KEY, object_id: str = "scan-0001", chunk: int = CHUNK
) -> tuple[bytes, EnvelopeInfo]:
    out = io.BytesIO()
    info = encrypt_stream(io.BytesIO(plain), out, key, object_id, chunk_size=chunk)
    return out.getvalue(), info


def _decrypt(sealed: bytes, key: bytes = KEY, object_id: str = "scan-0001") -> tuple[bytes, EnvelopeInfo]:
    out = io.BytesIO()
    info = decrypt_stream(io.BytesIO(sealed), out, key, object_id)
    return out.getvalue(), info


def _chunks(sealed: bytes, chunk: int = CHUNK) -> list[bytes]:
    body = sealed[HEADER_SIZE:]
    step = chunk + TAG_SIZE
    return [body[i : i + step] for i in range(0, len(body), step)]


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 7])
def test_it_round_trips(size: int) -> None:
    plain = bytes(i % 251 for i in range(size))
    sealed, info = _encrypt(plain)
    assert info.plain_size == size
    assert info.plain_sha256 == hashlib.sha256(plain).hexdigest()
    assert info.cipher_sha256 == hashlib.sha256(sealed).hexdigest()
    chunks = max(1, -(-size // CHUNK))
    assert len(sealed) == HEADER_SIZE + size + chunks * TAG_SIZE
    back, info2 = _decrypt(sealed)
    assert back == plain
    assert info2 == info


@settings(max_examples=40, deadline=None)
@given(
    plain=st.binary(max_size=5000),
    chunk=st.sampled_from([1024, 2048, 4096]),
    oid=st.text(min_size=1, max_size=20),
)
def test_it_round_trips_any_bytes(plain: bytes, chunk: int, oid: str) -> None:
    sealed, info = _encrypt(plain, object_id=oid, chunk=chunk)
    assert _decrypt(sealed, object_id=oid) == (plain, info)


def test_it_uses_a_new_nonce_prefix_each_time() -> None:
    assert _encrypt(b"same")[0] != _encrypt(b"same")[0]


def test_it_defaults_to_64_kib_chunks() -> None:
    out = io.BytesIO()
    encrypt_stream(io.BytesIO(b"x" * 70_000), out, KEY, "o")
    assert len(out.getvalue()) == HEADER_SIZE + 70_000 + 2 * TAG_SIZE


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_it_refuses_any_changed_byte_naming_the_chunk(data: st.DataObject) -> None:
    sealed, _ = _encrypt(bytes(3 * CHUNK + 100))
    position = data.draw(st.integers(0, len(sealed) - 1))
    flip = data.draw(st.integers(1, 255))
    altered = bytearray(sealed)
    altered[position] ^= flip
    with pytest.raises((TamperedError, DecryptionError)) as caught:
        _decrypt(bytes(altered))
    if position >= HEADER_SIZE:
        assert caught.value.where == f"chunk {(position - HEADER_SIZE) // (CHUNK + TAG_SIZE)}"
        assert isinstance(caught.value, TamperedError)


def test_it_refuses_a_stream_cut_at_a_chunk_boundary() -> None:
    sealed, _ = _encrypt(bytes(3 * CHUNK + 100))
    cut = sealed[: HEADER_SIZE + 3 * (CHUNK + TAG_SIZE)]
    with pytest.raises(TamperedError, match="チャンク 2 の後で切り詰められています") as caught:
        _decrypt(cut)
    assert caught.value.where == "chunk 3"


def test_it_refuses_a_stream_cut_inside_a_chunk() -> None:
    sealed, _ = _encrypt(bytes(3 * CHUNK))
    with pytest.raises(TamperedError, match="チャンク 1"):
        _decrypt(sealed[: HEADER_SIZE + CHUNK + TAG_SIZE + 10])


def test_it_refuses_a_stream_with_only_a_header() -> None:
    sealed, _ = _encrypt(b"")
    with pytest.raises(TamperedError, match="途切れています"):
        _decrypt(sealed[:HEADER_SIZE])


def test_it_refuses_reordered_chunks() -> None:
    sealed, _ = _encrypt(bytes(range(256)) * 16)
    c = _chunks(sealed)
    swapped = sealed[:HEADER_SIZE] + c[1] + c[0] + b"".join(c[2:])
    with pytest.raises(TamperedError, match="チャンク 0 が改ざん"):
        _decrypt(swapped)


def test_it_refuses_a_dropped_chunk() -> None:
    sealed, _ = _encrypt(bytes(4 * CHUNK + 5))
    c = _chunks(sealed)
    with pytest.raises(TamperedError, match="チャンク 2"):
        _decrypt(sealed[:HEADER_SIZE] + c[0] + c[1] + c[3] + c[4])


def test_it_refuses_appended_data() -> None:
    sealed, _ = _encrypt(bytes(2 * CHUNK + 5))
    c = _chunks(sealed)
    with pytest.raises(TamperedError, match="チャンク 2"):
        _decrypt(sealed + c[-1])


def test_it_refuses_a_chunk_from_another_object_with_the_same_key() -> None:
    a, _ = _encrypt(bytes(3 * CHUNK), object_id="scan-a")
    b, _ = _encrypt(bytes(3 * CHUNK), object_id="scan-b")
    mixed = a[:HEADER_SIZE] + _chunks(a)[0] + _chunks(b)[1] + _chunks(a)[2]
    with pytest.raises(TamperedError, match="チャンク 1"):
        _decrypt(mixed, object_id="scan-a")


def test_it_refuses_a_wrong_data_key() -> None:
    sealed, _ = _encrypt(b"synthetic")
    with pytest.raises(DecryptionError, match="データ鍵か対象IDが違います") as caught:
        _decrypt(sealed, key=new_data_key())
    assert not isinstance(caught.value, TamperedError)


def test_it_refuses_a_wrong_object_id() -> None:
    sealed, _ = _encrypt(b"synthetic", object_id="scan-0001")
    with pytest.raises(DecryptionError, match="scan-0002"):
        _decrypt(sealed, object_id="scan-0002")


def test_it_refuses_what_is_not_an_envelope() -> None:
    with pytest.raises(TamperedError, match="形式ではありません") as caught:
        _decrypt(b"%PDF-1.7 synthetic" * 10)
    assert caught.value.where == "header"


def test_it_refuses_an_unknown_version() -> None:
    sealed = bytearray(_encrypt(b"x")[0])
    sealed[6] = 2
    with pytest.raises(TamperedError, match="版 2"):
        _decrypt(bytes(sealed))


def test_it_refuses_an_empty_object_id_and_odd_chunk_sizes() -> None:
    with pytest.raises(PrivacyError, match="対象ID"):
        _encrypt(b"x", object_id="")
    with pytest.raises(PrivacyError, match="チャンク"):
        _encrypt(b"x", chunk=100)


class Trickle(io.RawIOBase):
    """A source that hands out at most 7 bytes per read, like a slow pipe."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        return self._data.read(min(n, 7) if n >= 0 else 7)


def test_it_copes_with_short_reads() -> None:
    plain = bytes(range(256)) * 20
    out = io.BytesIO()
    encrypt_stream(Trickle(plain), out, KEY, "o", chunk_size=CHUNK)  # type: ignore[arg-type]
    back = io.BytesIO()
    decrypt_stream(Trickle(out.getvalue()), back, KEY, "o")  # type: ignore[arg-type]
    assert back.getvalue() == plain
