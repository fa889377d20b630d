"""所得割額 from the tax system's CSV (UTF-8, BOM or not, Shift_JIS), summed per household."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.allocation.tables import write_csv, write_xlsx
from yakuba.allocation.errors import InputError
from yakuba.allocation.rules import IncomeCsvError, household_income, read_income_csv

# Synthetic: 宛名番号 and amounts are made up.
GOOD = [
    ["宛名番号", "氏名カナ", "所得割額"],
    ["0000100001", "ミドリ タロウ", 123400],
    ["0000100002", "ミドリ ハナコ", 0],
    ["0000100003", "アオバ イチロウ", 48599],
]
EXPECTED = {"0000100001": 123400, "0000100002": 0, "0000100003": 48599}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_it_reads_utf8_with_or_without_bom_and_shift_jis(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "income.csv", GOOD, encoding)
    assert read_income_csv(path) == EXPECTED


def test_it_reads_an_xlsx_export(tmp_path: Path) -> None:
    assert read_income_csv(write_xlsx(tmp_path / "income.xlsx", GOOD)) == EXPECTED


def test_it_accepts_thousands_separators_full_width_digits_and_spreadsheet_ids(tmp_path: Path) -> None:
    rows = [["所得割額", " 宛名番号 "], ["1,234,500", "1001.0"], ["１２０", "0002"], ["48,600", "0001"]]
    assert read_income_csv(write_csv(tmp_path / "income.csv", rows)) == {"1001": 1234500, "0002": 120, "0001": 48600}


def test_it_skips_blank_rows(tmp_path: Path) -> None:
    rows = GOOD[:2] + [["", "", ""]] + GOOD[2:]
    assert read_income_csv(write_csv(tmp_path / "income.csv", rows)) == EXPECTED


@pytest.mark.parametrize(("row", "column", "value", "what"), [
    (["", "x", 100], "宛名番号", "", "宛名番号 is empty"),
    (["0000100009", "x", ""], "所得割額", "", "integer ≥ 0"),
    (["0000100009", "x", "abc"], "所得割額", "abc", "integer ≥ 0"),
    (["0000100009", "x", "-5"], "所得割額", "-5", "integer ≥ 0"),
    (["0000100009", "x", "12.5"], "所得割額", "12.5", "integer ≥ 0"),
    (["0000100009", "x", "1,23"], "所得割額", "1,23", "integer ≥ 0"),
    (["0000100001", "x", 100], "宛名番号", "0000100001", "already given on row 2"),
])
def test_it_locates_each_bad_row(tmp_path: Path, row: list, column: str, value: str, what: str) -> None:
    path = write_csv(tmp_path / "income.csv", GOOD + [row], "cp932")
    with pytest.raises(IncomeCsvError) as e:
        read_income_csv(path)
    assert isinstance(e.value, InputError)
    [p] = e.value.problems
    assert (p.file, p.row, p.column, p.value) == ("income.csv", 5, column, value)
    assert what in p.message
    assert str(p).startswith(f"income.csv: row 5, column {column}, value {value!r}: ")


def test_it_reports_every_problem_at_once(tmp_path: Path) -> None:
    rows = GOOD + [["", "x", "-1"], ["0000100002", "x", "5"]]
    with pytest.raises(IncomeCsvError) as e:
        read_income_csv(write_csv(tmp_path / "income.csv", rows))
    assert [(p.row, p.column) for p in e.value.problems] == [(5, "宛名番号"), (5, "所得割額"), (6, "宛名番号")]


@pytest.mark.parametrize("missing", ["宛名番号", "所得割額"])
def test_it_names_a_missing_column(tmp_path: Path, missing: str) -> None:
    i = GOOD[0].index(missing)
    rows = [r[:i] + r[i + 1:] for r in GOOD]
    with pytest.raises(IncomeCsvError) as e:
        read_income_csv(write_csv(tmp_path / "income.csv", rows))
    [p] = e.value.problems
    assert (p.row, p.column) == (1, missing) and "missing" in p.message


def test_it_refuses_a_file_in_another_encoding(tmp_path: Path) -> None:
    path = tmp_path / "income.csv"
    path.write_bytes("宛名番号,所得割額\n1,2\n".encode("utf-16"))
    with pytest.raises(IncomeCsvError, match="neither UTF-8 nor Shift_JIS"):
        read_income_csv(path)


def test_it_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(IncomeCsvError, match="file not found"):
        read_income_csv(tmp_path / "nowhere.csv")


def test_it_sums_the_guardians_of_a_household() -> None:
    assert household_income({"0000100001": 123400, "0000100002": 0}) == 123400
    assert household_income({"0000100003": 48599}) == 48599


def test_an_unknown_guardian_makes_the_household_income_unknown() -> None:
    guardians = ["0000100001", "0000100404"]  # the second is not in the tax system's file
    assert household_income({g: EXPECTED.get(g) for g in guardians}) is None
    assert household_income({}) is None
