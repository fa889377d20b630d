"""Reading an admission round and writing its result (`docs/formats/allocation-io.md`). Pure: no Django.

- `read_instance(children, daycares, combinations=None)` / `read_instance_dir(dir)`: the three
  tables (CSV in UTF-8 with or without BOM, or Shift_JIS/cp932; or .xlsx, first sheet) checked
  against every rule of §2–§5. All problems of the file set are collected, then raised together
  as one `InputError` (file, row, column, value for each).
- `write_result(target, instance, allocation)`: the result table of §8.
- `read_result(path, instance)`: a result table read back, for `yakuba allocate check`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable, Union

from yakuba.files import write_bytes_atomic

from .errors import InputError, Problems
from .model import AGES, Allocation, Child, CombinationRow, Facility, Household, Instance
from .options import household_options

CHILDREN_FILE = "children.csv"
DAYCARES_FILE = "daycares.csv"
COMBINATIONS_FILE = "combinations.csv"

# children.csv (§3)
CHILD_ID = "申請者番号"
HOUSEHOLD_ID = "世帯番号"
AGE = "年齢"
POINTS = "点数"
PATTERN = "きょうだいパターン"
CURRENT = "在籍施設ID"
WISH = re.compile(r"第([0-9]+)希望施設")
WISH_POINTS = re.compile(r"第([0-9]+)希望点数")
# daycares.csv (§4)
FACILITY_ID = "施設ID"
FACILITY_NAME = "施設名"
SEATS = tuple(f"{g}歳定員" for g in AGES)
# combinations.csv (§5.5)
FAMILY = "ファミリーコード"
RANK = "総当たり順位"
PAIR_CHILD = re.compile(r"宛名コード([0-9]+)")
PAIR_FACILITY = re.compile(r"希望施設([0-9]+)")
# result (§8)
RESULT_CHILD = "child_id"
RESULT_FACILITY = "daycare_id"

PathLike = Union[str, "os.PathLike[str]"]

_MISSING_COLUMN = "必須の列がありません (required column is missing)"
_TWICE_COLUMN = "同じ列が2回あります (the column appears twice)"
_NO_FACILITY = "この施設IDは {file} にありません (no such facility in {file})"


# ---------------------------------------------------------------------------------------------
# Cells


_DIGITS_DOT_ZERO = re.compile(r"[0-9]+\.0")
_INTEGER = re.compile(r"[+-]?[0-9]+(?:\.0+)?")


def normalize_header(text: str) -> str:
    """§2.1: headers are compared after NFKC normalization and trimming."""
    return unicodedata.normalize("NFKC", text).strip()


def normalize_id(text: str) -> str:
    """§2.2: trimmed; a trailing `.0` added to an all-digit ID is removed. Leading zeros count."""
    text = text.strip()
    if _DIGITS_DOT_ZERO.fullmatch(text):
        return text[:-2]
    return text


def parse_int(text: str) -> int | None:
    """§2.3: an integer (full-width digits accepted, `3.0` read as 3), or None if it is none."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not _INTEGER.fullmatch(text):
        return None
    return int(text.split(".", 1)[0])


def _cell_text(value: object) -> str:
    """An .xlsx cell as the text a CSV export would hold; integral floats lose their `.0`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


# ---------------------------------------------------------------------------------------------
# Tables


@dataclass
class _Table:
    name: str
    """The file's name, for messages."""
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list[str]]]
    """(row as a spreadsheet shows it, cells as text), blank rows left out."""
    index: dict[str, int] = field(default_factory=dict)
    twice: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        for i, h in enumerate(self.headers):
            if not h:
                continue
            if h in self.index:
                self.twice.add(h)
            else:
                self.index[h] = i

    def numbered(self, pattern: re.Pattern[str]) -> dict[int, str]:
        """N → header, for the headers `pattern` matches in full (its group 1 is N)."""
        found: dict[int, str] = {}
        for h in self.index:
            m = pattern.fullmatch(h)
            if m:
                found[int(m.group(1))] = h
        return dict(sorted(found.items()))

    def require(self, problems: Problems, headers: Iterable[str]) -> bool:
        ok = True
        for h in headers:
            if h not in self.index:
                problems.add(self.name, self.header_row, h, None, _MISSING_COLUMN)
                ok = False
            elif h in self.twice:
                problems.add(self.name, self.header_row, h, None, _TWICE_COLUMN)
                ok = False
        return ok

    def getter(self, header: str | None):  # type: ignore[no-untyped-def]
        """A function cells → the text of this column ('' when absent or short)."""
        if header is None or header not in self.index:
            return lambda cells: ""
        i = self.index[header]
        return lambda cells: cells[i] if i < len(cells) else ""


def _decode(data: bytes, name: str, problems: Problems) -> str | None:
    """UTF-8 (BOM accepted), else Shift_JIS (cp932), both strict; else a located problem."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as e:
            at = e.start + 3
            problems.add(name, data.count(b"\n", 0, at) + 1, None, None,
                         f"UTF-8 の BOM がありますが、{at} バイト目が UTF-8 として不正です "
                         f"(the file starts with a UTF-8 byte-order mark, but the byte at offset {at} "
                         f"is not valid UTF-8)")
            return None
    nul = data.find(b"\x00")
    if nul >= 0:
        problems.add(name, data.count(b"\n", 0, nul) + 1, None, None,
                     f"文字コードが UTF-8 でも Shift_JIS でもありません（{nul} バイト目が NUL。UTF-16 "
                     f"には対応していません） (the file is neither UTF-8 nor Shift_JIS: NUL byte at "
                     f"offset {nul}; UTF-16 is not supported)")
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e8:
        try:
            return data.decode("cp932")
        except UnicodeDecodeError as esj:
            at = max(e8.start, esj.start)  # the encoding that read further is probably the one meant
            problems.add(name, data.count(b"\n", 0, at) + 1, None, None,
                         f"文字コードが UTF-8 でも Shift_JIS でもありません（UTF-8 として {e8.start} "
                         f"バイト目、Shift_JIS として {esj.start} バイト目が不正です） (the file is neither "
                         f"UTF-8 nor Shift_JIS: invalid byte at offset {e8.start} as UTF-8, at offset "
                         f"{esj.start} as Shift_JIS)")
            return None


def _csv_records(text: str, name: str, problems: Problems) -> list[tuple[int, list[str]]] | None:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    row = 0
    try:
        for row, cells in enumerate(reader, 1):
            records.append((row, cells))
    except csv.Error as e:
        problems.add(name, row + 1, None, None, f"CSV として読めません（引用符の誤りなど） (malformed CSV): {e}")
        return None
    return records


def _xlsx_records(data: bytes, name: str, problems: Problems) -> list[tuple[int, list[str]]] | None:
    import openpyxl  # only when an .xlsx is read

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001  (zip, XML and openpyxl errors alike)
        problems.add(name, None, None, None, f".xlsx ファイルとして読めません (not a readable .xlsx file): {e}")
        return None
    try:
        if not wb.worksheets:
            problems.add(name, None, None, None, "シートがありません (the workbook has no sheet)")
            return None
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # some writers store a wrong size; read every row there is
        return [(row, [_cell_text(v) for v in values])
                for row, values in enumerate(ws.iter_rows(min_row=1, values_only=True), 1)]
    except Exception as e:  # noqa: BLE001
        problems.add(name, None, None, None, f".xlsx ファイルとして読めません (not a readable .xlsx file): {e}")
        return None
    finally:
        wb.close()


def _read_table(path: Path, problems: Problems) -> _Table | None:
    name = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        problems.add(name, None, None, None, f"ファイルがありません (file not found): {path}")
        return None
    except OSError as e:
        problems.add(name, None, None, None, f"ファイルを読めません (cannot read the file): {e.strerror or e}")
        return None
    suffix = path.suffix.lower()
    if data[:4] == b"PK\x03\x04" or suffix in (".xlsx", ".xlsm"):
        records = _xlsx_records(data, name, problems)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or suffix == ".xls":
        problems.add(name, None, None, None, "古い .xls 形式は読めません。.xlsx か CSV で保存してください "
                                             "(the old .xls format is not supported: save as .xlsx or CSV)")
        return None
    else:
        text = _decode(data, name, problems)
        records = None if text is None else _csv_records(text, name, problems)
    if records is None:
        return None
    rows = [(row, cells) for row, cells in records if any(c.strip() for c in cells)]
    if not rows:
        problems.add(name, None, None, None, "ファイルが空です（見出し行がありません） (the file is empty: no header row)")
        return None
    header_row, header = rows[0]
    return _Table(name, header_row, [normalize_header(h) for h in header], rows[1:])


# ---------------------------------------------------------------------------------------------
# daycares.csv


def _read_daycares(t: _Table, problems: Problems) -> dict[str, Facility] | None:
    if not t.require(problems, (FACILITY_ID, FACILITY_NAME, *SEATS)):
        return None
    get_id, get_name = t.getter(FACILITY_ID), t.getter(FACILITY_NAME)
    get_seats = [t.getter(h) for h in SEATS]
    facilities: dict[str, Facility] = {}
    for row, cells in t.rows:
        raw = get_id(cells)
        fid = normalize_id(raw)
        if not fid:
            problems.add(t.name, row, FACILITY_ID, raw, "施設IDが空です (facility ID is empty)")
        elif fid in facilities:
            problems.add(t.name, row, FACILITY_ID, raw,
                         f"施設IDが {facilities[fid].row} 行目と重複しています "
                         f"(facility ID already used on row {facilities[fid].row})")
        seats = []
        for g, get in enumerate(get_seats):
            text = get(cells)
            n = parse_int(text)
            if n is None or n < 0:
                problems.add(t.name, row, SEATS[g], text,
                             "定員は 0 以上の整数にしてください（募集がなければ 0） "
                             "(seat count must be an integer ≥ 0; write 0 for none)")
                n = 0
            seats.append(n)
        if fid and fid not in facilities:
            facilities[fid] = Facility(fid, get_name(cells).strip(), tuple(seats), row)  # type: ignore[arg-type]
    return facilities


# ---------------------------------------------------------------------------------------------
# children.csv


@dataclass
class _ChildRow:
    row: int
    id: str
    household: str
    age: int | None
    points: int | None
    wishes: list[str]
    wish_points: list[int | None]
    pattern: int | None
    pattern_text: str
    pattern_bad: bool
    current: str | None


@dataclass
class _Children:
    rows: list[_ChildRow]
    per_wish_points: bool


def _read_children(t: _Table, facilities: dict[str, Facility] | None, daycares_name: str,
                   problems: Problems) -> _Children | None:
    wish_columns = t.numbered(WISH)
    point_columns = t.numbered(WISH_POINTS)
    ok = t.require(problems, (CHILD_ID, HOUSEHOLD_ID, AGE, PATTERN, CURRENT))
    per_wish = bool(point_columns)
    if per_wish and POINTS in t.index:
        problems.add(t.name, t.header_row, POINTS, None,
                     "点数 と 第N希望点数 は同時に使えません (use either 点数 or 第N希望点数, not both)")
        ok = False
    elif per_wish:
        ok = t.require(problems, ["第1希望点数", *point_columns.values()]) and ok
    else:
        ok = t.require(problems, [POINTS]) and ok
    if not wish_columns:
        problems.add(t.name, t.header_row, "第1希望施設", None, _MISSING_COLUMN)
        ok = False
    else:
        ok = t.require(problems, wish_columns.values()) and ok
    if not ok:
        return None

    get_id, get_household, get_age = t.getter(CHILD_ID), t.getter(HOUSEHOLD_ID), t.getter(AGE)
    get_pattern, get_current = t.getter(PATTERN), t.getter(CURRENT)
    points_header = "第1希望点数" if per_wish else POINTS
    get_points = t.getter(points_header)
    wishes_at = [(n, h, t.getter(h), t.getter(point_columns.get(n))) for n, h in wish_columns.items()]
    extra_points = [(h, t.getter(h)) for n, h in point_columns.items() if n not in wish_columns]
    first_wish = next(iter(wish_columns.values()))
    no_facility = _NO_FACILITY.format(file=daycares_name)

    out: list[_ChildRow] = []
    first_row: dict[str, int] = {}
    for row, cells in t.rows:
        raw = get_id(cells)
        cid = normalize_id(raw)
        if not cid:
            problems.add(t.name, row, CHILD_ID, raw, "申請者番号が空です (child ID is empty)")
        elif cid in first_row:
            problems.add(t.name, row, CHILD_ID, raw,
                         f"申請者番号が {first_row[cid]} 行目と重複しています (child ID already used on row {first_row[cid]})")
        else:
            first_row[cid] = row
        raw = get_household(cells)
        household = normalize_id(raw)
        if not household:
            problems.add(t.name, row, HOUSEHOLD_ID, raw, "世帯番号が空です (household ID is empty)")
        text = get_age(cells)
        age = parse_int(text)
        if age is None or age not in AGES:
            problems.add(t.name, row, AGE, text, "年齢は 0〜5 の整数にしてください (age must be an integer 0–5)")
            age = None
        text = get_points(cells)
        points = parse_int(text)
        if not text.strip():
            problems.add(t.name, row, points_header, text, "点数がありません (points are missing)")
        elif points is None:
            problems.add(t.name, row, points_header, text, "点数は整数にしてください (points must be an integer)")
        pattern_text = get_pattern(cells)
        pattern = parse_int(pattern_text) if pattern_text.strip() else None
        pattern_bad = bool(pattern_text.strip()) and (pattern is None or not 1 <= pattern <= 7)
        if pattern_bad:
            problems.add(t.name, row, PATTERN, pattern_text,
                         "きょうだいパターンは 1〜7 のいずれかにしてください (sibling pattern must be one of 1–7)")
            pattern = None
        raw = get_current(cells)
        current = normalize_id(raw) or None
        if current is not None and facilities is not None and current not in facilities:
            problems.add(t.name, row, CURRENT, raw, no_facility)

        wishes: list[str] = []
        wish_points: list[int | None] = []
        for n, header, get_wish, get_wish_points in wishes_at:
            wp: int | None = None
            if per_wish and n == 1:
                wp = points  # 第1希望点数 is also the child's points, checked above
            elif per_wish:
                text = get_wish_points(cells)
                if text.strip():
                    wp = parse_int(text)
                    if wp is None:
                        problems.add(t.name, row, point_columns[n], text,
                                     "希望点数は整数にしてください (wish points must be an integer)")
            raw = get_wish(cells)
            fid = normalize_id(raw)
            if not fid or fid in wishes:
                continue  # blank cells are skipped; a facility named again is ignored (§3)
            if facilities is not None and fid not in facilities:
                problems.add(t.name, row, header, raw, no_facility)
            elif fid == current:
                problems.add(t.name, row, header, raw,
                             "在籍施設を希望施設にすることはできません "
                             "(the current facility (在籍施設ID) cannot also be a wish)")
            wishes.append(fid)
            wish_points.append(wp)
        for header, get in extra_points:  # 第N希望点数 without a 第N希望施設 column
            text = get(cells)
            if text.strip() and parse_int(text) is None:
                problems.add(t.name, row, header, text, "希望点数は整数にしてください (wish points must be an integer)")
        if not wishes:
            problems.add(t.name, row, first_wish, "",
                         "希望施設が1つもありません (the child has no wish)")
        out.append(_ChildRow(row, cid, household, age, points, wishes, wish_points, pattern, pattern_text,
                             pattern_bad, current))
    return _Children(out, per_wish)


# ---------------------------------------------------------------------------------------------
# combinations.csv


def _read_combinations(t: _Table, children: _Children | None, facilities: dict[str, Facility] | None,
                       children_name: str, daycares_name: str, problems: Problems) -> list[CombinationRow]:
    child_columns = t.numbered(PAIR_CHILD)
    facility_columns = t.numbered(PAIR_FACILITY)
    ok = t.require(problems, (FAMILY, RANK))
    for n in sorted(set(child_columns) | set(facility_columns)):
        ok = t.require(problems, [f"宛名コード{n}", f"希望施設{n}"]) and ok
    if not child_columns and not facility_columns:
        problems.add(t.name, t.header_row, "宛名コード1", None, _MISSING_COLUMN)
        ok = False
    if not ok:
        return []
    get_family, get_rank = t.getter(FAMILY), t.getter(RANK)
    pairs = [(n, f"宛名コード{n}", t.getter(f"宛名コード{n}"), f"希望施設{n}", t.getter(f"希望施設{n}"))
             for n in child_columns]

    members: dict[str, list[_ChildRow]] = {}
    household_of: dict[str, str] = {}
    if children is not None:
        for c in children.rows:
            if c.household:
                members.setdefault(c.household, []).append(c)
            if c.id and c.id not in household_of:
                household_of[c.id] = c.household
    no_facility = _NO_FACILITY.format(file=daycares_name)

    out: list[CombinationRow] = []
    ranks_seen: dict[tuple[str, int], int] = {}
    for row, cells in t.rows:
        raw = get_family(cells)
        household = normalize_id(raw)
        if not household:
            problems.add(t.name, row, FAMILY, raw, "ファミリーコードが空です (household ID is empty)")
            continue
        if children is None:
            continue  # children.csv unreadable: nothing to check this row against
        if household not in members:
            problems.add(t.name, row, FAMILY, raw,
                         f"この世帯番号は {children_name} にありません (no such household in {children_name})")
            continue
        if len(members[household]) < 2:
            continue  # rows of a single-child household are ignored (§5.5)
        text = get_rank(cells)
        rank = parse_int(text)
        if rank is None or rank < 1:
            problems.add(t.name, row, RANK, text, "総当たり順位は 1 以上の整数にしてください (rank must be an integer ≥ 1)")
            rank = None
        elif (household, rank) in ranks_seen:
            first = ranks_seen[(household, rank)]
            problems.add(t.name, row, RANK, text,
                         f"世帯 {household} の総当たり順位 {rank} が {first} 行目と重複しています "
                         f"(household {household}: rank already used on row {first})")
        else:
            ranks_seen[(household, rank)] = row
        assignment: dict[str, str | None] = {}
        column_of: dict[str, str] = {}
        for n, child_header, get_child, facility_header, get_facility in pairs:
            raw_child, raw_facility = get_child(cells), get_facility(cells)
            cid, fid = normalize_id(raw_child), normalize_id(raw_facility)
            if not cid:
                if fid:
                    problems.add(t.name, row, facility_header, raw_facility,
                                 f"{child_header} が空なのに施設があります (a facility is given, but {child_header} is empty)")
                continue
            if cid not in household_of:
                problems.add(t.name, row, child_header, raw_child,
                             f"この申請者番号は {children_name} にありません (no such child in {children_name})")
            elif household_of[cid] != household:
                problems.add(t.name, row, child_header, raw_child,
                             f"この子は世帯 {household_of[cid]} の子で、世帯 {household} の子ではありません "
                             f"(the child belongs to household {household_of[cid]}, not {household})")
            if cid in assignment:
                problems.add(t.name, row, child_header, raw_child,
                             f"同じ申請者番号がこの行に2回あります（{column_of[cid]} と） "
                             f"(the child is named twice in this row, also in {column_of[cid]})")
                continue
            if fid and facilities is not None and fid not in facilities:
                problems.add(t.name, row, facility_header, raw_facility, no_facility)
            assignment[cid] = fid or None
            column_of[cid] = facility_header
        for c in members[household]:
            if c.current is not None and c.id and assignment.get(c.id) is None:
                column = column_of.get(c.id)
                problems.add(t.name, row, column or FAMILY, "" if column else raw,
                             f"在籍児 {c.id}（{children_name} {c.row} 行目）に施設がありません。転園申請者には"
                             f"どの行でも施設（在籍施設でもよい）が必要です (transfer applicant {c.id}, "
                             f"{children_name} row {c.row}, has no facility in this option: every row must "
                             f"give it one, its current facility or a new one)")
        if rank is not None:
            out.append(CombinationRow(household, rank, assignment, row))
    return out


# ---------------------------------------------------------------------------------------------
# Households


def _check_households(children: _Children, in_table: set[str], children_name: str, problems: Problems) -> None:
    """§2.4: patterns of households with 2+ children that are not in the combination table."""
    groups: dict[str, list[_ChildRow]] = {}
    for c in children.rows:
        if c.household:
            groups.setdefault(c.household, []).append(c)
    for household, rows in groups.items():
        if len(rows) < 2 or household in in_table or any(c.pattern_bad for c in rows):
            continue
        rows_text = ", ".join(str(c.row) for c in rows)
        given = [c for c in rows if c.pattern is not None]
        if not given:
            problems.add(children_name, rows[0].row, PATTERN, rows[0].pattern_text,
                         f"世帯 {household}（{rows_text} 行目）は子が {len(rows)} 人ですが、きょうだいパターンがなく、"
                         f"総当たり表にもありません (household {household}, rows {rows_text}, has {len(rows)} "
                         f"children but no sibling pattern and no rows in the combination table)")
            continue
        ref = given[0]
        differing = [c for c in rows if c.pattern != ref.pattern]
        for c in differing:
            problems.add(children_name, c.row, PATTERN, c.pattern_text,
                         f"世帯 {household} のきょうだいパターンが {ref.row} 行目（{ref.pattern}）と異なります "
                         f"(household {household}: the sibling pattern differs from row {ref.row}, {ref.pattern})")
        if differing or ref.pattern not in (1, 2, 3):
            continue
        common = set(rows[0].wishes)
        for c in rows[1:]:
            common &= set(c.wishes)
        if not common:
            problems.add(children_name, rows[0].row, PATTERN, rows[0].pattern_text,
                         f"パターン {ref.pattern} の世帯 {household}（{rows_text} 行目）に、子ども全員が希望する施設が"
                         f"ありません (household {household}, rows {rows_text}, has pattern {ref.pattern} but no "
                         f"facility that every child wishes)")


def _build(children: _Children, facilities: dict[str, Facility], combinations: list[CombinationRow],
           source: dict[str, str]) -> Instance:
    kids = tuple(
        Child(index=i, row=c.row, id=c.id, household=c.household, age=c.age, points=c.points,  # type: ignore[arg-type]
              wishes=tuple(c.wishes), wish_points=tuple(c.wish_points) if children.per_wish_points else (),
              pattern=c.pattern, current=c.current)
        for i, c in enumerate(children.rows))
    groups: dict[str, list[int]] = {}
    for k in kids:
        groups.setdefault(k.household, []).append(k.index)
    rows_of: dict[str, list[CombinationRow]] = {}
    for r in combinations:
        rows_of.setdefault(r.household, []).append(r)
    households = []
    for household, indices in groups.items():
        members = tuple(sorted(indices, key=lambda i: (-kids[i].age, i)))
        options = household_options(kids, members, rows_of.get(household, ()))
        households.append(Household(household, members, options,
                                    may_be_unplaced=all(kids[i].current is None for i in members)))
    used = tuple(r for r in combinations if len(groups.get(r.household, ())) >= 2)
    return Instance(kids, facilities, tuple(households), used, source)


# ---------------------------------------------------------------------------------------------
# Public API


def read_instance(children: PathLike, daycares: PathLike, combinations: PathLike | None = None) -> Instance:
    """Read and check one admission round; raise `InputError` with every problem found."""
    children_path, daycares_path = Path(children), Path(daycares)
    combinations_path = Path(combinations) if combinations is not None else None
    names = [children_path.name, daycares_path.name] + ([combinations_path.name] if combinations_path else [])
    problems = Problems()

    daycares_table = _read_table(daycares_path, problems)
    facilities = _read_daycares(daycares_table, problems) if daycares_table else None
    children_table = _read_table(children_path, problems)
    kids = (_read_children(children_table, facilities, daycares_path.name, problems)
            if children_table else None)
    rows: list[CombinationRow] = []
    in_table: set[str] | None = set()  # None: unknown, the combination table is unreadable
    if combinations_path is not None:
        combinations_table = _read_table(combinations_path, problems)
        if combinations_table is not None:
            rows = _read_combinations(combinations_table, kids, facilities, children_path.name,
                                      daycares_path.name, problems)
        if combinations_table is None or FAMILY not in combinations_table.index:
            in_table = None
        else:
            in_table = {normalize_id(combinations_table.getter(FAMILY)(cells))
                        for _, cells in combinations_table.rows}
    if kids is not None and in_table is not None:
        _check_households(kids, in_table, children_path.name, problems)
    problems.raise_if_any(names)
    assert kids is not None and facilities is not None
    source = {"children": str(children_path), "daycares": str(daycares_path)}
    if combinations_path is not None:
        source["combinations"] = str(combinations_path)
    return _build(kids, facilities, rows, source)


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
    t = _read_table(path, problems)
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
            problems.add(t.name, row, RESULT_FACILITY, raw_facility, _NO_FACILITY.format(file=daycares_name))
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
    "format_result",
    "instance_paths",
    "normalize_header",
    "normalize_id",
    "parse_int",
    "read_instance",
    "read_instance_dir",
    "read_result",
    "write_result",
]
