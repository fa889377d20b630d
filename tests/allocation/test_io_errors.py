"""Every rejection of contract §2.4, each located (file, row, column, value), all collected."""

from __future__ import annotations

from pathlib import Path

import pytest

from yakuba.allocation.errors import MAX_PROBLEMS, AllocationError, InputError, Problem
from yakuba.allocation.io import read_instance, read_instance_dir

from .tables import (
    CHILDREN_HEADER,
    COMBINATIONS_HEADER,
    base_children,
    base_combinations,
    base_daycares,
    drop_column,
    set_cell,
    write_csv,
    write_round,
)

Table = list[list[object]]


def rejected(tmp_path: Path, children: Table | None = None, daycares: Table | None = None,
             combinations: Table | None = None) -> InputError:
    d = write_round(tmp_path, children or base_children(), daycares or base_daycares(), combinations)
    with pytest.raises(InputError) as e:
        read_instance_dir(d)
    return e.value


def located(err: InputError, file: str, row: int | None, column: str | None, value: str | None) -> Problem:
    """The problem at this place; its line in the message names the place."""
    found = [p for p in err.problems if (p.file, p.row, p.column, p.value) == (file, row, column, value)]
    assert found, f"no problem at {(file, row, column, value)} in:\n{err}"
    line = str(found[0])
    assert line.startswith(f"{file}: ")
    if row is not None:
        assert f"row {row}" in line
    if column is not None:
        assert f"column {column}" in line
    if value is not None:
        assert f"value {value!r}" in line
    assert line in str(err).splitlines()
    return found[0]


def test_valid_base_tables_are_accepted(tmp_path: Path) -> None:
    read_instance_dir(write_round(tmp_path, base_children(), base_daycares(), base_combinations()))


def test_message_format_and_exit_code() -> None:
    p = Problem("children.csv", 7, "年齢", "６x", "年齢は 0〜5 の整数にしてください (age must be an integer 0–5)")
    assert str(p) == "children.csv: row 7, column 年齢, value '６x': 年齢は 0〜5 の整数にしてください (age must be an integer 0–5)"
    assert str(Problem("a.csv", None, None, None, "m")) == "a.csv: m"
    err = InputError([p, p])
    assert isinstance(err, AllocationError) and err.exit_code == 1
    assert str(err).splitlines() == [str(p), str(p)]


# -- a required column is missing ---------------------------------------------------------------


@pytest.mark.parametrize("column", ["申請者番号", "世帯番号", "年齢", "点数", "きょうだいパターン", "在籍施設ID"])
def test_children_required_column_missing(tmp_path: Path, column: str) -> None:
    err = rejected(tmp_path, children=drop_column(base_children(), column))
    p = located(err, "children.csv", 1, column, None)
    assert "required column is missing" in p.message


def test_children_without_any_wish_column(tmp_path: Path) -> None:
    children = drop_column(drop_column(base_children(), "第1希望施設"), "第2希望施設")
    located(rejected(tmp_path, children=children), "children.csv", 1, "第1希望施設", None)


@pytest.mark.parametrize("column", ["施設ID", "施設名", "0歳定員", "5歳定員"])
def test_daycares_required_column_missing(tmp_path: Path, column: str) -> None:
    located(rejected(tmp_path, daycares=drop_column(base_daycares(), column)), "daycares.csv", 1, column, None)


@pytest.mark.parametrize("column", ["ファミリーコード", "総当たり順位", "希望施設2"])
def test_combinations_required_column_missing(tmp_path: Path, column: str) -> None:
    combos = drop_column(base_combinations(), column)
    located(rejected(tmp_path, combinations=combos), "combinations.csv", 1, column, None)


def test_points_and_wish_points_together(tmp_path: Path) -> None:
    children = [row + [v] for row, v in zip(base_children(), ["第1希望点数", 1, 1, 1, 1])]
    located(rejected(tmp_path, children=children), "children.csv", 1, "点数", None)


def test_wish_points_without_the_first(tmp_path: Path) -> None:
    children = [row + [v] for row, v in zip(drop_column(base_children(), "点数"), ["第2希望点数", 1, 1, 1, 1])]
    located(rejected(tmp_path, children=children), "children.csv", 1, "第1希望点数", None)


def test_known_column_twice(tmp_path: Path) -> None:
    children = [row + [row[2]] for row in base_children()]  # 年齢 again
    located(rejected(tmp_path, children=children), "children.csv", 1, "年齢", None)


# -- children rows --------------------------------------------------------------------------------


def test_child_id_duplicated(tmp_path: Path) -> None:
    children = set_cell(base_children(), 4, "申請者番号", " c2")
    p = located(rejected(tmp_path, children=children), "children.csv", 4, "申請者番号", " c2")
    assert "row 3" in p.message


def test_child_id_empty(tmp_path: Path) -> None:
    located(rejected(tmp_path, children=set_cell(base_children(), 2, "申請者番号", "  ")),
            "children.csv", 2, "申請者番号", "  ")


def test_household_id_empty(tmp_path: Path) -> None:
    located(rejected(tmp_path, children=set_cell(base_children(), 5, "世帯番号", "")),
            "children.csv", 5, "世帯番号", "")


@pytest.mark.parametrize("age", ["6", "-1", "６x", "2.5", ""])
def test_age_outside_0_5_or_not_an_integer(tmp_path: Path, age: str) -> None:
    p = located(rejected(tmp_path, children=set_cell(base_children(), 3, "年齢", age)), "children.csv", 3, "年齢", age)
    assert "0–5" in p.message


def test_points_missing(tmp_path: Path) -> None:
    p = located(rejected(tmp_path, children=set_cell(base_children(), 2, "点数", "")), "children.csv", 2, "点数", "")
    assert "missing" in p.message


@pytest.mark.parametrize("points", ["abc", "1.5", "10点"])
def test_points_not_integers(tmp_path: Path, points: str) -> None:
    located(rejected(tmp_path, children=set_cell(base_children(), 2, "点数", points)), "children.csv", 2, "点数", points)


def test_wish_points_missing_or_not_integers(tmp_path: Path) -> None:
    header = ["申請者番号", "世帯番号", "年齢", "第1希望点数", "第2希望点数", "きょうだいパターン", "在籍施設ID",
              "第1希望施設", "第2希望施設"]
    children = [header, ["c1", "h1", 0, "", "", "", "", "F1", "F2"], ["c2", "h2", 0, 5, "x", "", "", "F1", "F2"]]
    set_cell(children, 3, "第1希望点数", "5.5")
    err = rejected(tmp_path, children=children)
    located(err, "children.csv", 2, "第1希望点数", "")
    located(err, "children.csv", 3, "第1希望点数", "5.5")
    located(err, "children.csv", 3, "第2希望点数", "x")
    assert len(err.problems) == 3


def test_wish_names_unknown_facility(tmp_path: Path) -> None:
    p = located(rejected(tmp_path, children=set_cell(base_children(), 3, "第2希望施設", "F9")),
                "children.csv", 3, "第2希望施設", "F9")
    assert "daycares.csv" in p.message


def test_current_facility_unknown(tmp_path: Path) -> None:
    located(rejected(tmp_path, children=set_cell(base_children(), 5, "在籍施設ID", "F9")),
            "children.csv", 5, "在籍施設ID", "F9")


def test_child_without_wish(tmp_path: Path) -> None:
    children = set_cell(set_cell(base_children(), 2, "第1希望施設", ""), 2, "第2希望施設", " ")
    p = located(rejected(tmp_path, children=children), "children.csv", 2, "第1希望施設", "")
    assert "no wish" in p.message


def test_current_facility_is_also_a_wish(tmp_path: Path) -> None:
    p = located(rejected(tmp_path, children=set_cell(base_children(), 5, "第2希望施設", "F3")),
                "children.csv", 5, "第2希望施設", "F3")
    assert "在籍施設ID" in p.message


@pytest.mark.parametrize("pattern", ["8", "0", "a", "1.5"])
def test_sibling_pattern_not_1_to_7(tmp_path: Path, pattern: str) -> None:
    located(rejected(tmp_path, children=set_cell(base_children(), 2, "きょうだいパターン", pattern)),
            "children.csv", 2, "きょうだいパターン", pattern)


def test_household_without_pattern(tmp_path: Path) -> None:
    children = set_cell(set_cell(base_children(), 3, "きょうだいパターン", ""), 4, "きょうだいパターン", "")
    p = located(rejected(tmp_path, children=children), "children.csv", 3, "きょうだいパターン", "")
    assert "h2" in p.message and "3, 4" in p.message


def test_household_with_different_patterns(tmp_path: Path) -> None:
    p = located(rejected(tmp_path, children=set_cell(base_children(), 4, "きょうだいパターン", 5)),
                "children.csv", 4, "きょうだいパターン", "5")
    assert "row 3" in p.message


def test_household_with_one_pattern_blank(tmp_path: Path) -> None:
    located(rejected(tmp_path, children=set_cell(base_children(), 3, "きょうだいパターン", "")),
            "children.csv", 3, "きょうだいパターン", "")


@pytest.mark.parametrize("pattern", [1, 2, 3])
def test_same_facility_pattern_without_common_wish(tmp_path: Path, pattern: int) -> None:
    children = base_children()
    for row in (3, 4):
        set_cell(children, row, "きょうだいパターン", pattern)
    set_cell(children, 4, "第1希望施設", "F3")
    set_cell(children, 4, "第2希望施設", "")
    p = located(rejected(tmp_path, children=children), "children.csv", 3, "きょうだいパターン", str(pattern))
    assert "every child" in p.message


@pytest.mark.parametrize("pattern", [4, 5, 6, 7])
def test_other_patterns_need_no_common_wish(tmp_path: Path, pattern: int) -> None:
    children = base_children()
    for row in (3, 4):
        set_cell(children, row, "きょうだいパターン", pattern)
    set_cell(children, 4, "第1希望施設", "F3")
    set_cell(children, 4, "第2希望施設", "")
    read_instance_dir(write_round(tmp_path, children, base_daycares()))


# -- facilities -----------------------------------------------------------------------------------


def test_facility_id_duplicated(tmp_path: Path) -> None:
    p = located(rejected(tmp_path, daycares=set_cell(base_daycares(), 3, "施設ID", "F1")),
                "daycares.csv", 3, "施設ID", "F1")
    assert "row 2" in p.message


def test_facility_id_empty(tmp_path: Path) -> None:
    located(rejected(tmp_path, daycares=set_cell(base_daycares(), 4, "施設ID", "")), "daycares.csv", 4, "施設ID", "")


@pytest.mark.parametrize("seats", ["-1", "1.5", "many", ""])
def test_seat_count_negative_or_not_an_integer(tmp_path: Path, seats: str) -> None:
    located(rejected(tmp_path, daycares=set_cell(base_daycares(), 2, "3歳定員", seats)),
            "daycares.csv", 2, "3歳定員", seats)


# -- combinations ---------------------------------------------------------------------------------


def combos_with(row: list[object]) -> Table:
    return [COMBINATIONS_HEADER, ["h2", 1, "c2", "F1", "c3", "F2"], row]


def test_combination_unknown_household(tmp_path: Path) -> None:
    located(rejected(tmp_path, combinations=combos_with(["h9", 2, "c2", "F1", "", ""])),
            "combinations.csv", 3, "ファミリーコード", "h9")


def test_combination_unknown_child(tmp_path: Path) -> None:
    located(rejected(tmp_path, combinations=combos_with(["h2", 2, "c2", "F1", "c99", "F2"])),
            "combinations.csv", 3, "宛名コード2", "c99")


def test_combination_child_of_another_household(tmp_path: Path) -> None:
    p = located(rejected(tmp_path, combinations=combos_with(["h2", 2, "c2", "F1", "c1", "F2"])),
                "combinations.csv", 3, "宛名コード2", "c1")
    assert "h1" in p.message


def test_combination_unknown_facility(tmp_path: Path) -> None:
    located(rejected(tmp_path, combinations=combos_with(["h2", 2, "c2", "F7", "c3", "F2"])),
            "combinations.csv", 3, "希望施設1", "F7")


@pytest.mark.parametrize("rank", ["0", "-2", "x", "1.5", ""])
def test_combination_rank_not_integer_at_least_1(tmp_path: Path, rank: str) -> None:
    located(rejected(tmp_path, combinations=combos_with(["h2", rank, "c2", "F2", "c3", ""])),
            "combinations.csv", 3, "総当たり順位", rank)


def test_combination_rank_repeated_in_a_household(tmp_path: Path) -> None:
    located(rejected(tmp_path, combinations=combos_with(["h2", 1, "c2", "F2", "c3", ""])),
            "combinations.csv", 3, "総当たり順位", "1")


def test_combination_household_id_empty(tmp_path: Path) -> None:
    located(rejected(tmp_path, combinations=combos_with(["", 2, "c2", "F2", "c3", ""])),
            "combinations.csv", 3, "ファミリーコード", "")


def test_combination_transfer_child_without_facility(tmp_path: Path) -> None:
    children = set_cell(base_children(), 4, "在籍施設ID", "F3")
    combos = [COMBINATIONS_HEADER, ["h2", 1, "c2", "F1", "c3", "F2"], ["h2", 2, "c2", "F2", "c3", ""],
              ["h2", 3, "c2", "F2", "", ""]]
    err = rejected(tmp_path, children=children, combinations=combos)
    located(err, "combinations.csv", 3, "希望施設2", "")
    p = located(err, "combinations.csv", 4, "ファミリーコード", "h2")
    assert "c3" in p.message
    assert len(err.problems) == 2


def test_combination_facility_without_child(tmp_path: Path) -> None:
    located(rejected(tmp_path, combinations=combos_with(["h2", 2, "c2", "F2", "", "F1"])),
            "combinations.csv", 3, "希望施設2", "F1")


def test_combination_rows_of_single_child_households_are_not_checked(tmp_path: Path) -> None:
    combos = combos_with(["h1", "x", "c9", "F9", "", ""])
    inst = read_instance_dir(write_round(tmp_path, base_children(), base_daycares(), combos))
    assert inst.households[0].options == (("F1",), ("F2",))


# -- files ----------------------------------------------------------------------------------------


def test_neither_utf8_nor_shift_jis(tmp_path: Path) -> None:
    write_round(tmp_path, base_children(), base_daycares())
    good = (tmp_path / "children.csv").read_bytes()
    bad = good + b"c9,h9,0,1,,,F1,\x82\n"  # a Shift_JIS lead byte with no trail byte
    (tmp_path / "children.csv").write_bytes(bad)
    with pytest.raises(InputError) as e:
        read_instance_dir(tmp_path)
    (p,) = e.value.problems
    assert p.file == "children.csv" and p.row == 6
    assert "neither UTF-8 nor Shift_JIS" in p.message and str(len(bad) - 2) in p.message


def test_utf16_rejected(tmp_path: Path) -> None:
    write_round(tmp_path, base_children(), base_daycares())
    (tmp_path / "daycares.csv").write_bytes((tmp_path / "daycares.csv").read_text("utf-8").encode("utf-16"))
    with pytest.raises(InputError) as e:
        read_instance_dir(tmp_path)
    assert "neither UTF-8 nor Shift_JIS" in str(e.value)


def test_missing_files_and_bad_xlsx(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        read_instance_dir(tmp_path)
    assert {p.file for p in e.value.problems} == {"children.csv", "daycares.csv"}
    write_csv(tmp_path / "d.csv", base_daycares())
    (tmp_path / "c.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InputError) as e:
        read_instance(tmp_path / "c.xlsx", tmp_path / "d.csv")
    assert e.value.problems[0].file == "c.xlsx" and ".xlsx" in e.value.problems[0].message


def test_empty_file(tmp_path: Path) -> None:
    write_round(tmp_path, base_children(), base_daycares())
    (tmp_path / "children.csv").write_bytes(b"\xef\xbb\xbf\r\n")
    with pytest.raises(InputError) as e:
        read_instance_dir(tmp_path)
    assert "empty" in str(e.value)


def test_malformed_quotes(tmp_path: Path) -> None:
    write_round(tmp_path, base_children(), base_daycares())
    with open(tmp_path / "children.csv", "a", encoding="utf-8") as f:
        f.write('"c9"x,h9,0,1,,,F1,\n')
    with pytest.raises(InputError) as e:
        read_instance_dir(tmp_path)
    assert e.value.problems[0].row == 6 and "CSV" in e.value.problems[0].message


# -- all problems at once -------------------------------------------------------------------------


def test_all_problems_of_the_file_set_are_reported_in_order(tmp_path: Path) -> None:
    children = base_children()
    set_cell(children, 5, "年齢", "9")
    set_cell(children, 2, "点数", "x")
    set_cell(children, 3, "第2希望施設", "F9")
    daycares = set_cell(base_daycares(), 3, "1歳定員", "-3")
    combos = combos_with(["h2", 0, "c2", "F1", "", ""])
    err = rejected(tmp_path, children=children, daycares=daycares, combinations=combos)
    assert [(p.file, p.row, p.column) for p in err.problems] == [
        ("children.csv", 2, "点数"),
        ("children.csv", 3, "第2希望施設"),
        ("children.csv", 5, "年齢"),
        ("daycares.csv", 3, "1歳定員"),
        ("combinations.csv", 3, "総当たり順位"),
    ]


def test_problems_capped(tmp_path: Path) -> None:
    children = [CHILDREN_HEADER] + [[f"c{i}", f"h{i}", 9, "x", "", "", "F1", ""] for i in range(300)]
    err = rejected(tmp_path, children=children)
    assert err.total == 600 and len(err.problems) == MAX_PROBLEMS
    assert str(err).splitlines()[-1].startswith("…ほか 400 件")


def test_unreadable_combination_table_does_not_cascade(tmp_path: Path) -> None:
    children = set_cell(set_cell(base_children(), 3, "きょうだいパターン", ""), 4, "きょうだいパターン", "")
    err = rejected(tmp_path, children=children, combinations=drop_column(base_combinations(), "ファミリーコード"))
    assert [(p.file, p.row, p.column) for p in err.problems] == [("combinations.csv", 1, "ファミリーコード")]
