"""Property: for any bills and any transferred items, each batch of journal lines balances, the 調定's revenue
and tax add up to the tax-included charges, the 収納's credits add up to what came in, and a batch's id
depends on its source rows only (not their order)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, strategies as st

from yakuba.cityprofile.where import DEMO_PROFILE
from yakuba.debit.journal import balanced, billing_lines, collection_lines, load_chart

CHART = load_chart(Path(DEMO_PROFILE) / "accounting.toml")
DAY = dt.date(2026, 11, 26)
amounts = st.integers(0, 10_000_000)


@given(bills=st.lists(st.tuples(st.uuids().map(str), amounts), max_size=30),
       items=st.lists(st.tuples(st.uuids().map(str), amounts, st.booleans()), max_size=30))
def test_it_works(bills, items) -> None:  # type: ignore[no-untyped-def]
    billing = billing_lines(DAY.replace(day=1), bills, CHART, period="2026-11")
    collection = collection_lines(DAY, items, CHART)
    assert balanced(billing + collection)
    if bills:
        credits = [line.amount for line in billing if line.side == "貸方"]
        assert sum(credits) == sum(a for _, a in bills) and all(a >= 0 for a in credits)
    if items:
        assert sum(line.amount for line in collection if line.side == "貸方") == sum(a for _, a, _ in items)
        again = collection_lines(DAY, list(reversed(items)), CHART)
        assert {line.batch for line in again} == {line.batch for line in collection}
    else:
        assert collection == []
