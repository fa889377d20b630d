"""和暦 (Japanese era dates) as citizens read them on letters and forms."""

from __future__ import annotations

import datetime as dt

from japanera import EraDate


def to_wareki(value: dt.date | dt.datetime) -> str:
    """`date(2019, 5, 1)` → `令和元年5月1日`; `date(2026, 11, 26)` → `令和8年11月26日`."""
    if isinstance(value, dt.datetime):
        value = value.date()
    era = EraDate.from_date(value).era
    year = value.year - era.since.year + 1
    year_text = "元" if year == 1 else str(year)
    return f"{era.kanji}{year_text}年{value.month}月{value.day}日"
