"""和暦 as citizens read it on letters."""

from __future__ import annotations

import datetime as dt

import pytest

from yakuba.wareki import to_wareki


@pytest.mark.parametrize(("day", "text"), [
    (dt.date(2019, 4, 30), "平成31年4月30日"),
    (dt.date(2019, 5, 1), "令和元年5月1日"),
    (dt.date(2026, 11, 26), "令和8年11月26日"),
    (dt.date(1989, 1, 8), "平成元年1月8日"),
    (dt.datetime(2027, 4, 1, 9, 0), "令和9年4月1日"),
])
def test_it_names_the_era_and_its_year(day: dt.date, text: str) -> None:
    assert to_wareki(day) == text
