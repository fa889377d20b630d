"""Synthetic kind-91 content for the tests: a small valid file, byte surgery, hypothesis strategies."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from yakuba.zengin.codec import build
from yakuba.zengin.layout import BANK_CHARS, FILLER_CHARS, NAME_CHARS, TEXT_CHARS
from yakuba.zengin.model import Batch, Header, Layout, Record, Trailer, ZenginFile

EXAMPLES = int(os.environ.get("YAKUBA_HYPOTHESIS_EXAMPLES", "150"))
FAST = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def header(**kw: object) -> Header:
    values = dict(consignor_code="0000012345", consignor_name="ｻﾝﾌﾟﾙｼ ｽｲﾄﾞｳｷﾖｸ", debit_date="0427", bank_code="0001",
                  bank_name="ﾐﾄﾞﾘ", branch_code="001", branch_name="ﾎﾝﾃﾝ", account_type="1", account_number="1234567")
    values.update(kw)
    return Header(**values)  # type: ignore[arg-type]


def record(i: int = 1, **kw: object) -> Record:
    values = dict(bank_code="0005", bank_name="ｱｵﾊﾞ", branch_code="123", branch_name="ｴｷﾏｴ", account_type="1",
                  account_number=f"{7654321 + i:07d}", name="ﾔﾏﾀﾞ ﾀﾛｳ", amount=4820 + i, customer_number=f"{i:020d}")
    values.update(kw)
    return Record(**values)  # type: ignore[arg-type]


def trailer_for(records: tuple[Record, ...], result: bool = False) -> Trailer:
    total = sum(r.amount for r in records)
    if not result:
        return Trailer(len(records), total)
    ok = [r for r in records if r.result_code == "0"]
    return Trailer(len(records), total, len(ok), sum(r.amount for r in ok), len(records) - len(ok),
                   total - sum(r.amount for r in ok))


def batch(records: tuple[Record, ...], result: bool = False, **kw: object) -> Batch:
    return Batch(header(**kw), records, trailer_for(records, result))


def sample_file(newline: str = "crlf", eof: bool = False) -> ZenginFile:
    """Two batches: a request of 3 records, then a result of 2 (one failed); 10 records in all: H D D D T H D D T E."""
    first = tuple(record(i) for i in range(3))
    second = (record(10, result_code="0"), record(11, result_code="1", bank_code="0009"))
    return ZenginFile((batch(first), batch(second, result=True, debit_date="0527")), Layout(newline, eof))  # type: ignore[arg-type]


def sample(newline: str = "crlf", eof: bool = False) -> bytes:
    return build(sample_file(newline, eof))


def put(data: bytes, record_no: int, start: int, value: bytes, newline: str = "crlf") -> bytes:
    """`data` with `value` written at 1-based byte `start` of 1-based record `record_no`."""
    stride = 122 if newline == "crlf" else 120
    at = (record_no - 1) * stride + start - 1
    return data[:at] + value + data[at + len(value):]


# --- strategies ---------------------------------------------------------------------------------

def _chars(raw: bytes) -> str:
    return raw.decode("cp932")


def digits(n: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=n, max_size=n)


def text(raw: bytes, n: int) -> st.SearchStrategy[str]:
    return st.text(_chars(raw), max_size=n).map(lambda s: s.rstrip(" "))


def filler(n: int) -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), text(FILLER_CHARS.replace(b"\r", b""), n).map(lambda s: s or None))


headers = st.builds(
    Header, consignor_code=digits(10), consignor_name=text(NAME_CHARS, 40),
    debit_date=st.dates().map(lambda d: d.strftime("%m%d")), bank_code=digits(4), bank_name=text(BANK_CHARS, 15),
    branch_code=digits(3), branch_name=text(BANK_CHARS, 15), account_type=st.sampled_from("129"),
    account_number=digits(7), filler=filler(17))


def records(result: bool) -> st.SearchStrategy[Record]:
    return st.builds(
        Record, bank_code=digits(4), bank_name=text(BANK_CHARS, 15), branch_code=digits(3),
        branch_name=text(BANK_CHARS, 15), account_type=st.sampled_from("1239"), account_number=digits(7),
        name=text(NAME_CHARS, 30), amount=st.integers(0, 9_999_999_999 // 50), new_code=st.sampled_from("012"),
        customer_number=text(TEXT_CHARS, 20), result_code=st.sampled_from("0123489") if result else st.just("0"),
        filler=filler(12))


@st.composite
def batches(draw: st.DrawFn) -> Batch:
    result = draw(st.booleans())
    recs = tuple(draw(st.lists(records(result), max_size=6)))
    t = trailer_for(recs, result)
    return Batch(draw(headers), recs, Trailer(t.total_count, t.total_amount, t.transferred_count,
                                              t.transferred_amount, t.failed_count, t.failed_amount,
                                              draw(filler(65))))


layouts = st.builds(Layout, newline=st.sampled_from(["crlf", "none"]), eof=st.booleans(),
                    end_filler=filler(119))
files = st.builds(ZenginFile, batches=st.lists(batches(), min_size=1, max_size=4).map(tuple), layout=layouts)
