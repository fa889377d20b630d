"""The envelope's random access (``RangeReader``): any range of the plaintext equals the slice of
it, whatever the chunk size, the range or the plaintext; a chunk altered, or the file cut at a chunk
boundary, fails when a range touches it; a range never yields a byte that did not authenticate."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yakuba.privacy import envelope
from yakuba.privacy.errors import DecryptionError, TamperedError

KEY = bytes(range(32))
OID = "range-object"


def _sealed(plain: bytes, chunk: int) -> bytes:
    out = io.BytesIO()
    envelope.encrypt_stream(io.BytesIO(plain), out, KEY, OID, chunk_size=chunk)
    return out.getvalue()


@settings(max_examples=150, deadline=None)
@given(plain=st.binary(min_size=0, max_size=9000), chunk=st.integers(1024, 3000), a=st.integers(-50, 9500),
       b=st.integers(-50, 9500))
def test_any_range_equals_the_slice_of_the_plaintext(plain: bytes, chunk: int, a: int, b: int) -> None:
    reader = envelope.RangeReader(io.BytesIO(_sealed(plain, chunk)), KEY, OID)
    assert reader.size == len(plain)
    start, end = min(a, b), max(a, b)
    assert b"".join(reader.read_range(start, end)) == plain[max(0, start):max(0, end)]


@settings(max_examples=60, deadline=None)
@given(plain=st.binary(min_size=1, max_size=6000), chunk=st.integers(1024, 2048), where=st.integers(0, 10**6),
       bit=st.integers(0, 7))
def test_a_tampered_chunk_fails_when_a_range_reads_it(plain: bytes, chunk: int, where: int, bit: int) -> None:
    sealed = bytearray(_sealed(plain, chunk))
    pos = envelope.HEADER_SIZE + where % (len(sealed) - envelope.HEADER_SIZE)
    sealed[pos] ^= 1 << bit
    index = (pos - envelope.HEADER_SIZE) // (chunk + envelope.TAG_SIZE)
    reader = envelope.RangeReader(io.BytesIO(bytes(sealed)), KEY, OID)
    with pytest.raises(TamperedError) as info:
        b"".join(reader.read_range(index * chunk, index * chunk + 1))
    assert f"チャンク {index}" in str(info.value)
    # a range of other chunks still reads (only what it touches is decrypted), and equals the slice
    if index > 0:
        assert b"".join(reader.read_range(0, chunk)) == plain[:chunk]


def test_a_file_cut_at_a_chunk_boundary_fails_at_its_new_last_chunk() -> None:
    plain = bytes(range(256)) * 40  # 10 240 bytes: 10 chunks of 1024
    sealed = _sealed(plain, 1024)
    cut = sealed[:envelope.HEADER_SIZE + 5 * (1024 + envelope.TAG_SIZE)]
    reader = envelope.RangeReader(io.BytesIO(cut), KEY, OID)
    assert b"".join(reader.read_range(0, 1024)) == plain[:1024]  # earlier chunks are as sealed
    with pytest.raises(TamperedError):
        b"".join(reader.read_range(4 * 1024, 5 * 1024))  # sealed as "not last": refused as the last


def test_a_chunk_moved_in_from_elsewhere_fails() -> None:
    plain = bytes(4096)
    sealed = bytearray(_sealed(plain, 1024))
    full = 1024 + envelope.TAG_SIZE
    one = sealed[envelope.HEADER_SIZE:envelope.HEADER_SIZE + full]
    sealed[envelope.HEADER_SIZE + full:envelope.HEADER_SIZE + 2 * full] = one  # chunk 0 again as chunk 1
    with pytest.raises(TamperedError):
        b"".join(envelope.RangeReader(io.BytesIO(bytes(sealed)), KEY, OID).read_range(1024, 1025))


def test_the_wrong_key_or_object_is_refused_before_any_chunk() -> None:
    sealed = _sealed(b"x" * 3000, 1024)
    with pytest.raises(DecryptionError):
        envelope.RangeReader(io.BytesIO(sealed), bytes(32), OID)
    with pytest.raises(DecryptionError):
        envelope.RangeReader(io.BytesIO(sealed), KEY, "another-object")


def test_it_reads_only_the_chunks_a_range_needs() -> None:
    plain = bytes(64 * 1024 * 20)
    src = io.BytesIO(_sealed(plain, 64 * 1024))
    reads: list[int] = []
    real = src.read

    def counting(n: int = -1) -> bytes:
        data = real(n)
        reads.append(len(data))
        return data

    src.read = counting  # type: ignore[method-assign]
    reader = envelope.RangeReader(src, KEY, OID)
    reads.clear()
    assert len(b"".join(reader.read_range(10 * 65536 + 5, 10 * 65536 + 100))) == 95
    assert sum(reads) <= 64 * 1024 + envelope.TAG_SIZE
