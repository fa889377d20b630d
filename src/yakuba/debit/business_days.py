"""Bank business days: a debit date on a weekend, a national holiday or the banks' year-end
holidays (12/31–1/3) moves to the next business day."""

from __future__ import annotations

import datetime as dt

import jpholiday


def is_business_day(day: dt.date) -> bool:
    if day.weekday() >= 5 or jpholiday.is_holiday(day):
        return False
    return not ((day.month, day.day) == (12, 31) or (day.month == 1 and day.day <= 3))


def next_business_day(day: dt.date) -> dt.date:
    """`day` itself when the banks are open, else the next day they are."""
    while not is_business_day(day):
        day += dt.timedelta(days=1)
    return day


def wareki(day: dt.date) -> str:
    """和暦 for letters (`yakuba.wareki`)."""
    from yakuba.wareki import to_wareki

    return to_wareki(day)
