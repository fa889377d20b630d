"""A debit date on a holiday or a weekend moves to the next business day (jpholiday)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.debit.conftest import make_customers
from yakuba.debit.actions import runs
from yakuba.debit.business_days import next_business_day


@pytest.mark.parametrize("day, expected", [
    (dt.date(2026, 11, 23), dt.date(2026, 11, 24)),  # 勤労感謝の日 (Monday)
    (dt.date(2026, 11, 28), dt.date(2026, 11, 30)),  # Saturday
    (dt.date(2026, 5, 3), dt.date(2026, 5, 7)),      # ゴールデンウィーク (振替休日 on the 6th)
    (dt.date(2026, 12, 31), dt.date(2027, 1, 4)),    # the banks' year-end holidays
    (dt.date(2026, 11, 26), dt.date(2026, 11, 26)),  # a Thursday stays
])
def test_it_moves_a_holiday_debit_date(day: dt.date, expected: dt.date) -> None:
    assert next_business_day(day) == expected


@pytest.mark.django_db
def test_a_run_on_a_holiday_debits_the_next_business_day(staff) -> None:  # type: ignore[no-untyped-def]
    make_customers(2, due=dt.date(2026, 11, 23))
    run = runs.do_create_run(dt.date(2026, 11, 23), staff)
    assert run.requested_date == dt.date(2026, 11, 23) and run.debit_date == dt.date(2026, 11, 24)
