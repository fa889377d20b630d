"""compose_date: 西暦 and 和暦 round-trip across era boundaries; bad dates raise with a reason."""

from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from yakuba.ocr.canonical import compose_date, to_wareki, canonical


@given(st.dates(min_value=date(1989, 1, 8), max_value=date(2060, 12, 31)))
def test_wareki_round_trip(d):
    era, y, m, dd = to_wareki(d.isoformat())
    assert era in ("平成", "令和")
    assert compose_date(era, str(y), str(m), str(dd)) == d.isoformat()
    assert compose_date("西暦", str(d.year), f"{d.month:02d}", f"{d.day:02d}") == d.isoformat()


@given(st.integers(min_value=-400, max_value=400))
def test_era_boundary(offset):
    d = date(2019, 5, 1) + timedelta(days=offset)
    era, y, m, dd = to_wareki(d.isoformat())
    assert era == ("令和" if d >= date(2019, 5, 1) else "平成")
    other = "平成" if era == "令和" else "令和"
    other_year = d.year - (1988 if other == "平成" else 2018)
    if other_year >= 1:
        with pytest.raises(ValueError, match="期間外"):
            compose_date(other, str(other_year), str(m), str(dd))


def test_examples_and_reasons():
    assert compose_date("令和", "6", "4", "1") == "2024-04-01"
    assert compose_date("令和", "元", "5", "1") == "2019-05-01"
    assert compose_date("平成", "31", "4", "30") == "2019-04-30"
    assert compose_date(None, "2024", "02", "29") == "2024-02-29"
    with pytest.raises(ValueError, match="存在しない"):
        compose_date("西暦", "2023", "02", "29")
    with pytest.raises(ValueError, match="期間外"):
        compose_date("令和", "1", "4", "30")
    assert compose_date("", "", "", "") == ""
    assert canonical("date", "令和6年4月1日") == "2024-04-01"
    assert canonical("month", "2025年4月") == "2025-04"
