"""check_stream reads in chunks: any chunk size gives the same answer as the whole file."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.zengin.helpers import FAST, files, put, sample
from yakuba.zengin import codec
from yakuba.zengin.codec import build, check, check_stream
from yakuba.zengin.errors import ZenginError


class Trickle(io.RawIOBase):
    """A stream that returns at most `n` bytes per read, like a pipe."""

    def __init__(self, data: bytes, n: int) -> None:
        self.data, self.n, self.pos = data, n, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        out = self.data[self.pos:self.pos + min(self.n, size if size >= 0 else self.n)]
        self.pos += len(out)
        return out


@FAST
@given(files, st.integers(1, 400))
def test_any_chunk_size_gives_the_same_summary(f, n: int) -> None:  # type: ignore[no-untyped-def]
    data = build(f)
    assert check_stream(Trickle(data, n)) == check(data)


@pytest.mark.parametrize("chunk", [1, 7, 119, 121, 122, 245, 1000])
def test_errors_are_the_same_across_chunk_boundaries(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = put(sample(), 3, 81, b"00001A0000")
    monkeypatch.setattr(codec, "CHUNK", chunk)
    with pytest.raises(ZenginError) as info:
        check_stream(io.BytesIO(bad))
    assert str(info.value) == "record 3: amount (bytes 81-90): not a number: '00001A0000'"
    assert check_stream(io.BytesIO(sample())) == check(sample())


def test_it_reads_a_many_batch_file_in_small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    import io as _io

    from tests.zengin.helpers import header, record
    from yakuba.zengin.codec import Writer

    out = _io.BytesIO()
    w = Writer(out)
    for b in range(5):
        w.header(header())
        for i in range(300):
            w.record(record(i, result_code="1" if i % 7 == 0 else "0"))
        w.trailer(result=True)
    w.close()
    monkeypatch.setattr(codec, "CHUNK", 4096)
    s = check_stream(_io.BytesIO(out.getvalue()))
    assert (s.batches, s.data_records, s.failed_count) == (5, 1500, 5 * 43)
    assert s.transferred_amount + s.failed_amount == s.total_amount == 5 * sum(4820 + i for i in range(300))


def test_it_checks_in_constant_memory() -> None:
    """A 24 MB file, generated on the fly, is checked with a few MB of Python memory."""
    import tracemalloc

    from tests.zengin.helpers import header
    from yakuba.zengin.codec import encode_record
    from yakuba.zengin.layout import DATA, END, HEADER, TRAILER

    n = 200_000
    head = encode_record(vars(header()), HEADER, 1) + b"\r\n"
    one = encode_record({"bank_code": "0005", "branch_code": "123", "account_type": "1", "account_number": "1",
                         "name": "ﾔﾏﾀﾞ ﾀﾛｳ", "amount": 1234, "customer_number": "42", "new_code": "0",
                         "result_code": "0", "bank_name": "", "branch_name": ""}, DATA, 2) + b"\r\n"
    tail = (encode_record({"total_count": n, "total_amount": 1234 * n, "transferred_count": 0,
                           "transferred_amount": 0, "failed_count": 0, "failed_amount": 0}, TRAILER, n + 2)
            + b"\r\n" + encode_record({}, END, n + 3) + b"\r\n")

    class Generated(io.RawIOBase):
        def __init__(self) -> None:
            self.left = n
            self.parts = [head]
            self.tail = True

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            while sum(map(len, self.parts)) < size and self.left:
                k = min(self.left, 10_000)
                self.parts.append(one * k)
                self.left -= k
            if not self.left and self.tail:
                self.parts.append(tail)
                self.tail = False
            out = b"".join(self.parts)
            self.parts = [out[size:]] if size >= 0 and len(out) > size else []
            return out[:size] if size >= 0 else out

    tracemalloc.start()
    try:
        s = check_stream(Generated())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert s.data_records == n and s.records == n + 3
    assert peak < 30 * 2**20, peak
