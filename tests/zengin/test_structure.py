"""File structure, separators, record length, the EOF byte: each error located."""

from __future__ import annotations

import pytest

from tests.zengin.helpers import put, sample
from yakuba.zengin.codec import check
from yakuba.zengin.errors import ZenginError


def _error(data: bytes) -> ZenginError:
    with pytest.raises(ZenginError) as info:
        check(data)
    assert "\n" not in str(info.value)
    return info.value


def test_it_refuses_an_empty_file() -> None:
    assert _error(b"").record == 1
    assert "empty" in str(_error(b""))


def test_it_wants_a_header_first() -> None:
    data = sample()
    err = _error(data[122:])
    assert err.record == 1 and err.field == "data_kind" and "header" in str(err)


def test_it_wants_a_trailer_before_the_next_header() -> None:
    data = sample()
    err = _error(data[:122 * 4] + data[122 * 5:])  # drop the first trailer
    assert err.record == 5 and err.field == "data_kind"


def test_it_refuses_an_unknown_record_kind() -> None:
    err = _error(put(sample(), 3, 1, b"3"))
    assert err.record == 3 and (err.start, err.end) == (1, 1) and err.field == "data_kind"


def test_it_wants_an_end_record() -> None:
    data = sample()
    err = _error(data[:-122])
    assert err.record == 10 and "end record" in str(err)


def test_it_refuses_anything_after_the_end_record() -> None:
    data = sample()
    assert _error(data + data[:122]).record == 11
    assert _error(data + b"\x1a\x1a").record == 11
    assert _error(data + b"\r\n").record == 11


def test_it_accepts_one_eof_byte_at_the_very_end() -> None:
    assert check(sample() + b"\x1a").eof
    assert check(sample("none") + b"\x1a").eof


def test_it_wants_crlf_after_the_last_record_too() -> None:
    data = sample()
    err = _error(data[:-2])
    assert err.record == 10 and err.field == "separator" and "without CRLF" in str(err)
    assert _error(data[:-2] + b"\x1a").record == 10


@pytest.mark.parametrize("sep, words", [(b"\n", "LF-only"), (b"\r", "CR-only")])
def test_it_refuses_lf_or_cr_only_files(sep: bytes, words: str) -> None:
    data = sample().replace(b"\r\n", sep)
    err = _error(data)
    assert err.record == 1 and err.field == "separator" and (err.start, err.end) == (121, 122)
    assert words in str(err)


def test_it_refuses_mixed_separators() -> None:
    data = sample()
    mixed = data[:122 * 3 + 120] + b"\n" + data[122 * 3 + 122:]
    err = _error(mixed)
    assert err.record == 4 and err.field == "separator" and "LF-only" in str(err)
    none = sample("none")
    mixed = none[:240] + b"\r\n" + none[240:]
    err = _error(mixed)
    assert err.record == 2 and err.field == "separator" and "mixed" in str(err)


def test_it_locates_a_short_record() -> None:
    data = sample()
    short = data[:122 * 2 + 100] + data[122 * 2 + 120:]
    err = _error(short)
    assert err.record == 3 and err.field == "record" and "100 bytes before CRLF" in str(err)


def test_it_locates_a_long_record() -> None:
    data = sample()
    long = data[:122 * 2 + 120] + b"X" + data[122 * 2 + 120:]
    err = _error(long)
    assert err.record == 3 and err.field == "record" and "121 bytes" in str(err)
    none_after = sample()[:122 * 2 + 120] + sample()[122 * 2 + 122:]  # CRLF missing once
    err = _error(none_after)
    assert err.record == 3 and err.field == "separator"


def test_it_refuses_ebcdic_clearly() -> None:
    data = sample().decode("latin-1").encode("cp500")
    err = _error(data)
    assert err.record == 1 and err.field == "code_type" and "EBCDIC" in str(err)


def test_it_locates_a_truncated_file() -> None:
    data = sample("none")
    err = _error(data[:120 * 4 + 57])
    assert err.record == 5 and err.field == "record" and "57 bytes" in str(err)


def test_an_eof_mark_inside_a_record_is_not_filler() -> None:
    data = sample("none")
    err = _error(data[:-1] + b"\x1a")
    assert err.record == 10 and err.field == "filler" and "0x1A" in str(err)
