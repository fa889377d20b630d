"""The city profile's calendar: office hours and closed days (土日, 祝日 via jpholiday, 年末年始,
extra dates), `is_office_hours` as properties, and one clear error line for a bad value."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import jpholiday
import pytest
from hypothesis import given
from hypothesis import strategies as st

from yakuba.cityprofile.load import ProfileInvalid, load_profile
from yakuba.officehours import DEFAULT, CalendarError, is_office_hours, next_working_day, parse_calendar

MIDORI = Path(__file__).resolve().parents[2] / "src" / "yakuba" / "profiles" / "midori"
moments = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2030, 12, 31))


@given(moments)
def test_it_works(at: dt.datetime) -> None:
    """Open exactly on a weekday that is no holiday nor 年末年始, from 08:30 to before 17:15."""
    d = at.date()
    working = (d.weekday() < 5 and not jpholiday.is_holiday(d)
               and not ((d.month, d.day) >= (12, 29) or (d.month, d.day) <= (1, 3)))
    assert is_office_hours(at, DEFAULT) == (working and dt.time(8, 30) <= at.time() < dt.time(17, 15))


@given(moments)
def test_the_next_working_day_is_open_and_nothing_between_is(at: dt.datetime) -> None:
    d = at.date()
    nxt = next_working_day(d, DEFAULT)
    assert nxt > d and not DEFAULT.is_closed_day(nxt)
    assert all(DEFAULT.is_closed_day(d + dt.timedelta(days=i)) for i in range(1, (nxt - d).days))
    assert is_office_hours(dt.datetime.combine(nxt, dt.time(9, 0)), DEFAULT)


@given(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_extra_closed_dates_and_weekdays_close(d: dt.date) -> None:
    cal = parse_calendar({"closed_dates": [d.isoformat()], "closed_weekdays": ["日"], "holidays": False, "year_end": []})
    assert not is_office_hours(dt.datetime.combine(d, dt.time(10, 0)), cal)
    other = d + dt.timedelta(days=1)
    assert is_office_hours(dt.datetime.combine(other, dt.time(10, 0)), cal) == (other.weekday() != 6)


def test_an_aware_time_is_read_in_japan() -> None:
    monday_9_jst = dt.datetime(2026, 12, 7, 0, 0, tzinfo=dt.timezone.utc)  # 09:00 in Tokyo
    assert is_office_hours(monday_9_jst, DEFAULT)
    assert not is_office_hours(monday_9_jst.replace(hour=9), DEFAULT)  # 18:00 in Tokyo


@pytest.mark.parametrize("bad, key", [
    ({"opens": "8:30"}, "calendar.opens"), ({"closes": "07:00"}, "calendar.closes"),
    ({"closed_weekdays": ["土", "Sun"]}, "calendar.closed_weekdays"), ({"holidays": "yes"}, "calendar.holidays"),
    ({"year_end": ["12-32", "01-03"]}, "calendar.year_end"), ({"closed_dates": ["2027-13-01"]}, "calendar.closed_dates"),
    ({"lunch": "12:00"}, "calendar.lunch"),
])
def test_a_bad_value_is_one_clear_line(bad: dict, key: str) -> None:
    with pytest.raises(CalendarError) as e:
        parse_calendar(bad)
    assert e.value.key == key and "\n" not in str(e.value)


def test_the_profile_loads_and_refuses_its_calendar(tmp_path: Path) -> None:
    profile = load_profile(MIDORI)
    assert profile.calendar == DEFAULT
    folder = tmp_path / "city"
    shutil.copytree(MIDORI, folder)
    text = (folder / "city.toml").read_text(encoding="utf-8").replace('closes = "17:15"', 'closes = "25:00"')
    (folder / "city.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ProfileInvalid) as e:
        load_profile(folder)
    [problem] = e.value.problems
    assert problem.file == "city.toml" and problem.field == "calendar.closes" and problem.row is not None
    assert "HH:MM" in str(e.value) and "\n" not in str(e.value)
