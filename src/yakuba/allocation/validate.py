"""Validation of an `Instance`: the checks that a round is consistent, whatever it came from.

The rules of `docs/formats/allocation-io.md` §2.4 (§3 children, §4 facilities, §5 households and
the combination table), checked on *entries*: the rows of the round's tables as `io` decodes them,
or the applicants and facilities that the city's rules give (`rules.to_instance`). Each problem
is located where the contract's tables hold it (file, row, column, value), so the messages are
the same whichever way an instance is built. All problems are collected, then raised together
as one `InputError`; `build_instance` returns the `Instance` only when there are none.

An entry carries its values already typed (an integer that is not one is None) and, in
`written`, the cells as written, which the messages quote; without them a value is quoted as
``str(value)``. Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from .columns import (AGE, CHILD_ID, CHILDREN_FILE, COMBINATIONS_FILE, CURRENT, DAYCARES_FILE, FACILITY_ID, FAMILY,
                      HOUSEHOLD_ID, PATTERN, RANK, SEATS, points_column, wish)
from .errors import Problems
from .model import AGES, Child, CombinationRow, Facility, Household, Instance
from .options import household_options

__all__ = ["ChildEntry", "Children", "FacilityEntry", "OptionEntry", "Options", "Pair", "Wish", "build_instance",
           "check_facilities", "NO_FACILITY"]

NO_FACILITY = "この施設IDは {file} にありません (no such facility in {file})"
_WISH_POINTS_NOT_INT = "希望点数は整数にしてください (wish points must be an integer)"


@dataclass
class _Entry:
    row: int
    """The row as a spreadsheet shows it (header = row 1)."""
    written: Mapping[str, str] = field(default_factory=dict, kw_only=True)
    """The row's cells by column, as written; empty for an entry that is no table's row."""

    def shown(self, column: str, value: object) -> str:
        """The text of `column` as written, for a message; else the value as text."""
        text = self.written.get(column)
        if text is not None:
            return text
        return "" if value is None else str(value)


@dataclass
class FacilityEntry(_Entry):
    """A facility (§4): a row of daycares.csv, or a `Facility` of the caller."""

    id: str
    name: str
    seats: Sequence[int | None]
    """g歳定員 for g = 0–5; None where the cell is not an integer."""


@dataclass
class Wish:
    """One wish of a child (第N希望施設) and, with points per wish, the points there (第N希望点数)."""

    column: str
    facility: str
    """'' for a blank cell (skipped)."""
    points_column: str | None = None
    """The 第N希望点数 whose cell must be an integer when written; None when there is none to check
    (点数 given, no such column, or the first wish, whose points are the child's)."""
    points: int | None = None
    """The points at this wish; None when not given (the child's points apply) or not an integer."""


@dataclass
class ChildEntry(_Entry):
    """A child (§3): a row of children.csv, or an applicant of the city's rules."""

    id: str
    household: str
    age: int | None
    points: int | None
    """点数 (or 第1希望点数 with points per wish); None when missing or not an integer."""
    pattern: int | None
    current: str | None
    wishes: Sequence[Wish]
    """In column order; a 第N希望点数 without its 第N希望施設 comes last, as a blank wish."""


@dataclass
class Children:
    entries: Sequence[ChildEntry]
    per_wish: bool = False
    """True: points per wish (第N希望点数), the first wish's points being the child's."""

    @property
    def points_column(self) -> str:
        return points_column(self.per_wish)


@dataclass
class Pair:
    """宛名コードN and 希望施設N of a combination row."""

    child_column: str
    child: str
    facility_column: str
    facility: str


@dataclass
class OptionEntry(_Entry):
    """A row of combinations.csv (§5.5): one ranked option of a household."""

    household: str
    rank: int | None
    pairs: Sequence[Pair]


@dataclass
class Options:
    """The combination table's rows, and every household it names (None: not known, when the
    table could not be read), which §2.4 exempts from the sibling-pattern checks."""

    entries: Sequence[OptionEntry]
    named: set[str] | None


def _blank(text: str) -> bool:
    return not text.strip()


# ---------------------------------------------------------------------------------------------
# Facilities


def check_facilities(entries: Sequence[FacilityEntry], name: str, problems: Problems) -> dict[str, Facility]:
    """The facilities by id (§4), the problems of `entries` added to `problems` (`name`: their file)."""
    facilities: dict[str, Facility] = {}
    for e in entries:
        fid = e.id
        if _blank(fid):
            problems.add(name, e.row, FACILITY_ID, e.shown(FACILITY_ID, fid), "施設IDが空です (facility ID is empty)")
        elif fid in facilities:
            problems.add(name, e.row, FACILITY_ID, e.shown(FACILITY_ID, fid),
                         f"施設IDが {facilities[fid].row} 行目と重複しています "
                         f"(facility ID already used on row {facilities[fid].row})")
        seats = []
        for g, n in enumerate(e.seats):
            if n is None or n < 0:
                problems.add(name, e.row, SEATS[g], e.shown(SEATS[g], n),
                             "定員は 0 以上の整数にしてください（募集がなければ 0） "
                             "(seat count must be an integer ≥ 0; write 0 for none)")
                n = 0
            seats.append(n)
        if not _blank(fid) and fid not in facilities:
            facilities[fid] = Facility(fid, e.name.strip(), tuple(seats), e.row)  # type: ignore[arg-type]
    return facilities


# ---------------------------------------------------------------------------------------------
# Children


@dataclass
class _Checked:
    """A child as checked: what the instance is built from, and what the household checks need."""

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


def _wishes(e: ChildEntry, current: str | None, facilities: Mapping[str, Facility] | None, name: str,
            no_facility: str, problems: Problems) -> tuple[list[str], list[int | None]]:
    wishes: list[str] = []
    points: list[int | None] = []
    for w in e.wishes:
        if w.points_column is not None and w.points is None:
            text = e.shown(w.points_column, None)
            if not _blank(text):
                problems.add(name, e.row, w.points_column, text, _WISH_POINTS_NOT_INT)
        fid = w.facility
        if _blank(fid) or fid in wishes:
            continue  # blank cells are skipped; a facility named again is ignored (§3)
        if facilities is not None and fid not in facilities:
            problems.add(name, e.row, w.column, e.shown(w.column, fid), no_facility)
        elif fid == current:
            problems.add(name, e.row, w.column, e.shown(w.column, fid),
                         "在籍施設を希望施設にすることはできません "
                         "(the current facility (在籍施設ID) cannot also be a wish)")
        wishes.append(fid)
        points.append(w.points)
    return wishes, points


def _children(children: Children, facilities: Mapping[str, Facility] | None, name: str, daycares_name: str,
              problems: Problems) -> list[_Checked]:
    no_facility = NO_FACILITY.format(file=daycares_name)
    points_column = children.points_column
    out: list[_Checked] = []
    first_row: dict[str, int] = {}
    for e in children.entries:
        cid = e.id
        if _blank(cid):
            problems.add(name, e.row, CHILD_ID, e.shown(CHILD_ID, cid), "申請者番号が空です (child ID is empty)")
        elif cid in first_row:
            problems.add(name, e.row, CHILD_ID, e.shown(CHILD_ID, cid),
                         f"申請者番号が {first_row[cid]} 行目と重複しています (child ID already used on row {first_row[cid]})")
        else:
            first_row[cid] = e.row
        if _blank(e.household):
            problems.add(name, e.row, HOUSEHOLD_ID, e.shown(HOUSEHOLD_ID, e.household),
                         "世帯番号が空です (household ID is empty)")
        age = e.age
        if age is None or age not in AGES:
            problems.add(name, e.row, AGE, e.shown(AGE, age), "年齢は 0〜5 の整数にしてください (age must be an integer 0–5)")
            age = None
        text = e.shown(points_column, e.points)
        if _blank(text):
            problems.add(name, e.row, points_column, text, "点数がありません (points are missing)")
        elif e.points is None:
            problems.add(name, e.row, points_column, text, "点数は整数にしてください (points must be an integer)")
        pattern, pattern_text = e.pattern, e.shown(PATTERN, e.pattern)
        pattern_bad = not _blank(pattern_text) and (pattern is None or not 1 <= pattern <= 7)
        if pattern_bad:
            problems.add(name, e.row, PATTERN, pattern_text,
                         "きょうだいパターンは 1〜7 のいずれかにしてください (sibling pattern must be one of 1–7)")
            pattern = None
        current = e.current
        if current is not None and facilities is not None and current not in facilities:
            problems.add(name, e.row, CURRENT, e.shown(CURRENT, current), no_facility)
        wishes, points_at_wishes = _wishes(e, current, facilities, name, no_facility, problems)
        if not wishes:
            problems.add(name, e.row, e.wishes[0].column if e.wishes else wish(1), "",
                         "希望施設が1つもありません (the child has no wish)")
        out.append(_Checked(e.row, cid, e.household, age, e.points, wishes, points_at_wishes, pattern, pattern_text,
                            pattern_bad, current))
    return out


# ---------------------------------------------------------------------------------------------
# Combinations


def _options(options: Options, children: list[_Checked] | None, facilities: Mapping[str, Facility] | None,
             names: Mapping[str, str], problems: Problems) -> list[CombinationRow]:
    name, children_name = names["combinations"], names["children"]
    members: dict[str, list[_Checked]] = {}
    household_of: dict[str, str] = {}
    for c in children or ():
        if not _blank(c.household):
            members.setdefault(c.household, []).append(c)
        if not _blank(c.id) and c.id not in household_of:
            household_of[c.id] = c.household
    no_facility = NO_FACILITY.format(file=names["daycares"])

    out: list[CombinationRow] = []
    ranks_seen: dict[tuple[str, int], int] = {}
    for e in options.entries:
        household, raw = e.household, e.shown(FAMILY, e.household)
        if _blank(household):
            problems.add(name, e.row, FAMILY, raw, "ファミリーコードが空です (household ID is empty)")
            continue
        if children is None:
            continue  # children.csv unreadable: nothing to check this row against
        if household not in members:
            problems.add(name, e.row, FAMILY, raw,
                         f"この世帯番号は {children_name} にありません (no such household in {children_name})")
            continue
        if len(members[household]) < 2:
            continue  # rows of a single-child household are ignored (§5.5)
        rank = e.rank
        if rank is None or rank < 1:
            problems.add(name, e.row, RANK, e.shown(RANK, rank),
                         "総当たり順位は 1 以上の整数にしてください (rank must be an integer ≥ 1)")
            rank = None
        elif (household, rank) in ranks_seen:
            first = ranks_seen[(household, rank)]
            problems.add(name, e.row, RANK, e.shown(RANK, rank),
                         f"世帯 {household} の総当たり順位 {rank} が {first} 行目と重複しています "
                         f"(household {household}: rank already used on row {first})")
        else:
            ranks_seen[(household, rank)] = e.row
        assignment: dict[str, str | None] = {}
        column_of: dict[str, str] = {}
        for p in e.pairs:
            cid, fid = p.child, p.facility
            raw_child, raw_facility = e.shown(p.child_column, cid), e.shown(p.facility_column, fid)
            if _blank(cid):
                if not _blank(fid):
                    problems.add(name, e.row, p.facility_column, raw_facility,
                                 f"{p.child_column} が空なのに施設があります "
                                 f"(a facility is given, but {p.child_column} is empty)")
                continue
            if cid not in household_of:
                problems.add(name, e.row, p.child_column, raw_child,
                             f"この申請者番号は {children_name} にありません (no such child in {children_name})")
            elif household_of[cid] != household:
                problems.add(name, e.row, p.child_column, raw_child,
                             f"この子は世帯 {household_of[cid]} の子で、世帯 {household} の子ではありません "
                             f"(the child belongs to household {household_of[cid]}, not {household})")
            if cid in assignment:
                problems.add(name, e.row, p.child_column, raw_child,
                             f"同じ申請者番号がこの行に2回あります（{column_of[cid]} と） "
                             f"(the child is named twice in this row, also in {column_of[cid]})")
                continue
            if not _blank(fid) and facilities is not None and fid not in facilities:
                problems.add(name, e.row, p.facility_column, raw_facility, no_facility)
            assignment[cid] = None if _blank(fid) else fid
            column_of[cid] = p.facility_column
        for c in members[household]:
            if c.current is not None and not _blank(c.id) and assignment.get(c.id) is None:
                column = column_of.get(c.id)
                problems.add(name, e.row, column or FAMILY, "" if column else raw,
                             f"在籍児 {c.id}（{children_name} {c.row} 行目）に施設がありません。転園申請者には"
                             f"どの行でも施設（在籍施設でもよい）が必要です (transfer applicant {c.id}, "
                             f"{children_name} row {c.row}, has no facility in this option: every row must "
                             f"give it one, its current facility or a new one)")
        if rank is not None:
            out.append(CombinationRow(household, rank, assignment, e.row))
    return out


# ---------------------------------------------------------------------------------------------
# Households


def _households(children: list[_Checked], in_table: set[str], name: str, problems: Problems) -> None:
    """§2.4: patterns of households with 2+ children that are not in the combination table."""
    groups: dict[str, list[_Checked]] = {}
    for c in children:
        if not _blank(c.household):
            groups.setdefault(c.household, []).append(c)
    for household, rows in groups.items():
        if len(rows) < 2 or household in in_table or any(c.pattern_bad for c in rows):
            continue
        rows_text = ", ".join(str(c.row) for c in rows)
        given = [c for c in rows if c.pattern is not None]
        if not given:
            problems.add(name, rows[0].row, PATTERN, rows[0].pattern_text,
                         f"世帯 {household}（{rows_text} 行目）は子が {len(rows)} 人ですが、きょうだいパターンがなく、"
                         f"総当たり表にもありません (household {household}, rows {rows_text}, has {len(rows)} "
                         f"children but no sibling pattern and no rows in the combination table)")
            continue
        ref = given[0]
        differing = [c for c in rows if c.pattern != ref.pattern]
        for c in differing:
            problems.add(name, c.row, PATTERN, c.pattern_text,
                         f"世帯 {household} のきょうだいパターンが {ref.row} 行目（{ref.pattern}）と異なります "
                         f"(household {household}: the sibling pattern differs from row {ref.row}, {ref.pattern})")
        if differing or ref.pattern not in (1, 2, 3):
            continue
        common = set(rows[0].wishes)
        for c in rows[1:]:
            common &= set(c.wishes)
        if not common:
            problems.add(name, rows[0].row, PATTERN, rows[0].pattern_text,
                         f"パターン {ref.pattern} の世帯 {household}（{rows_text} 行目）に、子ども全員が希望する施設が"
                         f"ありません (household {household}, rows {rows_text}, has pattern {ref.pattern} but no "
                         f"facility that every child wishes)")


def _build(children: list[_Checked], per_wish: bool, facilities: dict[str, Facility],
           combinations: list[CombinationRow], source: Mapping[str, str]) -> Instance:
    kids = tuple(
        Child(index=i, row=c.row, id=c.id, household=c.household, age=c.age, points=c.points,  # type: ignore[arg-type]
              wishes=tuple(c.wishes), wish_points=tuple(c.wish_points) if per_wish else (),
              pattern=c.pattern, current=c.current)
        for i, c in enumerate(children))
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
    return Instance(kids, facilities, tuple(households), used, dict(source))


# ---------------------------------------------------------------------------------------------
# Public API


def build_instance(facilities: Sequence[FacilityEntry] | None, children: Children | None,
                   options: Options | None = None, *, source: Mapping[str, str] | None = None,
                   problems: Problems | None = None) -> Instance:
    """Check a round and build its `Instance`; raise `InputError` with every problem found.

    `facilities` / `children` None: that table could not be read (its problems are already in
    `problems`), and what depends on it is not checked. `options` None: there is no combination
    table. `source` names where each table came from (the keys ``children``, ``daycares``,
    ``combinations``; default: the file names of §1); messages name them by their file name.
    """
    problems = problems if problems is not None else Problems()
    if source is None:
        source = {"children": CHILDREN_FILE, "daycares": DAYCARES_FILE}
        if options is not None:
            source["combinations"] = COMBINATIONS_FILE
    names = {k: Path(v).name for k, v in source.items()}
    names.setdefault("combinations", COMBINATIONS_FILE)
    checked_facilities = check_facilities(facilities, names["daycares"], problems) if facilities is not None else None
    checked = (_children(children, checked_facilities, names["children"], names["daycares"], problems)
               if children is not None else None)
    rows: list[CombinationRow] = []
    in_table: set[str] | None = set()
    if options is not None:
        rows = _options(options, checked, checked_facilities, names, problems)
        in_table = options.named
    if checked is not None and in_table is not None:
        _households(checked, in_table, names["children"], problems)
    problems.raise_if_any([names["children"], names["daycares"]] + ([names["combinations"]] if options is not None else []))
    assert checked is not None and children is not None and checked_facilities is not None
    return _build(checked, children.per_wish, checked_facilities, rows, source)
