"""Reading an admission round and writing its result (`docs/formats/allocation-io.md`). Pure: no Django.

- `read_instance(children, daycares, combinations=None)` / `read_instance_dir(dir)`: the three
  tables (CSV in UTF-8 with or without BOM, or Shift_JIS/cp932; or .xlsx, first sheet), decoded
  (`tables`) into entries, whose columns are looked up here, and checked against every rule of
  §2–§5 (`validate`). All problems of the file set are collected, then raised together as one
  `InputError` (file, row, column, value for each).
- `instance_from_tables(children, daycares, combinations=None)`: the same on tables held in memory.
- `read_daycares(path)`: the facilities table alone, with the same checks (for setting up a round).
- `write_result(target, instance, allocation)`: the result table of §8.
- `read_result(path, instance)`: a result table read back, for `yakuba allocate check`.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import IO, Callable, Sequence, Union

from yakuba.files import write_bytes_atomic

from .columns import (AGE, CHILD_ID, CHILDREN_FILE, COMBINATIONS_FILE, CURRENT, DAYCARES_FILE, FACILITY_ID,
                      FACILITY_NAME, FAMILY, HOUSEHOLD_ID, PAIR_CHILD, PAIR_FACILITY, PATTERN, POINTS, RANK,
                      RESULT_CHILD, RESULT_FACILITY, SEATS, WISH, WISH_POINTS, pair_child, pair_facility,
                      points_column, wish, wish_points)
from . import tables
from .errors import InputError, Problems
from .model import Allocation, Facility, Instance
from .tables import (MISSING_COLUMN, InMemory, Table, normalize_header, normalize_id, parse_int, read_table,
                     table_from_rows, table_source)
from .validate import (NO_FACILITY, ChildEntry, Children, FacilityEntry, OptionEntry, Options, Pair, Wish,
                       build_instance, check_facilities)

PathLike = Union[str, "os.PathLike[str]"]
Rows = Sequence[Sequence[object]]
"""A table held in memory: rows of cells, the header first."""


# ---------------------------------------------------------------------------------------------
# The columns of each table


def facility_entries(t: Table, problems: Problems) -> list[FacilityEntry] | None:
    """daycares.csv (§4) as entries; None (and the problems) when a column is missing."""
    if not t.require(problems, (FACILITY_ID, FACILITY_NAME, *SEATS)):
        return None
    entries = []
    for row, cells in t.rows:
        w = t.written(cells)
        entries.append(FacilityEntry(row, normalize_id(w[FACILITY_ID]), w[FACILITY_NAME],
                                     [parse_int(w[h]) for h in SEATS], written=w))
    return entries


def child_entries(t: Table, problems: Problems) -> Children | None:
    """children.csv (§3) as entries; None (and the problems) when the columns are not right."""
    wish_columns = t.numbered(WISH)
    point_columns = t.numbered(WISH_POINTS)
    ok = t.require(problems, (CHILD_ID, HOUSEHOLD_ID, AGE, PATTERN, CURRENT))
    per_wish = bool(point_columns)
    if per_wish and POINTS in t.index:
        problems.add(t.name, t.header_row, POINTS, None,
                     "点数 と 第N希望点数 は同時に使えません (use either 点数 or 第N希望点数, not both)")
        ok = False
    elif per_wish:
        ok = t.require(problems, [wish_points(1), *point_columns.values()]) and ok
    else:
        ok = t.require(problems, [POINTS]) and ok
    if not wish_columns:
        problems.add(t.name, t.header_row, wish(1), None, MISSING_COLUMN)
        ok = False
    else:
        ok = t.require(problems, wish_columns.values()) and ok
    if not ok:
        return None

    column_of_points = points_column(per_wish)
    entries = []
    # the wish columns, then each 第N希望点数 without a 第N希望施設 (a blank wish, whose points are checked)
    plan = list(wish_columns.items()) + [(n, None) for n in point_columns if n not in wish_columns]
    for row, cells in t.rows:
        w = t.written(cells)
        points = parse_int(w[column_of_points])
        wishes = []
        for n, column in plan:
            facility = normalize_id(w[column]) if column else ""
            at = point_columns.get(n) if per_wish else None
            if at is None:
                wishes.append(Wish(column or wish(n), facility))
            elif n == 1 and column:  # 第1希望点数 is the child's points, checked as such
                wishes.append(Wish(column, facility, None, points))
            else:
                text = w[at]
                wishes.append(Wish(column or wish(n), facility, at, parse_int(text) if text.strip() else None))
        pattern_text = w[PATTERN]
        entries.append(ChildEntry(
            row, id=normalize_id(w[CHILD_ID]), household=normalize_id(w[HOUSEHOLD_ID]), age=parse_int(w[AGE]),
            points=points, pattern=parse_int(pattern_text) if pattern_text.strip() else None,
            current=normalize_id(w[CURRENT]) or None, wishes=wishes, written=w))
    return Children(entries, per_wish)


def option_entries(t: Table | None, problems: Problems) -> Options:
    """combinations.csv (§5.5) as entries (none when the columns are not right), and the
    households it names (None when the table could not be read or has no ファミリーコード)."""
    if t is None:
        return Options([], None)
    child_columns = t.numbered(PAIR_CHILD)
    facility_columns = t.numbered(PAIR_FACILITY)
    ok = t.require(problems, (FAMILY, RANK))
    for n in sorted(set(child_columns) | set(facility_columns)):
        ok = t.require(problems, [pair_child(n), pair_facility(n)]) and ok
    if not child_columns and not facility_columns:
        problems.add(t.name, t.header_row, pair_child(1), None, MISSING_COLUMN)
        ok = False
    named = {normalize_id(t.getter(FAMILY)(cells)) for _, cells in t.rows} if FAMILY in t.index else None
    if not ok:
        return Options([], named)
    entries = []
    for row, cells in t.rows:
        w = t.written(cells)
        pairs = [Pair(pair_child(n), normalize_id(w[pair_child(n)]), pair_facility(n),
                      normalize_id(w[pair_facility(n)])) for n in child_columns]
        entries.append(OptionEntry(row, normalize_id(w[FAMILY]), parse_int(w[RANK]), pairs, written=w))
    return Options(entries, named)


def _instance(tables: Callable[[str], Table | None], source: dict[str, str], problems: Problems) -> Instance:
    """The round whose tables `tables(key)` decodes, for the keys of `source` (§1: ``children``,
    ``daycares``, and ``combinations`` when there is one); `InputError` with every problem found."""
    daycares, children = tables("daycares"), tables("children")
    facilities = facility_entries(daycares, problems) if daycares is not None else None
    kids = child_entries(children, problems) if children is not None else None
    options = option_entries(tables("combinations"), problems) if "combinations" in source else None
    return build_instance(facilities, kids, options, source=source, problems=problems)


# ---------------------------------------------------------------------------------------------
# Public API


def read_instance(children: PathLike, daycares: PathLike, combinations: PathLike | None = None) -> Instance:
    """Read and check one admission round; raise `InputError` with every problem found."""
    paths = {"children": Path(children), "daycares": Path(daycares)}
    if combinations is not None:
        paths["combinations"] = Path(combinations)
    problems = Problems()
    return _instance(lambda key: read_table(paths[key], problems, max_rows=tables.MAX_ROWS), {k: str(p) for k, p in paths.items()}, problems)


def instance_from_tables(children: Rows, daycares: Rows, combinations: Rows | None = None) -> Instance:
    """`read_instance` on tables held in memory (header first, cells as text), named like the
    files of an instance directory in messages."""
    tables = {"children": children, "daycares": daycares}
    if combinations is not None:
        tables["combinations"] = combinations
    names = {"children": CHILDREN_FILE, "daycares": DAYCARES_FILE, "combinations": COMBINATIONS_FILE}
    source = {k: names[k] for k in tables}
    problems = Problems()
    return _instance(lambda key: table_from_rows(source[key], tables[key], problems), source, problems)


def read_daycares(path: PathLike | InMemory) -> list[Facility]:
    """The facilities of a daycares table (§4: CSV or .xlsx, as for `read_instance`, or a file in
    memory, `tables.InMemory`), in row order; `InputError` with every problem of the file
    (encoding, columns, IDs, seat counts)."""
    path = table_source(path)
    problems = Problems()
    table = read_table(path, problems, max_rows=tables.MAX_ROWS)
    entries = facility_entries(table, problems) if table is not None else None
    facilities = check_facilities(entries, path.name, problems) if entries is not None else {}
    problems.raise_if_any([path.name])
    return list(facilities.values())


def instance_paths(directory: PathLike) -> tuple[Path, Path, Path | None]:
    """The tables of an instance directory (§1). Each may also be an .xlsx of the same stem."""
    base = Path(directory)
    problems = Problems()
    found: list[Path | None] = []
    if not base.is_dir():
        problems.add(str(base), None, None, None, "フォルダがありません (no such directory)")
        problems.raise_if_any()
    for name, required in ((CHILDREN_FILE, True), (DAYCARES_FILE, True), (COMBINATIONS_FILE, False)):
        stem = Path(name).stem
        candidates = [p for p in (base / name, base / f"{stem}.xlsx") if p.is_file()]
        if len(candidates) > 1:
            problems.add(name, None, None, None,
                         f"{name} と {stem}.xlsx の両方があります。どちらか一方にしてください "
                         f"(both {name} and {stem}.xlsx exist: keep one)")
        if not candidates and required:
            problems.add(name, None, None, None, f"ファイルがありません (file not found) in {base}")
        found.append(candidates[0] if candidates else None)
    problems.raise_if_any([CHILDREN_FILE, DAYCARES_FILE, COMBINATIONS_FILE])
    return found[0], found[1], found[2]  # type: ignore[return-value]


def read_instance_dir(directory: PathLike) -> Instance:
    """`read_instance` on the files of §1 (children.csv, daycares.csv, combinations.csv if any)."""
    return read_instance(*instance_paths(directory))


def format_result(instance: Instance, allocation: Allocation) -> str:
    """The result table of §8 as text: header `child_id,daycare_id`, input row order, `\\n`."""
    if len(allocation) != len(instance.children):
        raise ValueError(f"the allocation has {len(allocation)} entries for {len(instance.children)} children")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((RESULT_CHILD, RESULT_FACILITY))
    for child, facility in zip(instance.children, allocation):
        if facility is None and child.current is not None:
            raise ValueError(f"transfer applicant {child.id} (row {child.row}) must hold a seat (§7.1)")
        if facility is not None and facility not in instance.facilities:
            raise ValueError(f"child {child.id}: unknown facility {facility!r}")
        writer.writerow((child.id, facility or ""))
    return out.getvalue()


def write_result(target: PathLike | IO[str] | IO[bytes], instance: Instance, allocation: Allocation) -> None:
    """Write the result (§8): UTF-8 without BOM. A path is replaced atomically; a stream is
    written to (text or binary)."""
    text = format_result(instance, allocation)
    if isinstance(target, (str, os.PathLike)):
        # a new file stays private (0600); a replaced one keeps its mode
        write_bytes_atomic(Path(target), text.encode("utf-8"), keep_mode=True)
        return
    if isinstance(target, io.TextIOBase):
        target.write(text)
    elif isinstance(target, (io.RawIOBase, io.BufferedIOBase)):
        target.write(text.encode("utf-8"))
    else:
        try:
            target.write(text)  # type: ignore[arg-type]
        except TypeError:
            target.write(text.encode("utf-8"))  # type: ignore[arg-type]


def read_result(path: PathLike, instance: Instance) -> list[str | None]:
    """Read a result table back (for `yakuba allocate check`): the facility or None of each child,
    indexed like `instance.children`. Raise `InputError` for unknown, duplicate or missing
    children and unknown facilities (the allocation's validity itself is checked elsewhere)."""
    path = Path(path)
    problems = Problems()
    t = read_table(path, problems, max_rows=tables.MAX_ROWS)
    if t is None or not t.require(problems, (RESULT_CHILD, RESULT_FACILITY)):
        problems.raise_if_any([path.name])
        raise AssertionError  # unreachable
    children_name = Path(instance.source.get("children", CHILDREN_FILE)).name
    daycares_name = Path(instance.source.get("daycares", DAYCARES_FILE)).name
    get_child, get_facility = t.getter(RESULT_CHILD), t.getter(RESULT_FACILITY)
    result: list[str | None] = [None] * len(instance.children)
    first_row: dict[int, int] = {}
    for row, cells in t.rows:
        raw = get_child(cells)
        cid = normalize_id(raw)
        raw_facility = get_facility(cells)
        fid = normalize_id(raw_facility) or None
        if fid is not None and fid not in instance.facilities:
            problems.add(t.name, row, RESULT_FACILITY, raw_facility, NO_FACILITY.format(file=daycares_name))
        if not cid:
            problems.add(t.name, row, RESULT_CHILD, raw, "child_id が空です (child_id is empty)")
            continue
        index = instance.by_id.get(cid)
        if index is None:
            problems.add(t.name, row, RESULT_CHILD, raw,
                         f"この申請者番号は {children_name} にありません (no such child in {children_name})")
            continue
        if index in first_row:
            problems.add(t.name, row, RESULT_CHILD, raw,
                         f"この子は {first_row[index]} 行目にもあります (the child is already on row {first_row[index]})")
            continue
        first_row[index] = row
        result[index] = fid if fid in instance.facilities else None
    for child in instance.children:
        if child.index not in first_row:
            problems.add(t.name, None, RESULT_CHILD, child.id,
                         f"この子の行がありません（{children_name} {child.row} 行目） "
                         f"(no row for this child, {children_name} row {child.row})")
    problems.raise_if_any([t.name])
    return result


__all__ = [
    "CHILDREN_FILE",
    "COMBINATIONS_FILE",
    "DAYCARES_FILE",
    "InputError",
    "child_entries",
    "facility_entries",
    "format_result",
    "instance_from_tables",
    "instance_paths",
    "normalize_header",
    "normalize_id",
    "option_entries",
    "parse_int",
    "read_instance",
    "read_daycares",
    "read_instance_dir",
    "read_result",
    "write_result",
]
