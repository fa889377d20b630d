"""The city's rows feed the engine: tie-break order as row order, per-wish points as 第N希望点数."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.allocation.tables import write_csv
from yakuba.allocation.allocate import allocate
from yakuba.allocation.check import check
from yakuba.allocation.errors import InputError
from yakuba.allocation.io import read_instance
from yakuba.allocation.model import Facility
from yakuba.allocation.rules import AgeClassError, Applicant, load_rules, order, parse_rules_text, score, \
    to_instance, to_instance_rows

RULES = load_rules()
YEAR = 2025
FACILITIES = [Facility("101", "みどり第一保育園", (0, 1, 0, 0, 0, 0)),
              Facility("102", "みどり第二保育園", (0, 1, 1, 0, 0, 0))]


def applicant(id: str, **changes: Any) -> Applicant:
    base = Applicant(id=id, household=f"H{id}", birth=dt.date(2023, 6, 1), wishes=("101", "102"), base_points=40,
                     receipt_number=id, household_income=100_000)
    return dataclasses.replace(base, **changes)


def run(applicants: list[Applicant], rules: Any = RULES) -> tuple[Any, list[str | None]]:
    instance = to_instance(applicants, rules, YEAR, FACILITIES)
    outcome = allocate(instance, effort=5.0)
    verdict = check(instance, outcome.allocation)
    assert verdict.valid and verdict.stable, (verdict.problems, verdict.blocking)
    return instance, outcome.allocation


def placed(instance: Any, allocation: list[str | None]) -> dict[str, str | None]:
    return {c.id: allocation[c.index] for c in instance.children}


def test_it_writes_the_contracts_children_table_in_tie_break_order() -> None:
    late = applicant("2", receipt_date=dt.date(2024, 11, 2))
    single = applicant("3", base_points=35, single_parent=True)  # 35 + 5 = 40, lower 基準点
    early = applicant("1", receipt_date=dt.date(2024, 11, 1), birth=dt.date(2024, 4, 1))
    rows = to_instance_rows([late, single, early], RULES, YEAR)
    assert rows == [
        ["申請者番号", "世帯番号", "年齢", "点数", "きょうだいパターン", "在籍施設ID", "第1希望施設", "第2希望施設"],
        ["1", "H1", "1", "40", "", "", "101", "102"],
        ["2", "H2", "1", "40", "", "", "101", "102"],
        ["3", "H3", "1", "40", "", "", "101", "102"],
    ]


def test_the_engine_breaks_equal_points_by_the_rules_order() -> None:
    poorer = applicant("1", household_income=60_000)
    richer = applicant("2", household_income=90_000)
    instance, allocation = run([richer, poorer])
    assert placed(instance, allocation) == {"1": "101", "2": "102"}
    by_receipt = parse_rules_text("""
title = "受付順"
[age_class]
reference_date = "04-01"
[tie_break]
order = ["earlier_receipt"]
""", "receipt.toml")
    instance, allocation = run([dataclasses.replace(poorer, receipt_date=dt.date(2024, 11, 5)),
                                dataclasses.replace(richer, receipt_date=dt.date(2024, 11, 4))], by_receipt)
    assert placed(instance, allocation) == {"1": "102", "2": "101"}


def test_the_engine_ranks_higher_points_first_whatever_the_row_order() -> None:
    instance, allocation = run([applicant("1"), applicant("2", nursery_worker=True)])  # 40 vs 44
    assert placed(instance, allocation) == {"1": "102", "2": "101"}


def test_a_sibling_bonus_counts_at_the_siblings_facility_only() -> None:
    # "2" has a sibling at 102 (its 2nd wish): 43 there, 40 at 101 — where "1" (41) beats it.
    one = applicant("1", base_points=41)
    two = applicant("2", siblings_enrolled={"102"})
    three = applicant("3", base_points=42, wishes=("102",))
    rows = to_instance_rows([one, two, three], RULES, YEAR)
    assert rows[0][3:5] == ["第1希望点数", "第2希望点数"]
    assert rows[1:] == [["3", "H3", "1", "42", "", "", "", "102", ""],
                        ["1", "H1", "1", "41", "41", "", "", "101", "102"],
                        ["2", "H2", "1", "40", "43", "", "", "101", "102"]]
    instance, allocation = run([one, two, three])
    assert instance.children[2].points_at("102") == 43 and instance.children[2].points_at("101") == 40
    assert placed(instance, allocation) == {"3": None, "1": "101", "2": "102"}


def test_it_round_trips_through_the_contracts_files(tmp_path: Path) -> None:
    applicants = [applicant("1", siblings_enrolled={"101"}), applicant("2", current="101", wishes=("102",)),
                  applicant("3", household="S", pattern=4, birth=dt.date(2022, 5, 5)),
                  applicant("4", household="S", pattern=4, fee_arrears=True)]
    direct = to_instance(applicants, RULES, YEAR, FACILITIES)
    rows = to_instance_rows(applicants, RULES, YEAR)
    daycares = [["施設ID", "施設名", "0歳定員", "1歳定員", "2歳定員", "3歳定員", "4歳定員", "5歳定員"]] + [
        [f.id, f.name, *f.capacity] for f in FACILITIES]
    read = read_instance(write_csv(tmp_path / "children.csv", rows, "cp932"),
                         write_csv(tmp_path / "daycares.csv", daycares))
    assert read.children == direct.children
    assert read.households == direct.households
    assert [c.id for c in direct.children] == [a.id for a in order(applicants, RULES)]
    assert allocate(read).allocation == allocate(direct).allocation
    assert check(direct, allocate(direct).allocation).stable


def test_it_refuses_what_the_contract_refuses() -> None:
    with pytest.raises(InputError, match="no wish"):
        to_instance([applicant("1", wishes=())], RULES, YEAR, FACILITIES)
    with pytest.raises(InputError, match="no such facility"):
        to_instance([applicant("1", wishes=("999",))], RULES, YEAR, FACILITIES)
    with pytest.raises(AgeClassError):
        to_instance([applicant("1", birth=dt.date(2018, 1, 1))], RULES, YEAR, FACILITIES)
    with pytest.raises(ValueError, match="twice"):
        to_instance([applicant("1"), applicant("1")], RULES, YEAR, FACILITIES)


singles = st.lists(
    st.builds(
        lambda i, **kw: applicant(str(i), **kw),
        st.integers(1, 50),
        base_points=st.integers(38, 41),
        birth=st.sampled_from([dt.date(2024, 4, 1), dt.date(2024, 4, 2), dt.date(2023, 3, 3)]),
        wishes=st.sampled_from([("101",), ("102",), ("101", "102"), ("102", "101")]),
        single_parent=st.booleans(),
        siblings_enrolled=st.sampled_from([frozenset(), frozenset({"101"}), frozenset({"102"})]),
        household_income=st.one_of(st.none(), st.sampled_from([0, 48_599, 100_000])),
        receipt_date=st.one_of(st.none(), st.sampled_from([dt.date(2024, 11, 1), dt.date(2024, 11, 2)])),
    ),
    min_size=1, max_size=7, unique_by=lambda a: a.id)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(singles, st.randoms(use_true_random=False))
def test_any_round_gives_the_same_stable_allocation_whatever_the_input_order(items: list[Applicant],
                                                                            rnd: Any) -> None:
    instance, allocation = run(items)
    shuffled = list(items)
    rnd.shuffle(shuffled)
    again, allocation_again = run(shuffled)
    assert again.children == instance.children
    assert allocation_again == allocation
    for child in instance.children:
        a = next(x for x in items if x.id == child.id)
        b = score(a, RULES)
        assert child.age == RULES.age_class(a.birth, YEAR)
        assert all(child.points_at(f) == b.points_at(f) for f in a.wishes)


def test_it_passes_a_combination_table_through() -> None:
    older = applicant("3", household="S", birth=dt.date(2022, 5, 5), wishes=("102",))
    younger = applicant("4", household="S", wishes=("101", "102"))
    combinations = [["ファミリーコード", "総当たり順位", "宛名コード1", "希望施設1", "宛名コード2", "希望施設2"],
                    ["S", "1", "3", "102", "4", "102"], ["S", "2", "3", "102", "4", ""]]
    instance = to_instance([older, younger, applicant("1")], RULES, YEAR, FACILITIES, combinations)
    assert instance.source["combinations"] == "combinations.csv"
    [household] = [h for h in instance.households if h.id == "S"]
    assert household.options == (("102", "102"), ("102", None))
    outcome = allocate(instance)
    assert check(instance, outcome.allocation).stable
    assert placed(instance, outcome.allocation) == {"1": "101", "3": "102", "4": "102"}
    with pytest.raises(InputError, match="no such household"):
        to_instance([applicant("1")], RULES, YEAR, FACILITIES, combinations)
