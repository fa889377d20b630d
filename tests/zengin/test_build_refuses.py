"""build never cuts: a value that does not fit is a located error, as in check."""

from __future__ import annotations

import pytest

from tests.zengin.helpers import batch, header, record
from yakuba.zengin.codec import Writer, build
from yakuba.zengin.errors import ZenginError
from yakuba.zengin.model import Batch, Trailer, ZenginFile


def _build_error(**kw: object) -> ZenginError:
    b = Batch(header(), (record(1, **kw),), Trailer(1, 0))  # the record fails before the trailer
    with pytest.raises(ZenginError) as info:
        build(ZenginFile((b,)))
    return info.value


@pytest.mark.parametrize("kw, field, words", [
    ({"name": "ﾔﾏﾀﾞ" * 10}, "name", "too long"),
    ({"name": "山田"}, "name", "not a JIS 8-bit"),
    ({"name": "ﾔﾏﾀﾞ ｼｮｳ"}, "name", "small kana"),
    ({"name": "yamada"}, "name", "lowercase"),
    ({"amount": 10**10}, "amount", "too long"),
    ({"amount": -1}, "amount", "negative"),
    ({"amount": "12a"}, "amount", "not a number"),
    ({"account_type": "4"}, "account_type", "must be one of"),
    ({"account_number": "12345678"}, "account_number", "too long"),
    ({"bank_name": "ｱｵﾊﾞ(ｷﾞﾝｺｳ)"}, "bank_name", "not in the 全銀 set"),
    ({"customer_number": "x" * 21}, "customer_number", "too long"),
])
def test_it_refuses_what_does_not_fit(kw: dict, field: str, words: str) -> None:
    err = _build_error(**kw)
    assert err.record == 2 and err.field == field and words in str(err)


def test_it_zero_pads_short_numbers() -> None:
    b = batch((record(1, account_number="123"),))
    assert b"0000123" in build(ZenginFile((b,)))


def test_it_refuses_a_result_code_in_a_request() -> None:
    with pytest.raises(ZenginError) as info:
        build(ZenginFile((batch((record(1, result_code="1"),)),)))
    assert info.value.record == 2 and info.value.field == "result_code"


def test_the_writer_keeps_the_structure() -> None:
    import io

    w = Writer(io.BytesIO())
    with pytest.raises(ZenginError):
        w.record(record(1))
    w.header(header())
    with pytest.raises(ZenginError):
        w.close()
    w.record(record(1, result_code="1"))
    t = w.trailer(result=True)
    assert (t.failed_count, t.transferred_count) == (1, 0)
    w.close()
