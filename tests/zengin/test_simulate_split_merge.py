"""The bank simulator, and split by bank / merge back: the totals agree."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.zengin.helpers import FAST, batch, record
from yakuba.zengin.bank import simulate
from yakuba.zengin.codec import build, check, parse
from yakuba.zengin.errors import ZenginError
from yakuba.zengin.model import Layout, ZenginFile
from yakuba.zengin.split import merge, split_by_bank


def request(n: int = 40, newline: str = "crlf", eof: bool = False) -> bytes:
    banks = ["0001", "0005", "0009", "9900"]
    first = tuple(record(i, bank_code=banks[i % 4]) for i in range(n))
    second = tuple(record(100 + i, bank_code=banks[i % 3]) for i in range(max(1, n // 2)))
    return build(ZenginFile((batch(first), batch(second, debit_date="0527")), Layout(newline, eof)))  # type: ignore[arg-type]


def test_it_simulates_a_bank_deterministically() -> None:
    req = request()
    result = simulate(req, seed=3, mix={"0": 0.5, "1": 0.5})
    assert result == simulate(req, seed=3, mix={"0": 0.5, "1": 0.5})
    assert result != simulate(req, seed=4, mix={"0": 0.5, "1": 0.5})
    s = check(result)
    assert s.result_batches == 2 and s.request_batches == 0
    assert s.transferred_count + s.failed_count == 60 and 0 < s.failed_count < 60
    assert s.transferred_amount + s.failed_amount == s.total_amount == check(req).total_amount


def test_it_forces_codes_by_customer_number() -> None:
    f = parse(simulate(request(), mix={"0": 1.0}, codes={f"{5:020d}": "2"}))
    codes = {r.customer_number: r.result_code for b in f.batches for r in b.records}
    assert codes[f"{5:020d}"] == "2"
    assert {c for k, c in codes.items() if k != f"{5:020d}"} == {"0"}


def test_it_refuses_a_bad_mix_and_a_result_file() -> None:
    with pytest.raises(ZenginError):
        simulate(request(), mix={"7": 1.0})
    with pytest.raises(ZenginError):
        simulate(simulate(request()))


@pytest.mark.parametrize("newline, eof", [("crlf", False), ("none", True)])
def test_split_gives_one_valid_file_per_bank(newline: str, eof: bool) -> None:
    parts = split_by_bank(request(newline=newline, eof=eof))
    assert list(parts) == ["0001", "0005", "0009", "9900"]
    for bank, data in parts.items():
        f = parse(data)
        assert f.layout == Layout(newline, eof)  # type: ignore[arg-type]
        assert {r.bank_code for b in f.batches for r in b.records} == {bank}
    assert len(parse(parts["9900"]).batches) == 1  # the second batch has no 9900 record


@FAST
@given(st.integers(0, 2**32), st.integers(1, 30))
def test_split_simulate_merge_keeps_the_totals(seed: int, n: int) -> None:
    req = request(n)
    parts = split_by_bank(req)
    results = [simulate(p, seed=seed + i, mix={"0": 0.7, "1": 0.2, "9": 0.1}) for i, p in enumerate(parts.values())]
    merged = merge(results)
    s, r = check(merged), check(req)
    assert (s.data_records, s.total_amount, s.batches) == (r.data_records, r.total_amount, r.batches)
    assert s.transferred_count + s.failed_count == s.data_records
    assert s.transferred_amount + s.failed_amount == s.total_amount
    assert sum(check(p).failed_amount for p in results) == s.failed_amount
    original = parse(req)
    back = parse(merged)
    for a, b in zip(original.batches, back.batches):
        assert a.header == b.header
        assert sorted(r.customer_number for r in a.records) == sorted(r.customer_number for r in b.records)


def test_merging_a_split_request_gives_it_back_up_to_order() -> None:
    req = request(8)
    merged = parse(merge(split_by_bank(req)))
    assert check(build(merged)).total_amount == check(req).total_amount
