"""Tie-break order: key by key as the rules file lists them; a total, deterministic order."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yakuba.allocation.rules import LAST_RESORT, TIE_BREAK_KEYS, Applicant, deciding_key, load_rules, order, \
    parse_rules_text, sort_key

ALL_KEYS = list(TIE_BREAK_KEYS)
TIE_RULES = parse_rules_text(f"""
title = "同点テスト"
[age_class]
reference_date = "04-01"
[tie_break]
order = {ALL_KEYS!r}
# One adjustment, on an attribute no tie-break key looks at, so that 点数 and 基準点 can differ.
[[adjustments]]
id = "fee_arrears"
label = "保育料の滞納"
points = -1
when = {{ fee_arrears = true }}
""".replace("'", '"'), "tie.toml")


def applicant(id: str = "c1", **changes: Any) -> Applicant:
    base = Applicant(id=id, household=f"h-{id}", birth=dt.date(2023, 6, 1), wishes=("101",), base_points=40,
                     receipt_number="100", receipt_date=dt.date(2024, 11, 1), household_income=100_000)
    return dataclasses.replace(base, **changes)


# (key, what makes the first applicant go first, what the second has instead)
CASES = [
    ("total_points", {"base_points": 41}, {"base_points": 40}),
    ("total_points", {"base_points": 40}, {"base_points": 40, "fee_arrears": True}),
    ("base_points", {"base_points": 41, "fee_arrears": True}, {"base_points": 40}),
    ("single_parent", {"single_parent": True}, {"single_parent": False}),
    ("welfare", {"welfare": True}, {"welfare": False}),
    ("sibling_enrolled", {"siblings_enrolled": {"555"}}, {"siblings_enrolled": set()}),
    ("returning_from_leave", {"returning_from_leave": True}, {"returning_from_leave": False}),
    ("lower_income", {"household_income": 99_999}, {"household_income": 100_000}),
    ("lower_income", {"household_income": 500_000}, {"household_income": None}),
    ("more_children", {"number_of_children": 3}, {"number_of_children": 2}),
    ("earlier_receipt", {"receipt_date": dt.date(2024, 10, 31)}, {"receipt_date": dt.date(2024, 11, 1)}),
    ("earlier_receipt", {"receipt_date": dt.date(2024, 12, 1)}, {"receipt_date": None}),
    (LAST_RESORT, {"receipt_number": "9"}, {"receipt_number": "10"}),
    (LAST_RESORT, {"receipt_number": "10"}, {"receipt_number": "A-1"}),
    (LAST_RESORT, {"id": "a"}, {"id": "b"}),
]


@pytest.mark.parametrize(("key", "first", "second"), CASES)
def test_it_applies_each_tie_break_key(key: str, first: dict, second: dict) -> None:
    a = applicant(**{"id": "x", **first})
    b = applicant(**{"id": "y", **second}) if "id" not in second else applicant(**second)
    assert order([a, b], TIE_RULES) == [a, b]
    assert order([b, a], TIE_RULES) == [a, b]
    assert deciding_key(a, b, TIE_RULES) == key


@pytest.mark.parametrize("at", range(len(ALL_KEYS)))
def test_an_earlier_key_outweighs_every_later_one(at: int) -> None:
    key, first, second = next(c for c in CASES if c[0] == ALL_KEYS[at])
    # `a` wins on key `at` and loses on every later key; `b` the opposite.
    later_first = {k: v for c in CASES if c[0] in ALL_KEYS[at + 1:] for k, v in c[1].items()}
    later_second = {k: v for c in CASES if c[0] in ALL_KEYS[at + 1:] for k, v in c[2].items()}
    a = applicant("x", **{**later_second, **first}, receipt_number="999")
    b = applicant("y", **{**later_first, **second}, receipt_number="1")
    assert order([b, a], TIE_RULES) == [a, b]
    assert deciding_key(a, b, TIE_RULES) == key


def test_it_follows_the_files_order_of_keys() -> None:
    swapped = dataclasses.replace(TIE_RULES, tie_break=("lower_income", "single_parent"))
    poor = applicant("x", household_income=10)
    single = applicant("y", single_parent=True)
    assert order([single, poor], swapped) == [poor, single]
    assert order([poor, single], TIE_RULES) == [single, poor]


def test_the_demo_rules_compare_points_after_adjustments_then_base_points() -> None:
    rules = load_rules()
    single = applicant("x", base_points=35, single_parent=True)  # 35 + 5 = 40
    couple = applicant("y", base_points=40)
    assert order([single, couple], rules) == [couple, single]
    assert deciding_key(couple, single, rules) == "base_points"


def test_it_refuses_two_applicants_with_one_id() -> None:
    with pytest.raises(ValueError, match="c1"):
        order([applicant("c1"), applicant("c1", base_points=10)], TIE_RULES)


applicants = st.lists(
    st.builds(
        lambda i, **kw: applicant(f"c{i}", **kw),
        st.integers(0, 10_000),
        base_points=st.integers(38, 41),
        single_parent=st.booleans(), welfare=st.booleans(),
        siblings_enrolled=st.sampled_from([frozenset(), frozenset({"101"})]),
        returning_from_leave=st.booleans(),
        household_income=st.one_of(st.none(), st.sampled_from([0, 48_599, 100_000])),
        number_of_children=st.integers(1, 3),
        receipt_date=st.one_of(st.none(), st.sampled_from([dt.date(2024, 11, 1), dt.date(2024, 11, 2)])),
        receipt_number=st.sampled_from(["", "1", "2", "10", "R-1"]),
        fee_arrears=st.booleans(),
    ),
    max_size=12, unique_by=lambda a: a.id)


@given(applicants, st.randoms(use_true_random=False), st.sampled_from([TIE_RULES, load_rules()]))
def test_the_order_is_total_and_does_not_depend_on_the_input_order(items: list[Applicant], rnd: Any,
                                                                    rules: Any) -> None:
    expected = order(items, rules)
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert order(shuffled, rules) == expected
    keys = [sort_key(a, rules) for a in expected]
    assert all(x < y for x, y in zip(keys, keys[1:]))  # strictly increasing: no two applicants tie


RECEIPT_ONLY = parse_rules_text('title = "受付順"\n[age_class]\nreference_date = "04-01"\n[tie_break]\norder = []\n',
                                "receipt.toml")


@given(st.lists(st.text("0123456789", min_size=1, max_size=30), min_size=2, max_size=6, unique=True))
def test_receipt_numbers_of_digits_compare_as_numbers_however_long(numbers: list[str]) -> None:
    people = [applicant(f"c{i}", receipt_number=n) for i, n in enumerate(numbers)]
    ranked = [a.receipt_number for a in order(people, RECEIPT_ONLY)]
    assert [int(n) for n in ranked] == sorted(int(n) for n in numbers)


def test_a_five_thousand_digit_receipt_number_is_ordered_after_shorter_ones() -> None:
    ranked = order([applicant("a", receipt_number="9" * 5000), applicant("b", receipt_number="12")], RECEIPT_ONLY)
    assert [a.id for a in ranked] == ["b", "a"]
