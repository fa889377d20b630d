"""調整点: each condition fires or does not, and staff can read how the points were made up."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yakuba.allocation.rules import Applicant, load_rules, parse_rules_text, score

RULES = load_rules()


def applicant(**changes: Any) -> Applicant:
    """A plain two-parent applicant: no 調整点 of the demo rules applies (所得割額 100,000 yen)."""
    base = Applicant(id="c1", household="h1", birth=dt.date(2023, 6, 1), wishes=("101", "102"),
                     base_points=40, receipt_number="1", household_income=100_000, number_of_children=1)
    return dataclasses.replace(base, **changes)


def test_it_gives_a_plain_applicant_its_base_points() -> None:
    b = score(applicant(), RULES)
    assert (b.base, b.adjustments, b.total, b.per_wish, b.problems) == (40, (), 40, (), ())
    assert b.describe() == "基準点 40 = 40点"


@pytest.mark.parametrize(("rule", "fires", "misses"), [
    ("single_parent", {"single_parent": True}, {"single_parent": False}),
    ("guardian_missing", {"guardian_absent_reason": "行方不明"}, {"guardian_absent_reason": "離婚"}),
    ("guardian_missing", {"guardian_absent_reason": "拘禁"}, {"guardian_absent_reason": None}),
    ("guardian_missing", {"guardian_absent_reason": "拘禁"}, {"guardian_absent_reason": "拘禁", "single_parent": True}),
    ("welfare", {"welfare": True}, {"welfare": False}),
    ("returning_from_leave", {"returning_from_leave": True}, {}),
    ("nursery_worker", {"nursery_worker": True}, {}),
    ("unlicensed_care", {"unlicensed_care": True}, {}),
    ("multiple_birth", {"multiple_birth": True}, {}),
    ("child_disability", {"child_disability": True}, {}),
    ("many_children", {"number_of_children": 3}, {"number_of_children": 2}),
    ("many_children", {"number_of_children": 5}, {"number_of_children": 1}),
    ("low_income", {"household_income": 48_599}, {"household_income": 48_600}),
    ("low_income", {"household_income": 0}, {"household_income": 1_000_000}),
    ("grandparent_caregiver", {"grandparent_caregiver": True}, {}),
    ("fee_arrears", {"fee_arrears": True}, {}),
])
def test_it_applies_each_demo_rule_exactly_when_its_condition_holds(rule: str, fires: dict, misses: dict) -> None:
    points = {r.id: r.points for r in RULES.adjustments}[rule]
    hit = score(applicant(**fires), RULES)
    assert [a.rule for a in hit.adjustments] == [rule]
    assert hit.total == 40 + points
    assert rule not in [a.rule for a in score(applicant(**misses), RULES).adjustments]


def test_it_gives_the_sibling_points_only_at_the_siblings_facility() -> None:
    b = score(applicant(siblings_enrolled={"102", "999"}), RULES)
    assert b.adjustments == () and b.total == 40
    assert [(f, [a.rule for a in extra]) for f, extra in b.per_wish] == [("102", ["sibling_in_wish"])]
    assert (b.points_at("101"), b.points_at("102"), b.points_at("999")) == (40, 43, 40)
    assert b.describe() == "基準点 40 = 40点；第2希望 102: きょうだいが在園する施設を希望 +3 → 43点"
    assert score(applicant(siblings_enrolled={"999"}), RULES).per_wish == ()


def test_it_describes_additions_and_deductions_in_japanese() -> None:
    b = score(applicant(single_parent=True, fee_arrears=True, household_income=30_000), RULES)
    assert b.describe() == "基準点 40 + ひとり親世帯 +5 + 所得割額 48,600円未満 +1 + 保育料の滞納 -5 = 41点"
    assert [tuple(a) for a in b.adjustments] == [
        ("single_parent", "ひとり親世帯", 5), ("low_income", "所得割額 48,600円未満", 1), ("fee_arrears", "保育料の滞納", -5)]


def test_it_flags_an_unknown_income_for_staff_and_does_not_guess() -> None:
    b = score(applicant(household_income=None), RULES)
    assert b.total == 40 and b.adjustments == ()
    assert len(b.problems) == 2  # the rule on income, and the lower_income tie-break
    assert "「所得割額 48,600円未満」を判定できません" in b.problems[0]
    assert "要確認: 所得割額が不明のため" in b.describe()


RULES_TEXT = """
title = "テスト"
[age_class]
reference_date = "04-01"
[tie_break]
order = []
[[adjustments]]
id = "r"
label = "テスト"
points = 7
when = {when}
"""


def rule(when: str) -> Any:
    return parse_rules_text(RULES_TEXT.replace("{when}", when), "t.toml")


@pytest.mark.parametrize(("when", "changes", "expected"), [
    ("{ base_points = { min = 30 } }", {"base_points": 30}, True),
    ("{ base_points = { min = 30 } }", {"base_points": 29}, False),
    ("{ base_points = { max = 30 } }", {"base_points": 30}, True),
    ("{ base_points = { max = 30 } }", {"base_points": 31}, False),
    ("{ base_points = { min = 10, max = 20 } }", {"base_points": 15}, True),
    ("{ base_points = { min = 10, max = 20 } }", {"base_points": 21}, False),
    ("{ base_points = 40 }", {}, True),
    ("{ base_points = { eq = 41 } }", {}, False),
    ("{ number_of_children = { in = [2, 4] } }", {"number_of_children": 4}, True),
    ("{ number_of_children = { in = [2, 4] } }", {"number_of_children": 3}, False),
    ('{ guardian_absent_reason = "死亡" }', {"guardian_absent_reason": "死亡"}, True),
    ('{ guardian_absent_reason = "死亡" }', {"guardian_absent_reason": "離婚"}, False),
    ('{ guardian_absent_reason = "死亡" }', {}, False),
    ('{ guardian_absent_reason = { in = ["死亡", "離婚"] } }', {"guardian_absent_reason": "離婚"}, True),
    ('{ guardian_absent_reason = { in = ["死亡", "離婚"] } }', {}, False),
    ("{ sibling_enrolled = true }", {"siblings_enrolled": {"555"}}, True),
    ("{ sibling_enrolled = true }", {}, False),
    ("{ transfer = true }", {"current": "555"}, True),
    ("{ transfer = false }", {"current": "555"}, False),
    ("{ single_parent = false }", {}, True),
    ("{ household_income = { max = 100000 } }", {}, True),
    ("{ household_income = { min = 100001 } }", {}, False),
    ("{ household_income = { in = [0, 100000] } }", {}, True),
])
def test_it_evaluates_each_operator(when: str, changes: dict, expected: bool) -> None:
    a = applicant(**changes)
    b = score(a, rule(when))
    assert b.total == a.base_points + (7 if expected else 0)
    assert b.problems == ()


def test_a_false_condition_decides_even_when_income_is_unknown() -> None:
    r = rule("{ single_parent = true, household_income = { max = 1000 } }")
    assert score(applicant(household_income=None), r).problems == ()
    b = score(applicant(household_income=None, single_parent=True), r)
    assert b.total == 40 and len(b.problems) == 1


def test_a_per_wish_rule_may_combine_with_other_conditions() -> None:
    r = rule("{ sibling_enrolled_in_wish = true, transfer = false }")
    assert score(applicant(siblings_enrolled={"101"}), r).points_at("101") == 47
    assert score(applicant(siblings_enrolled={"101"}, current="555"), r).per_wish == ()


applicants = st.builds(
    Applicant,
    id=st.just("c"), household=st.just("h"), birth=st.just(dt.date(2023, 5, 5)),
    wishes=st.lists(st.sampled_from(["101", "102", "103"]), min_size=1, max_size=3, unique=True).map(tuple),
    base_points=st.integers(0, 60),
    single_parent=st.booleans(), welfare=st.booleans(),
    guardian_absent_reason=st.sampled_from([None, "死亡", "行方不明", "拘禁"]),
    siblings_enrolled=st.frozensets(st.sampled_from(["101", "102", "104"])),
    returning_from_leave=st.booleans(), nursery_worker=st.booleans(), unlicensed_care=st.booleans(),
    grandparent_caregiver=st.booleans(), fee_arrears=st.booleans(), multiple_birth=st.booleans(),
    child_disability=st.booleans(),
    household_income=st.one_of(st.none(), st.integers(0, 500_000)),
    number_of_children=st.integers(1, 5),
)


@given(applicants)
def test_the_total_is_the_base_plus_the_adjustments(a: Applicant) -> None:
    b = score(a, RULES)
    assert b.total == b.base + sum(x.points for x in b.adjustments)
    assert b.base == a.base_points
    for facility, extra in b.per_wish:
        assert facility in a.wishes and facility in a.siblings_enrolled
        assert b.points_at(facility) == b.total + sum(x.points for x in extra)
    assert b.describe().startswith(f"基準点 {a.base_points}")
    assert f"= {b.total}点" in b.describe()
