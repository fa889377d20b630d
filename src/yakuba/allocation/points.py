"""基準点 (base points) of a 保育所等利用申込書, computed from the read form.

Scoring, not reading: it sits beside the city's 調整点 rules (`yakuba.allocation.rules`), which add
to the 基準点 it gives; the vendor's AI-OCR intake calls it on each read form. The scoring table
(利用調整基準の基準指数) is **data**: the demo city profile's ``yakuba/profiles/midori/points.toml``,
or a city's own file given to :func:`load_table` (its city profile's, `yakuba.cityprofile`). The table's comments explain the demo numbers. The file format is in ``docs/formats/intake-points.md``.

Rules:

- Each 保護者 (``guardian1``, ``guardian2``) gets one 基本指数 from the 保育を必要とする事由
  they ticked. If several are ticked, the highest counts.
- 就労 scores by the highest bracket whose 週の就労日数 and 1日の就労時間 are both met, plus the
  就労形態's adjustment. Below every bracket it scores 0 (下限未満).
- A guardian block that is fully empty counts as 不在 (ひとり親等) at the table's ``absent``
  points.
- The 基準点 is the sum over the guardians. 調整指数 are the city's job and are not computed here.

Some cases stop a reliable score: 就労 ticked but the days or hours are missing or out of range,
no 事由 ticked, both guardians empty, and so on. That guardian then gets 0 points, and a Japanese
message goes into :attr:`Points.problems`. The caller sends such records to a person.

Pure: no Django.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, NoReturn

from yakuba.errors import YakubaError

GUARDIANS = ("guardian1", "guardian2")
GUARDIAN_LABELS = {"guardian1": "保護者1", "guardian2": "保護者2"}
EMPLOYMENT = ("regular", "parttime", "self", "other")
#: The non-work 事由, in form order (the form's order breaks ties between equal points).
OTHER_REASONS = ("birth", "illness", "care", "study", "jobseeking")
NEEDS = ("work",) + OTHER_REASONS
#: Text fields whose emptiness (with no checkbox ticked) makes a guardian block absent.
PRESENCE_FIELDS = ("name", "kana", "relation", "employer", "days", "hours")
MAX_DAYS = 7
MAX_HOURS = 24


class PointsTableError(YakubaError, ValueError):
    """A scoring table that cannot be used. The message names the file and the key."""

    exit_code = 1


@dataclass(frozen=True)
class WorkBracket:
    """One 就労 row: ``points`` when days/week ≥ ``min_days`` and hours/day ≥ ``min_hours``."""

    min_days: int
    min_hours: int
    points: int


@dataclass(frozen=True)
class Employment:
    """A 就労形態: its label and the points added to a met bracket."""

    label: str
    adjust: int


@dataclass(frozen=True)
class Reason:
    """A fixed-score entry (出産, 疾病・障害, …, and 不在)."""

    label: str
    points: int


@dataclass(frozen=True)
class PointsTable:
    """A validated 基準指数表 (see ``points.toml``)."""

    title: str
    source: str
    absent: Reason
    work_label: str
    work_below_label: str
    brackets: tuple[WorkBracket, ...]
    employment: Mapping[str, Employment]
    reasons: Mapping[str, Reason]


@dataclass(frozen=True)
class PointsLine:
    """One guardian's 基本指数: guardian id, the 事由 used (Japanese label), and its points."""

    guardian: str
    reason: str
    points: int

    @property
    def guardian_label(self) -> str:
        return GUARDIAN_LABELS.get(self.guardian, self.guardian)


@dataclass(frozen=True)
class Points:
    """The 基準点 of one application: ``total`` is the sum of ``lines`` (one per guardian).

    A non-empty ``problems`` means the score is not reliable. A person has to look at it.
    """

    total: int
    lines: tuple[PointsLine, ...]
    problems: tuple[str, ...] = ()


# --------------------------------------------------------------------------- loading


def load_table(path: str | Path | None = None) -> PointsTable:
    """The scoring table at ``path``, or the demo city profile's ``points.toml``.

    Raises :class:`PointsTableError` if the file cannot be read or an entry is invalid.
    """
    if path is None:
        return _load_builtin()
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PointsTableError(f"{p}: 読めません (cannot read): {exc}") from None
    return parse_table_text(text, str(p))


@lru_cache(maxsize=1)
def _load_builtin() -> PointsTable:
    res = resources.files("yakuba").joinpath("profiles", "midori", "points.toml")
    return parse_table_text(res.read_text(encoding="utf-8"), "profiles/midori/points.toml")


def parse_table_text(text: str, source: str = "<table>") -> PointsTable:
    """Parse and validate a table's TOML text. ``source`` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PointsTableError(f"{source}: TOML として読めません (not valid TOML): {exc}") from None
    return parse_table(data, source)


def parse_table(data: Mapping[str, Any], source: str = "<table>") -> PointsTable:
    """Validate an already-parsed table (a TOML document as a dict)."""
    v = _Validator(source)
    v.keys(data, "", required={"title", "absent", "work", "reasons"})
    title = v.text(data, "title", "")
    absent = v.reason(v.table(data, "absent", ""), "absent")

    work = v.table(data, "work", "")
    v.keys(work, "work", required={"label", "below_label", "brackets", "employment"})
    work_label = v.text(work, "label", "work")
    try:
        work_label.format(days=5, hours=8)
    except (KeyError, IndexError, ValueError):
        v.fail("work.label", "{days} と {hours} 以外の差し込みは使えません (only {days} and {hours} may be used)")
    below = v.text(work, "below_label", "work")

    rows = work["brackets"]
    if not isinstance(rows, list) or not rows:
        v.fail("work.brackets", "1行以上の表が必要です (needs at least one row)")
    brackets: list[WorkBracket] = []
    for i, row in enumerate(rows):
        key = f"work.brackets[{i}]"
        if not isinstance(row, dict):
            v.fail(key, "表（{ min_days = …, min_hours = …, points = … }）ではありません (not a table)")
        v.keys(row, key, required={"min_days", "min_hours", "points"})
        b = WorkBracket(
            min_days=v.integer(row, "min_days", key, 1, MAX_DAYS),
            min_hours=v.integer(row, "min_hours", key, 1, MAX_HOURS),
            points=v.integer(row, "points", key, 0),
        )
        for j, other in enumerate(brackets):
            okey = f"work.brackets[{j}]"
            if (other.min_days, other.min_hours) == (b.min_days, b.min_hours):
                v.fail(key, f"{okey} と同じ条件です (same condition as {okey})")
            if (_stricter(b, other) and b.points < other.points) or (
                    _stricter(other, b) and other.points < b.points):
                v.fail(key, f"{okey} と比べて、条件の厳しい方の点数が低くなっています "
                            f"(a stricter row scores less than a looser one, compare {okey})")
        brackets.append(b)

    emp_table = v.table(work, "employment", "work")
    v.keys(emp_table, "work.employment", required=set(EMPLOYMENT))
    employment: dict[str, Employment] = {}
    for e in EMPLOYMENT:
        key = f"work.employment.{e}"
        entry = v.table(emp_table, e, "work.employment")
        v.keys(entry, key, required={"label", "adjust"})
        employment[e] = Employment(v.text(entry, "label", key), v.integer(entry, "adjust", key))

    reasons_table = v.table(data, "reasons", "")
    v.keys(reasons_table, "reasons", required=set(OTHER_REASONS))
    reasons = {r: v.reason(v.table(reasons_table, r, "reasons"), f"reasons.{r}") for r in OTHER_REASONS}

    return PointsTable(
        title=title, source=source, absent=absent, work_label=work_label, work_below_label=below,
        brackets=tuple(brackets), employment=MappingProxyType(employment),
        reasons=MappingProxyType(reasons),
    )


def _stricter(a: WorkBracket, b: WorkBracket) -> bool:
    """Whether ``a`` asks for at least as much as ``b`` on both axes (and is not the same row)."""
    return a.min_days >= b.min_days and a.min_hours >= b.min_hours and (a.min_days, a.min_hours) != (
        b.min_days, b.min_hours)


class _Validator:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, what: str) -> NoReturn:
        raise PointsTableError(f"{self.source}: {key or '(最上位)'}: {what}")

    @staticmethod
    def _join(parent: str, key: str) -> str:
        return f"{parent}.{key}" if parent else key

    def keys(self, table: Mapping[str, Any], where: str, required: set[str]) -> None:
        for k in table:
            if k not in required:
                self.fail(self._join(where, k), "知らない項目です (unknown key)")
        for k in sorted(required):
            if k not in table:
                self.fail(self._join(where, k), "項目がありません (missing key)")

    def table(self, table: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
        value = table.get(key)
        if not isinstance(value, dict):
            self.fail(self._join(where, key), "表ではありません (not a table)")
        return value

    def text(self, table: Mapping[str, Any], key: str, where: str) -> str:
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(self._join(where, key), "空でない文字列が必要です (needs a non-empty string)")
        return value

    def integer(self, table: Mapping[str, Any], key: str, where: str,
                low: int | None = None, high: int | None = None) -> int:
        value = table.get(key)
        name = self._join(where, key)
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(name, f"整数が必要です (needs an integer, got {value!r})")
        if (low is not None and value < low) or (high is not None and value > high):
            span = f"{'' if low is None else low}〜{'' if high is None else high}"
            self.fail(name, f"範囲外です（{span}） (out of range: {value})")
        return value

    def reason(self, table: Mapping[str, Any], where: str) -> Reason:
        self.keys(table, where, required={"label", "points"})
        return Reason(self.text(table, "label", where), self.integer(table, "points", where, 0))


# --------------------------------------------------------------------------- scoring


def _ticked(fields: Mapping[str, str], fid: str) -> bool:
    return (fields.get(fid) or "").strip() == "1"


MAX_DIGITS = 15
"""A longer run of digits is no value a form can hold (and int() of thousands of digits is refused)."""


def _number(raw: str) -> int | None:
    """A digits value as an int (full-width digits accepted), else ``None`` (also past MAX_DIGITS)."""
    s = unicodedata.normalize("NFKC", raw).strip()
    if not s or not s.isascii() or not s.isdigit() or len(s) > MAX_DIGITS:
        return None
    return int(s)


def is_absent(fields: Mapping[str, str], g: str) -> bool:
    """The guardian's block is empty: no text in its fields and no checkbox ticked."""
    if any((fields.get(f"{g}_{s}") or "").strip() for s in PRESENCE_FIELDS):
        return False
    boxes = [f"{g}_emp_{e}" for e in EMPLOYMENT] + [f"{g}_need_{n}" for n in NEEDS]
    return not any(_ticked(fields, b) for b in boxes)


def work_points(days: int, hours: int, table: PointsTable) -> tuple[str, int] | None:
    """The best 就労 bracket met by ``days``/week and ``hours``/day as ``(label, points)``.

    Returns ``None`` below every bracket. The employment adjustment is not included.
    """
    best: WorkBracket | None = None
    for b in table.brackets:
        if days >= b.min_days and hours >= b.min_hours and (best is None or b.points > best.points):
            best = b
    if best is None:
        return None
    return table.work_label.format(days=best.min_days, hours=best.min_hours), best.points


def _work(fields: Mapping[str, str], g: str, who: str, table: PointsTable) -> tuple[str, int] | str:
    """The guardian's 就労 ``(label, points)``, or a problem message."""
    values: dict[str, int] = {}
    for key, high, what in (("days", MAX_DAYS, "就労日数（週）"), ("hours", MAX_HOURS, "就労時間（1日）")):
        raw = (fields.get(f"{g}_{key}") or "").strip()
        if not raw:
            return f"{who}: 就労が選択されていますが、{what}が未記入です"
        n = _number(raw)
        if n is None or not 1 <= n <= high:
            return f"{who}: {what}「{raw}」が1〜{high}の数ではありません"
        values[key] = n

    ticked = [e for e in EMPLOYMENT if _ticked(fields, f"{g}_emp_{e}")]
    if ticked:
        emp: Employment | None = max((table.employment[e] for e in ticked), key=lambda x: x.adjust)
    elif len({x.adjust for x in table.employment.values()}) == 1:
        emp = None  # every type scores the same: the missing tick changes nothing
    else:
        return f"{who}: 就労形態が未記入のため、点数が決まりません"

    met = work_points(values["days"], values["hours"], table)
    if met is None:
        return table.work_below_label, 0
    label, points = met
    if emp is not None and emp.adjust:
        label = f"{label}・{emp.label}{emp.adjust:+d}"
        points = max(0, points + emp.adjust)
    return label, points


def _guardian(fields: Mapping[str, str], g: str, table: PointsTable) -> tuple[PointsLine, str | None]:
    who = GUARDIAN_LABELS[g]
    needs = [n for n in NEEDS if _ticked(fields, f"{g}_need_{n}")]
    if not needs:
        return PointsLine(g, "要確認（事由なし）", 0), f"{who}: 保育が必要な事由が選択されていません"
    best: tuple[str, int] | None = None
    for n in needs:  # form order: the first of equal scores wins
        if n == "work":
            got = _work(fields, g, who, table)
            if isinstance(got, str):
                return PointsLine(g, "要確認（就労）", 0), got
        else:
            got = (table.reasons[n].label, table.reasons[n].points)
        if best is None or got[1] > best[1]:
            best = got
    assert best is not None
    return PointsLine(g, best[0], best[1]), None


def base_points(fields: Mapping[str, str], table: PointsTable | None = None) -> Points:
    """The 基準点 of one application from its canonical field values.

    ``fields`` maps field id → value as the intake writes it: strings, with checkboxes as "1"/"0"
    and "" for empty. A missing key counts as empty. ``table`` defaults to :func:`load_table`'s
    demo table.
    """
    table = table or load_table()
    absent = {g: is_absent(fields, g) for g in GUARDIANS}
    if all(absent.values()):
        lines = tuple(PointsLine(g, "要確認（未記入）", 0) for g in GUARDIANS)
        return Points(0, lines, ("保護者の記入がありません",))
    lines_: list[PointsLine] = []
    problems: list[str] = []
    for g in GUARDIANS:
        if absent[g]:
            lines_.append(PointsLine(g, table.absent.label, table.absent.points))
            continue
        line, problem = _guardian(fields, g, table)
        lines_.append(line)
        if problem:
            problems.append(problem)
    return Points(sum(x.points for x in lines_), tuple(lines_), tuple(problems))


def describe(points: Points) -> str:
    """A one-line Japanese explanation of the score.

    Example: "保護者1 就労（週5日・1日8時間以上）20点 + 保護者2 不在（ひとり親等）20点 = 40点".
    Problems, if any, follow after "／要確認:".
    """
    parts = " + ".join(f"{x.guardian_label} {x.reason}{x.points}点" for x in points.lines)
    out = f"{parts} = {points.total}点" if parts else f"{points.total}点"
    if points.problems:
        out += " ／要確認: " + "；".join(points.problems)
    return out
