"""to_instance builds the Instance directly, and it is the one the contract's tables would give."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yakuba.allocation.errors import InputError
from yakuba.allocation.io import instance_from_tables
from yakuba.allocation.model import Facility
from yakuba.allocation.rules import Applicant, daycares_rows, load_rules, to_instance, to_instance_rows

RULES = load_rules()
YEAR = 2025
CODES = ["101", "102", "103", "999"]


def outcome(build: Any) -> tuple[str, Any]:
    try:
        instance = build()
    except InputError as exc:
        return "refused", [dataclasses.astuple(p) for p in exc.problems]
    return "built", (instance.children, instance.households, dict(instance.facilities), instance.combinations,
                     dict(instance.source))


applicants = st.lists(
    st.builds(
        lambda i, **kw: Applicant(id=str(i), receipt_number=str(i), **kw),
        st.integers(1, 30),
        household=st.sampled_from([f"H{n}" for n in range(40)] + ["S", "S", ""]),
        birth=st.sampled_from([dt.date(2024, 4, 1), dt.date(2023, 6, 1), dt.date(2021, 5, 5)]),
        wishes=st.lists(st.sampled_from(CODES[:3] * 6 + CODES[3:]), min_size=1, max_size=3).map(tuple),
        base_points=st.integers(38, 41),
        current=st.sampled_from([None] * 8 + ["101", "999"]),
        pattern=st.sampled_from([None] * 12 + [1, 3, 4, 9]),
        siblings_enrolled=st.sampled_from([frozenset(), frozenset({"102"})]),
        single_parent=st.booleans(),
        household_income=st.sampled_from([None, 0, 100_000]),
    ),
    min_size=1, max_size=6, unique_by=lambda a: a.id)

ALL = [Facility(code, f"{code}園", (1, 1, 1, 1, 1, 1)) for code in CODES[:3]]
facilities = st.one_of(st.just(ALL), st.lists(
    st.builds(Facility, st.sampled_from(["101", "102", "103", ""]), st.sampled_from(["A園", " B園 "]),
              st.tuples(*[st.integers(-1, 2)] * 6)),
    min_size=1, max_size=4))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(applicants, facilities, st.booleans())
def test_it_gives_what_the_contracts_tables_would_give(items: list[Applicant], places: list[Facility],
                                                       with_combinations: bool) -> None:
    combinations = None
    if with_combinations:
        combinations = [["ファミリーコード", "総当たり順位", "宛名コード1", "希望施設1"],
                        [items[0].household, "1", items[0].id, "101"]]
    direct = outcome(lambda: to_instance(items, RULES, YEAR, places, combinations))
    via_text = outcome(lambda: instance_from_tables(to_instance_rows(items, RULES, YEAR), daycares_rows(places),
                                                    combinations))
    assert direct == via_text
