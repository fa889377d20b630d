"""Office hours and closed days (開庁時間・閉庁日) of a city, from its profile's ``[calendar]``. Pure: no Django.

    cal = parse_calendar(data["calendar"])        # CalendarError(key, what) for a bad value
    is_office_hours(dt.datetime(...), cal)        # a weekday 08:30–17:15 that is not closed
    next_working_day(date, cal)                   # the supervisor's review day after a night call

Closed: the weekdays listed in ``closed_weekdays`` (土日), 国民の祝日 (via jpholiday) when
``holidays = true``, the year-end days (``year_end = ["12-29", "01-03"]``, wrapping over the new
year) and the ``closed_dates`` a city adds as data (創立記念日, a system stop). A naive datetime is
read as the city's local time; an aware one is converted to `tz` first.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Mapping
from zoneinfo import ZoneInfo

import jpholiday

WEEKDAYS = {"月": 0, "火": 1, "水": 2, "木": 3, "金": 4, "土": 5, "日": 6}
TZ = ZoneInfo("Asia/Tokyo")


class CalendarError(ValueError):
    """One bad value of a ``[calendar]`` table: the key and what is wrong (one line)."""

    def __init__(self, key: str, what: str) -> None:
        self.key, self.what = key, what
        super().__init__(f"{key}: {what}")


@dataclass(frozen=True)
class Calendar:
    opens: dt.time = dt.time(8, 30)
    closes: dt.time = dt.time(17, 15)
    closed_weekdays: frozenset[int] = frozenset({5, 6})
    holidays: bool = True
    year_end: tuple[tuple[int, int], tuple[int, int]] | None = ((12, 29), (1, 3))
    closed_dates: frozenset[dt.date] = frozenset()

    def is_closed_day(self, day: dt.date) -> bool:
        if day.weekday() in self.closed_weekdays or day in self.closed_dates:
            return True
        if self.holidays and jpholiday.is_holiday(day):
            return True
        if self.year_end is not None:
            (m1, d1), (m2, d2) = self.year_end
            md = (day.month, day.day)
            inside = (m1, d1) <= md <= (m2, d2) if (m1, d1) <= (m2, d2) else (md >= (m1, d1) or md <= (m2, d2))
            if inside:
                return True
        return False


DEFAULT = Calendar()
KEYS = {"opens", "closes", "closed_weekdays", "holidays", "year_end", "closed_dates"}


def _time(key: str, value: Any) -> dt.time:
    if not isinstance(value, str) or not re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", value):
        raise CalendarError(key, f'"08:30" のような時刻 (HH:MM) が必要です (needs a time HH:MM, got {value!r})')
    return dt.time(int(value[:2]), int(value[3:]))


def _month_day(key: str, value: Any) -> tuple[int, int]:
    m = re.fullmatch(r"([0-9]{2})-([0-9]{2})", value) if isinstance(value, str) else None
    try:
        if m is None:
            raise ValueError
        dt.date(2000, int(m.group(1)), int(m.group(2)))  # a leap year: 02-29 is a day
    except ValueError:
        raise CalendarError(key, f'"12-29" のような月日 (MM-DD) が必要です (needs a month-day MM-DD, got {value!r})') from None
    return int(m.group(1)), int(m.group(2))


def parse_calendar(raw: Any) -> Calendar:
    """The ``[calendar]`` table, checked; missing keys take the defaults (平日 08:30–17:15, 土日祝, 年末年始)."""
    if not isinstance(raw, Mapping):
        raise CalendarError("calendar", f"表ではありません (not a table, got {raw!r})")
    for k in raw:
        if k not in KEYS:
            raise CalendarError(f"calendar.{k}", "知らない項目です (unknown key)")
    opens = _time("calendar.opens", raw.get("opens", "08:30"))
    closes = _time("calendar.closes", raw.get("closes", "17:15"))
    if closes <= opens:
        raise CalendarError("calendar.closes", f"閉庁時刻は開庁時刻より後にしてください (closes must be after opens, "
                                               f"got {raw.get('closes')!r})")
    days = raw.get("closed_weekdays", ["土", "日"])
    if not isinstance(days, list) or not all(isinstance(d, str) and d in WEEKDAYS for d in days):
        raise CalendarError("calendar.closed_weekdays", f'["土", "日"] のように曜日を書いてください (needs weekdays 月…日, '
                                                        f"got {days!r})")
    holidays = raw.get("holidays", True)
    if not isinstance(holidays, bool):
        raise CalendarError("calendar.holidays", f"true か false です (needs true or false, got {holidays!r})")
    year_end_raw = raw.get("year_end", ["12-29", "01-03"])
    year_end = None
    if year_end_raw != []:
        if not isinstance(year_end_raw, list) or len(year_end_raw) != 2:
            raise CalendarError("calendar.year_end", f'["12-29", "01-03"] のように初日と末日を書いてください '
                                                     f"(needs [first, last], got {year_end_raw!r})")
        year_end = (_month_day("calendar.year_end", year_end_raw[0]), _month_day("calendar.year_end", year_end_raw[1]))
    dates_raw = raw.get("closed_dates", [])
    if not isinstance(dates_raw, list):
        raise CalendarError("calendar.closed_dates", f"日付の一覧が必要です (needs a list of dates, got {dates_raw!r})")
    dates = set()
    for d in dates_raw:
        if isinstance(d, dt.datetime) or not isinstance(d, (dt.date, str)):
            raise CalendarError("calendar.closed_dates", f"2027-05-06 のような日付が必要です (needs a date, got {d!r})")
        if isinstance(d, str):
            try:
                d = dt.date.fromisoformat(d)
            except ValueError:
                raise CalendarError("calendar.closed_dates", f"2027-05-06 のような日付が必要です (needs a date, got {d!r})") from None
        dates.add(d)
    return Calendar(opens, closes, frozenset(WEEKDAYS[d] for d in days), holidays, year_end, frozenset(dates))


def _local(at: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    return at.astimezone(tz).replace(tzinfo=None) if at.tzinfo is not None else at


def is_office_hours(at: dt.datetime, calendar: Calendar, tz: dt.tzinfo = TZ) -> bool:
    """True on a working day between opening (included) and closing (excluded) time."""
    local = _local(at, tz)
    if calendar.is_closed_day(local.date()):
        return False
    return calendar.opens <= local.time() < calendar.closes


def next_working_day(day: dt.date, calendar: Calendar) -> dt.date:
    """The first working day after `day` (the review day of a night's break-glass access); the next
    day when a calendar has none within a year (a centre that never opens still reviews)."""
    d = day + dt.timedelta(days=1)
    for _ in range(400):
        if not calendar.is_closed_day(d):
            return d
        d += dt.timedelta(days=1)
    return day + dt.timedelta(days=1)
