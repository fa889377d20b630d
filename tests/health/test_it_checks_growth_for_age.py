"""The entry's plausibility checks: impossible values refused, values outside the growth reference's
3rd–97th percentile for sex and age asked to be confirmed, dates checked against the birth."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings, strategies as st

from yakuba.health.checks import ERROR, WARNING, Earlier, Entry, check_checkup
from yakuba.health.growth import reference
from yakuba.linkage.checkup import CheckupKind, Judgement, Sex, age_in_months

BIRTH = dt.date(2024, 1, 10)
TODAY = dt.date(2026, 12, 1)


def codes(entry: Entry, sex: Sex = Sex.FEMALE, earlier=(), today: dt.date = TODAY):  # type: ignore[no-untyped-def]
    return {(i.severity, i.field, i.code) for i in check_checkup(entry, birth_date=BIRTH, sex=sex, today=today,
                                                                 earlier=earlier)}


def test_it_works() -> None:
    ok = Entry(CheckupKind.INFANT, dt.date(2024, 5, 20), Decimal("62.0"), Decimal("6.500"), Decimal("40.5"),
               Decimal("40.0"), Judgement.HEALTHY)
    assert codes(ok) == set()


def test_it_refuses_a_weight_no_baby_can_have() -> None:
    typo = Entry(CheckupKind.INFANT, dt.date(2024, 5, 20), weight_kg=Decimal("65"))
    assert (ERROR, "weight_kg", "impossible") in codes(typo)


def test_it_asks_to_confirm_a_weight_outside_the_band() -> None:
    light = Entry(CheckupKind.INFANT, dt.date(2024, 5, 20), weight_kg=Decimal("4.8"))
    assert (WARNING, "weight_kg", "outside_band") in codes(light)
    very = Entry(CheckupKind.INFANT, dt.date(2024, 5, 20), weight_kg=Decimal("2.9"))
    assert (WARNING, "weight_kg", "far_outside") in codes(very)


def test_it_refuses_dates_before_birth_or_in_the_future() -> None:
    assert (ERROR, "checkup_date", "before_birth") in codes(Entry(CheckupKind.INFANT, dt.date(2023, 12, 1)))
    assert (ERROR, "checkup_date", "future") in codes(Entry(CheckupKind.INFANT, dt.date(2027, 1, 1)))


def test_it_refuses_an_age_in_months_that_disagrees_with_the_dates() -> None:
    assert (ERROR, "age_in_months", "disagrees") in codes(Entry(CheckupKind.INFANT, dt.date(2024, 5, 20),
                                                                age_in_months=6))


def test_it_asks_to_confirm_a_checkup_held_at_an_unusual_age() -> None:
    assert (WARNING, "checkup_date", "unusual_age") in codes(Entry(CheckupKind.INFANT, dt.date(2024, 10, 20)))


def test_it_asks_to_confirm_a_height_lower_than_before() -> None:
    earlier = [Earlier(CheckupKind.INFANT, dt.date(2024, 5, 20), Decimal("80.0"))]
    later = Entry(CheckupKind.TODDLER, dt.date(2025, 7, 20), height_cm=Decimal("78.5"))
    assert (WARNING, "height_cm", "height_decreased") in codes(later, earlier=earlier)


def test_it_keeps_the_detailed_exam_date_for_a_detailed_judgement() -> None:
    wrong = Entry(CheckupKind.THREE, dt.date(2027 - 1, 9, 1), judgement=Judgement.HEALTHY,
                  detailed_exam_date=dt.date(2026, 9, 20))
    assert (ERROR, "detailed_exam_date", "without_detailed") in codes(wrong)
    early = Entry(CheckupKind.THREE, dt.date(2026, 9, 1), judgement=Judgement.DETAILED_EXAM,
                  detailed_exam_date=dt.date(2026, 8, 20))
    assert (ERROR, "detailed_exam_date", "before_checkup") in codes(early)


def test_it_refuses_urine_results_outside_the_three_year_checkup() -> None:
    assert (ERROR, "urine", "not_at_this_checkup") in codes(Entry(CheckupKind.TODDLER, dt.date(2025, 7, 20),
                                                                  urine_given=True))


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(list(CheckupKind)), sex=st.sampled_from(list(Sex)), t=st.floats(0.0, 1.0),
       days=st.integers(0, 30), measure=st.sampled_from(["height_cm", "weight_kg", "head_cm", "chest_cm"]))
def test_a_value_inside_the_band_at_the_usual_age_raises_nothing(kind, sex, t, days, measure) -> None:  # type: ignore[no-untyped-def]
    low, _high = kind.months
    on = dt.date(BIRTH.year + (BIRTH.month - 1 + low) // 12, (BIRTH.month - 1 + low) % 12 + 1, BIRTH.day) \
        + dt.timedelta(days=days)
    months = age_in_months(BIRTH, on)
    band = reference().band(measure, sex, months)
    assert band is not None
    places = 3 if measure == "weight_kg" else 1
    value = Decimal(str(round(band.p3 + (band.p97 - band.p3) * (0.02 + 0.96 * t), places)))
    entry = Entry(kind, on, **{measure: value})
    assert codes(entry, sex, today=dt.date(2030, 1, 1)) == set()


@settings(max_examples=100, deadline=None)
@given(sex=st.sampled_from(list(Sex)), factor=st.floats(1.5, 3.0))
def test_a_weight_far_above_the_band_is_never_silent(sex, factor) -> None:  # type: ignore[no-untyped-def]
    on = dt.date(2024, 5, 20)
    band = reference().band("weight_kg", sex, age_in_months(BIRTH, on))
    assert band is not None
    value = Decimal(str(round(band.p97 * factor, 3)))
    found = {(s, c) for s, f, c in codes(Entry(CheckupKind.INFANT, on, weight_kg=value), sex) if f == "weight_kg"}
    assert found & {(WARNING, "far_outside"), (WARNING, "outside_band"), (ERROR, "impossible")}
