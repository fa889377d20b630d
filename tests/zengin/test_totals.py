"""Trailer totals, requests and results."""

from __future__ import annotations

import pytest

from tests.zengin.helpers import batch, put, record, sample
from yakuba.zengin.codec import build, check
from yakuba.zengin.errors import ZenginError
from yakuba.zengin.model import Batch, Trailer, ZenginFile


def _error(data: bytes) -> ZenginError:
    with pytest.raises(ZenginError) as info:
        check(data)
    return info.value


@pytest.mark.parametrize("start, value, field", [
    (2, b"000004", "total_count"),
    (8, b"000000000001", "total_amount"),
])
def test_it_checks_the_request_totals(start: int, value: bytes, field: str) -> None:
    err = _error(put(sample(), 5, start, value))
    assert err.record == 5 and err.field == field and f"bytes {err.start}-{err.end}" in str(err)


@pytest.mark.parametrize("start, value, field", [
    (20, b"000002", "transferred_count"),
    (26, b"000000000001", "transferred_amount"),
    (38, b"000000", "failed_count"),
    (44, b"000000000000", "failed_amount"),
])
def test_it_checks_the_result_totals(start: int, value: bytes, field: str) -> None:
    err = _error(put(sample(), 9, start, value))
    assert err.record == 9 and err.field == field


def test_a_request_has_only_result_code_0() -> None:
    err = _error(put(sample(), 3, 112, b"1"))
    assert err.record == 3 and err.field == "result_code" and "request" in str(err)
    assert "(bytes 112-112)" in str(err)


def test_a_result_batch_agrees_with_its_codes() -> None:
    err = _error(put(sample(), 7, 112, b"2"))  # one more failure than the trailer says
    assert err.record == 9 and err.field == "transferred_count"


def test_it_sums_results() -> None:
    s = check(sample())
    assert (s.batches, s.data_records, s.request_batches, s.result_batches) == (2, 5, 1, 1)
    assert (s.transferred_count, s.transferred_amount, s.failed_count, s.failed_amount) == (1, 4830, 1, 4831)
    assert s.kind == "mixed"


def test_build_refuses_totals_that_do_not_add_up() -> None:
    b = batch((record(1), record(2)))
    wrong = Batch(b.header, b.records, Trailer(2, b.trailer.total_amount + 1))
    with pytest.raises(ZenginError) as info:
        build(ZenginFile((wrong,)))
    assert info.value.record == 4 and info.value.field == "total_amount"
