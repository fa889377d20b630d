"""Helpers for the allocation tests: small synthetic tables written as CSV (UTF-8, BOM, cp932)
or .xlsx. A table is a list of rows, the header first; row n of a spreadsheet is `table[n - 1]`."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Sequence

from yakuba.allocation.model import Child

Table = list[list[object]]

DAYCARES_HEADER = ["施設ID", "施設名", "0歳定員", "1歳定員", "2歳定員", "3歳定員", "4歳定員", "5歳定員"]
CHILDREN_HEADER = ["申請者番号", "世帯番号", "年齢", "点数", "きょうだいパターン", "在籍施設ID", "第1希望施設", "第2希望施設"]
COMBINATIONS_HEADER = ["ファミリーコード", "総当たり順位", "宛名コード1", "希望施設1", "宛名コード2", "希望施設2"]


def example_daycares() -> Table:
    """§9 of the contract."""
    return [DAYCARES_HEADER, ["101", "A園", 0, 1, 0, 1, 0, 0], ["102", "B園", 0, 1, 0, 1, 0, 0]]


def example_children() -> Table:
    """§9 of the contract."""
    return [
        CHILDREN_HEADER,
        ["2001", "S1", 3, 81, 1, "", "101", "102"],
        ["2002", "S1", 1, 81, 1, "", "101", "102"],
        ["2003", "H9", 1, 85, "", "", "101", ""],
        ["2004", "H8", 3, 70, "", "", "102", ""],
    ]


def base_daycares() -> Table:
    return [DAYCARES_HEADER,
            ["F1", "A園", 1, 1, 1, 1, 1, 1],
            ["F2", "B園", 1, 1, 1, 1, 1, 1],
            ["F3", "C園", 0, 0, 0, 0, 0, 0]]


def base_children() -> Table:
    """A valid round: a single child (row 2), a pattern-1 household (rows 3–4), a transfer (row 5)."""
    return [
        CHILDREN_HEADER,
        ["c1", "h1", 0, 10, "", "", "F1", "F2"],
        ["c2", "h2", 3, 20, 1, "", "F1", "F2"],
        ["c3", "h2", 1, 20, 1, "", "F2", "F1"],
        ["c4", "h3", 2, 5, "", "F3", "F1", ""],
    ]


def base_combinations() -> Table:
    return [COMBINATIONS_HEADER,
            ["h2", 1, "c2", "F1", "c3", "F2"],
            ["h2", 2, "c2", "F2", "c3", ""]]


def set_cell(table: Table, row: int, column: str, value: object) -> Table:
    """Set the cell of spreadsheet row `row` (header = 1) under `column`; returns the table."""
    table[row - 1][table[0].index(column)] = value
    return table


def drop_column(table: Table, column: str) -> Table:
    i = table[0].index(column)
    return [r[:i] + r[i + 1:] for r in table]


def text(value: object) -> str:
    return "" if value is None else str(value)


def csv_text(table: Table) -> str:
    import csv
    import io

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    for row in table:
        w.writerow([text(v) for v in row])
    return out.getvalue()


def write_csv(path: Path, table: Table, encoding: str = "utf-8") -> Path:
    """`encoding`: utf-8, utf-8-sig (with BOM) or cp932."""
    path.write_bytes(csv_text(table).encode(encoding))
    return path


def write_xlsx(path: Path, table: Table, title: str = "Sheet1") -> Path:
    """Cells keep their Python types (int, float, str), as a spreadsheet would store them."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in table:
        ws.append([None if v == "" else v for v in row])
    wb.save(path)
    return path


def write_round(directory: Path, children: Table, daycares: Table, combinations: Table | None = None,
                fmt: str = "utf-8") -> Path:
    """children.csv, daycares.csv (and combinations.csv) in `directory`; fmt 'xlsx' writes .xlsx."""
    directory.mkdir(parents=True, exist_ok=True)
    tables = {"children": children, "daycares": daycares}
    if combinations is not None:
        tables["combinations"] = combinations
    for stem, table in tables.items():
        if fmt == "xlsx":
            write_xlsx(directory / f"{stem}.xlsx", table)
        else:
            write_csv(directory / f"{stem}.csv", table, fmt)
    return directory


def copy_table(table: Table) -> Table:
    return copy.deepcopy(table)


def child(index: int, age: int, wishes: Sequence[str], pattern: int | None = None, current: str | None = None,
          household: str = "h", points: int = 10, id: str | None = None) -> Child:
    """A Child for option tests (row = index + 2)."""
    return Child(index=index, row=index + 2, id=id or f"c{index}", household=household, age=age, points=points,
                 wishes=tuple(wishes), pattern=pattern, current=current)
