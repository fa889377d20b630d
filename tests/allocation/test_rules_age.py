"""年齢クラス: the age on 4月1日 of the admission year; births from 4月2日 to 4月1日 form a class."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yakuba.allocation.rules import AgeClassError, age_class, load_rules

D = dt.date


@pytest.mark.parametrize(("birth", "expected"), [
    (D(2024, 4, 1), 1),   # born on 4月1日: already 1 on 2025-04-01 → the older class
    (D(2024, 4, 2), 0),   # born on 4月2日: still 0 → the younger class
    (D(2023, 4, 2), 1),   # the first day of the 1歳 class
    (D(2023, 4, 1), 2),   # the last day of the 2歳 class
    (D(2020, 4, 2), 4),
    (D(2019, 4, 2), 5),   # the youngest of the 5歳 class
    (D(2024, 12, 31), 0),
    (D(2025, 3, 31), 0),  # born before the 年度 starts
    (D(2025, 4, 1), 0),   # born on the reference date itself
])
def test_it_puts_the_april_1_boundary_between_classes(birth: dt.date, expected: int) -> None:
    assert age_class(birth, 2025) == expected


@pytest.mark.parametrize(("birth", "year", "expected"), [
    (D(2020, 2, 29), 2024, 4),  # a leap-day birth in a leap admission year
    (D(2020, 2, 29), 2025, 5),  # … and in a common year: Feb 29 is before 4月1日 either way
    (D(2024, 2, 29), 2025, 1),
    (D(2024, 2, 29), 2024, 0),
])
def test_it_handles_leap_day_births(birth: dt.date, year: int, expected: int) -> None:
    assert age_class(birth, year) == expected


def test_it_puts_children_born_during_the_year_in_the_0_class() -> None:
    assert age_class(D(2025, 4, 2), 2025) == 0
    assert age_class(D(2026, 3, 31), 2025) == 0


def test_it_refuses_a_birth_after_the_year_ends() -> None:
    with pytest.raises(AgeClassError, match="2026-04-01"):
        age_class(D(2026, 4, 1), 2025)


def test_it_refuses_school_age_children() -> None:
    assert age_class(D(2019, 4, 2), 2025) == 5
    with pytest.raises(AgeClassError, match="0〜5"):
        age_class(D(2019, 4, 1), 2025)  # 6 on 2025-04-01: first grade of 小学校


def test_it_uses_the_rules_files_reference_date() -> None:
    rules = load_rules()
    assert rules.reference == (4, 1)
    assert rules.age_class(D(2024, 4, 1), 2025) == 1
    assert rules.age_class(D(2024, 4, 2), 2025) == 0


@given(st.dates(min_value=D(2019, 4, 2), max_value=D(2025, 4, 1)))
def test_it_agrees_with_the_school_year_of_the_birth(birth: dt.date) -> None:
    # The cohort's 年度 starts on the 4月2日 on or before the birth; its class in 2025 is 2025 − that
    # year − 1 (born 2024-04-02 … 2025-04-01: class 0).
    cohort = birth.year if (birth.month, birth.day) >= (4, 2) else birth.year - 1
    assert age_class(birth, 2025) == 2025 - cohort - 1
