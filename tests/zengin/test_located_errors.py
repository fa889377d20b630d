"""Each rule, broken once: the error names the record, the byte range and the field."""

from __future__ import annotations

import pytest

from tests.zengin.helpers import put, sample
from yakuba.zengin.codec import check, parse
from yakuba.zengin.errors import ZenginError


def _error(data: bytes) -> ZenginError:
    with pytest.raises(ZenginError) as info:
        check(data)
    with pytest.raises(ZenginError) as again:
        parse(data)
    assert str(info.value) == str(again.value)
    assert "\n" not in str(info.value)
    return info.value


@pytest.mark.parametrize("record_no, start, value, field, words", [
    (3, 81, b"00001A0000", "amount", "not a number: '00001A0000'"),
    (1, 5, b"00000X2345", "consignor_code", "not a number"),
    (1, 4, b"1", "code_type", "EBCDIC"),
    (1, 4, b"2", "code_type", "must be one of 0"),
    (1, 2, b"21", "kind", "must be one of 91"),
    (1, 55, b"0230", "debit_date", "not a real date"),
    (1, 55, b"1301", "debit_date", "not a real date"),
    (1, 96, b"3", "account_type", "must be one of 1, 2, 9"),
    (2, 43, b"4", "account_type", "must be one of 1, 2, 3, 9"),
    (2, 91, b"5", "new_code", "must be one of 0, 1, 2"),
    (8, 112, b"5", "result_code", "must be one of 0, 1, 2, 3, 4, 8, 9"),
    (2, 51, b"\xd4\xcf\xc0\xde \xbc\xae\xb3", "name", "small kana"),
    (2, 51, b"\xd4\xcf\xc0\xde \xbc\xb0", "name", "ｰ not allowed"),
    (2, 51, b"yamada", "name", "lowercase"),
    (2, 51, b"\x83\x41", "name", "double-byte"),
    (2, 51, b"AB\x01", "name", "control byte"),
    (2, 6, b"(BANK)", "bank_name", "not in the 全銀 set"),
    (1, 15, b"A/B", "consignor_name", "not in the 全銀 set"),
    (2, 24, b"X.Y", "branch_name", "not in the 全銀 set"),
    (2, 44, b"12 4567", "account_number", "not a number"),
    (5, 2, b"00000X", "total_count", "not a number"),
])
def test_it_locates_a_bad_field(record_no: int, start: int, value: bytes, field: str, words: str) -> None:
    err = _error(put(sample(), record_no, start, value))
    assert err.record == record_no and err.field == field
    assert f"record {record_no}: {field} (bytes {err.start}-{err.end})" in str(err)
    assert err.start is not None and err.end is not None and err.start <= start <= err.end
    assert words in str(err)


def test_it_gives_the_contracts_example() -> None:
    err = _error(put(sample(), 3, 81, b"00001A0000"))
    assert str(err) == "record 3: amount (bytes 81-90): not a number: '00001A0000'"


def test_it_accepts_the_wide_name_set_and_0229() -> None:
    data = put(sample(), 2, 51, "ﾔﾏﾀﾞ(ｶ).ﾀﾛｳ-2 ﾊﾟｰ".replace("ｰ", "-").encode("cp932"))
    data = put(data, 1, 55, b"0229")
    check(data)


def test_it_does_not_validate_fillers_but_wants_them_single_byte() -> None:
    data = put(sample(), 2, 113, b"AbC~!\xb1z ")
    data = put(data, 1, 104, b"anything goes")
    data = put(data, 5, 60, b"\x00\x01\t\xdf")
    check(data)
    err = _error(put(sample(), 2, 39, b"\x83\x41"))
    assert err.record == 2 and err.field == "filler" and (err.start, err.end) == (39, 42)
    assert "double-byte" in str(err)
    err = _error(put(sample(), 10, 100, b"\xa0"))
    assert err.record == 10 and err.field == "filler" and (err.start, err.end) == (2, 120)


def test_the_customer_number_is_text() -> None:
    check(put(sample(), 2, 92, b"  12345678  ABCDEFGH"))
