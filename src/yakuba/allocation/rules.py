"""The city's 利用調整基準 as data: 調整点, tie-break order, age classes, 所得割額. Pure: no Django.

The vendor's intake computes each application's 基準点 (`yakuba.allocation.points`,
`Points.total`). The city adds what only it knows or decides, and turns the applications into
the engine's input:

- `load_rules(path=None)`: the city's rules file (TOML; default: the demo city みどり市,
  ``yakuba/profiles/midori/rules.toml``, the demo city profile's). It holds the 調整点 rules — each a condition over a
  closed vocabulary of applicant attributes (`ATTRIBUTES`, operators `OPERATORS`) — the tie-break
  order (`TIE_BREAK_KEYS`) and the age-class reference date (4月1日). A bad entry raises
  `RulesError` naming the file and the key.
- `age_class(birth, admission_year)`: the 年齢クラス, the age on 4月1日 of the admission year.
- `read_income_csv(path)` / `household_income(incomes)`: 所得割額 per 宛名番号 from the tax
  system's CSV, summed per household (None when a guardian's is unknown).
- `score(applicant, rules) -> Breakdown`: 基準点 + each 調整点 = 点数, and `Breakdown.describe()`
  tells staff how it was made up, in Japanese.
- `order(applicants, rules)`: the applicants in tie-break order, a total deterministic order.
- `to_instance(...)`: the engine's `Instance`, the children in that order — the engine breaks
  equal points by row order (`docs/formats/allocation-io.md` §6.3) — with the points per wish
  (第N希望点数) when a 調整点 applies at one wished facility only (a sibling enrolled there). It is
  built directly through the contract's checks (`validate`), not written out as text and read
  back; `to_instance_rows(...)` gives the same children as the contract's table (§3).

The format of the rules file and of the income CSV: `docs/formats/admission-rules.md`.

Why one module of some 800 lines: it is one vocabulary. `ATTRIBUTES`, `OPERATORS` and
`TIE_BREAK_KEYS` are what the loader checks a rules file against, what `score` evaluates and what
`order` sorts by (with their private kinds and the unknown marker), and `to_instance` is `score`
and `order` applied; split up, each part would reach into the others' private names. Only the
所得割額 reader stands apart (≈70 lines, on `tables`); it stays with the attribute it feeds, which
the admission app imports from here with the rest.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, NamedTuple, NoReturn, Sequence, Union

from .columns import (AGE, CHILD_ID, COMBINATIONS_FILE, CURRENT, FACILITY_ID, FACILITY_NAME, HOUSEHOLD_ID, PATTERN,
                      POINTS, SEATS, wish, wish_points)
from .errors import InputError, Problems
from .io import option_entries
from .model import AGES, Facility, Instance
from .tables import InMemory, normalize_id, parse_int, read_table, table_from_rows, table_source
from .validate import ChildEntry, Children, FacilityEntry, Wish, build_instance

from yakuba.errors import YakubaError

PathLike = Union[str, Path]

DEFAULT_RULES = "profiles/midori/rules.toml"
"""The demo city's rules file, in its city profile shipped in the package (``yakuba/profiles/midori``)."""


class RulesError(YakubaError, ValueError):
    """A rules file that cannot be used. The message names the file and the key."""

    exit_code = 1

    def __init__(self, source: str, key: str, what: str) -> None:
        self.source = source
        self.key = key
        self.what = what
        super().__init__(f"{source}: {key or '(最上位)'}: {what}", where=f"{source}:{key}")


class IncomeCsvError(InputError):
    """The income CSV is invalid. `problems` lists every located problem (file, row as a
    spreadsheet counts it, column, value, message), as `InputError` does for the engine's tables."""


class AgeClassError(ValueError):
    """A birth date that gives no 年齢クラス 0–5 in the admission year."""


# ---------------------------------------------------------------------------------------------
# Applicants


@dataclass(frozen=True)
class Applicant:
    """One child's application as the city sees it: the vendor's 基準点 and the city's facts.

    Only the fields below exist; a rule names them through `ATTRIBUTES`.
    """

    id: str
    """申請者番号 (the child), unique in a round."""
    household: str
    """世帯番号: children who share it are siblings, allocated together."""
    birth: dt.date
    wishes: tuple[str, ...]
    """第N希望施設: facility codes, most preferred first."""
    base_points: int
    """基準点 from the vendor (`yakuba.allocation.points.Points.total`), possibly corrected by staff."""
    receipt_number: str = ""
    """受付番号: the last tie-break (digits compare as numbers)."""
    receipt_date: dt.date | None = None
    """受付日 (None: unknown, ranks last in `earlier_receipt`)."""
    current: str | None = None
    """在籍施設ID: the facility a transfer applicant (転園) attends now."""
    pattern: int | None = None
    """きょうだいパターン 1–7 for a household of several applicants (contract §5.3)."""
    single_parent: bool = False
    """ひとり親世帯."""
    welfare: bool = False
    """生活保護世帯."""
    guardian_absent_reason: str | None = None
    """Why a guardian is absent (死亡, 離婚, 未婚, 行方不明, 拘禁 …), None when both are present."""
    siblings_enrolled: frozenset[str] = frozenset()
    """Facility codes where a brother or sister of the child is enrolled (在園) now."""
    returning_from_leave: bool = False
    """A guardian returns to work from 育児休業 (育休明け)."""
    nursery_worker: bool = False
    """A guardian works as a 保育士・保育教諭 etc. at a facility in the city."""
    unlicensed_care: bool = False
    """The child is in paid 認可外 care while the guardians work."""
    grandparent_caregiver: bool = False
    """A relative living with the family (同居の祖父母等, under 65) can look after the child."""
    fee_arrears: bool = False
    """保育料の滞納 (unpaid fees for another child)."""
    multiple_birth: bool = False
    """多胎児 (twins, triplets …) applying together."""
    child_disability: bool = False
    """The child has a disability and can join group care (集団保育が可能)."""
    household_income: int | None = None
    """所得割額 of the household in yen (`household_income`); None: unknown → staff attention."""
    number_of_children: int = 1
    """Children in the household (18歳以下), the applicant included."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "wishes", tuple(self.wishes))
        enrolled = self.siblings_enrolled
        object.__setattr__(self, "siblings_enrolled",
                           frozenset({enrolled} if isinstance(enrolled, str) else enrolled))


# ---------------------------------------------------------------------------------------------
# Vocabulary


_UNKNOWN = object()
"""An attribute value that is not known (所得割額 not imported): a condition on it cannot be decided."""


@dataclass(frozen=True)
class Attribute:
    """A name a rule's condition may use: its type, label, and how it is read off an applicant."""

    name: str
    kind: str
    """"bool", "int" or "str"."""
    label: str
    get: Callable[[Applicant, str | None], Any]
    """(applicant, wished facility or None) → the value, or `_UNKNOWN`."""
    per_wish: bool = False
    """True: the value depends on the wished facility; a rule using it gives points per wish."""


def _income(a: Applicant, _: str | None) -> Any:
    return _UNKNOWN if a.household_income is None else a.household_income


def _flag(name: str) -> Callable[[Applicant, str | None], Any]:
    return lambda a, _: bool(getattr(a, name))


ATTRIBUTES: Mapping[str, Attribute] = {a.name: a for a in (
    Attribute("single_parent", "bool", "ひとり親世帯", _flag("single_parent")),
    Attribute("welfare", "bool", "生活保護世帯", _flag("welfare")),
    Attribute("guardian_absent_reason", "str", "保護者不在の理由", lambda a, _: a.guardian_absent_reason),
    Attribute("sibling_enrolled", "bool", "きょうだいが在園（いずれかの施設）",
              lambda a, _: bool(a.siblings_enrolled)),
    Attribute("sibling_enrolled_in_wish", "bool", "きょうだいが在園する施設を希望",
              lambda a, f: f is not None and f in a.siblings_enrolled, per_wish=True),
    Attribute("returning_from_leave", "bool", "育児休業からの復職", _flag("returning_from_leave")),
    Attribute("nursery_worker", "bool", "保護者が保育士等として勤務", _flag("nursery_worker")),
    Attribute("unlicensed_care", "bool", "認可外保育施設等を有償で利用", _flag("unlicensed_care")),
    Attribute("grandparent_caregiver", "bool", "同居の親族が保育可能", _flag("grandparent_caregiver")),
    Attribute("fee_arrears", "bool", "保育料の滞納", _flag("fee_arrears")),
    Attribute("multiple_birth", "bool", "多胎児", _flag("multiple_birth")),
    Attribute("child_disability", "bool", "児童の障害", _flag("child_disability")),
    Attribute("transfer", "bool", "転園申込", lambda a, _: a.current is not None),
    Attribute("current_facility", "str", "在籍施設（転園元）", lambda a, _: a.current),
    Attribute("household_income", "int", "所得割額", _income),
    Attribute("number_of_children", "int", "世帯の子どもの数", lambda a, _: a.number_of_children),
    Attribute("base_points", "int", "基準点", lambda a, _: a.base_points),
)}
"""The closed vocabulary of condition attributes."""

FACILITY_ATTRIBUTES = frozenset({"current_facility"})
"""Attributes whose values are facility codes (a city profile checks them against its facilities)."""

OPERATORS: Mapping[str, str] = {
    "eq": "equals the value (a bare value means eq)",
    "min": "is at least the value (integers)",
    "max": "is at most the value (integers)",
    "in": "is one of the listed values (integers or strings)",
}
"""The closed vocabulary of condition operators."""

_OPERATORS_OF_KIND = {"bool": ("eq",), "int": ("eq", "min", "max", "in"), "str": ("eq", "in")}

TIE_BREAK_KEYS: Mapping[str, str] = {
    "total_points": "点数（調整点を含む、希望施設ごとの加点を除く）が高い",
    "base_points": "基準点が高い",
    "single_parent": "ひとり親世帯",
    "welfare": "生活保護世帯",
    "sibling_enrolled": "きょうだいが在園している",
    "returning_from_leave": "育児休業からの復職",
    "lower_income": "所得割額が低い（不明は最後）",
    "more_children": "世帯の子どもが多い",
    "earlier_receipt": "受付日が早い（不明は最後）",
}
"""The closed vocabulary of tie-break keys (label = who comes first). After the listed keys,
the receipt number (受付番号) and then the child's id decide, so the order is always total."""

LAST_RESORT = "receipt_number"
"""What `deciding_key` returns when none of the rules' keys decides."""


# ---------------------------------------------------------------------------------------------
# Rules


@dataclass(frozen=True)
class Condition:
    attribute: str
    operator: str
    value: Any
    """bool, int, str, or a tuple of int/str for `in`."""

    def test(self, applicant: Applicant, facility: str | None) -> bool | None:
        """True / False, or None when the attribute is unknown for this applicant."""
        got = ATTRIBUTES[self.attribute].get(applicant, facility)
        if got is _UNKNOWN:
            return None
        if self.operator == "eq":
            return got == self.value
        if got is None:
            return False
        if self.operator == "min":
            return got >= self.value
        if self.operator == "max":
            return got <= self.value
        return got in self.value


@dataclass(frozen=True)
class Rule:
    """One 調整点: `points` (may be negative) when every condition of `when` holds."""

    id: str
    label: str
    points: int
    when: tuple[Condition, ...]

    @property
    def per_wish(self) -> bool:
        """The rule gives its points at the wished facilities where it holds (第N希望点数)."""
        return any(ATTRIBUTES[c.attribute].per_wish for c in self.when)

    def test(self, applicant: Applicant, facility: str | None = None) -> bool | None:
        """True / False; None when undecidable (an attribute unknown, none of the others false)."""
        results = [c.test(applicant, facility) for c in self.when]
        if False in results:
            return False
        if None in results:
            return None
        return True


@dataclass(frozen=True)
class Rules:
    """A validated rules file (see `docs/formats/admission-rules.md`)."""

    title: str
    source: str
    adjustments: tuple[Rule, ...]
    tie_break: tuple[str, ...]
    reference: tuple[int, int] = (4, 1)
    """(month, day) of the age-class reference date in the admission year: 4月1日."""

    def age_class(self, birth: dt.date, admission_year: int) -> int:
        return age_class(birth, admission_year, reference=self.reference)


# --------------------------------------------------------------------------- loading


def load_rules(path: PathLike | None = None) -> Rules:
    """The rules file at `path`, or the demo city profile's ``rules.toml`` (`DEFAULT_RULES`).

    Raises `RulesError` (file and key named) if the file cannot be read or an entry is invalid.
    """
    if path is None:
        return _load_builtin()
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(str(p), "", f"読めません (cannot read): {exc}") from None
    return parse_rules_text(text, str(p))


@lru_cache(maxsize=1)
def _load_builtin() -> Rules:
    res = resources.files("yakuba").joinpath(DEFAULT_RULES)
    return parse_rules_text(res.read_text(encoding="utf-8"), DEFAULT_RULES)


def parse_rules_text(text: str, source: str = "<rules>") -> Rules:
    """Parse and validate a rules file's TOML text. `source` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(source, "", f"TOML として読めません (not valid TOML): {exc}") from None
    return parse_rules(data, source)


_RULE_ID = re.compile(r"[a-z][a-z0-9_]*")
_MONTH_DAY = re.compile(r"([0-9]{2})-([0-9]{2})")


def parse_rules(data: Mapping[str, Any], source: str = "<rules>") -> Rules:
    """Validate an already-parsed rules file (a TOML document as a dict)."""

    def fail(key: str, what: str) -> NoReturn:
        raise RulesError(source, key, what)

    def keys(table: Mapping[str, Any], where: str, required: set[str], optional: frozenset[str] = frozenset()) -> None:
        for k in table:
            if k not in required | optional:
                fail(f"{where}.{k}" if where else k, "知らない項目です (unknown key)")
        for k in sorted(required):
            if k not in table:
                fail(f"{where}.{k}" if where else k, "項目がありません (missing key)")

    def text(value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            fail(key, "空でない文字列が必要です (needs a non-empty string)")
        return value

    keys(data, "", {"title", "age_class", "tie_break"}, {"adjustments"})
    title = text(data["title"], "title")

    age = data["age_class"]
    if not isinstance(age, dict):
        fail("age_class", "表ではありません (not a table)")
    keys(age, "age_class", {"reference_date"})
    ref_text = age["reference_date"]
    m = _MONTH_DAY.fullmatch(ref_text) if isinstance(ref_text, str) else None
    reference: tuple[int, int] | None = None
    if m:
        month, day = int(m.group(1)), int(m.group(2))
        try:
            dt.date(2001, month, day)  # a common year: 02-29 is refused (not every year has it)
            reference = (month, day)
        except ValueError:
            pass
    if reference is None:
        fail("age_class.reference_date",
             f"\"MM-DD\" 形式の日付が必要です（例 \"04-01\"、2月29日は不可） (needs a month-day like "
             f"\"04-01\"; got {ref_text!r})")

    tie = data["tie_break"]
    if not isinstance(tie, dict):
        fail("tie_break", "表ではありません (not a table)")
    keys(tie, "tie_break", {"order"})
    order_list = tie["order"]
    if not isinstance(order_list, list):
        fail("tie_break.order", "キーの配列が必要です (needs a list of keys)")
    seen_keys: set[str] = set()
    for i, k in enumerate(order_list):
        where = f"tie_break.order[{i}]"
        if not isinstance(k, str) or k not in TIE_BREAK_KEYS:
            fail(where, f"知らないキーです: {k!r}（使えるキー: {', '.join(TIE_BREAK_KEYS)}） "
                        f"(unknown tie-break key)")
        if k in seen_keys:
            fail(where, f"{k!r} が2回あります (the key appears twice)")
        seen_keys.add(k)

    raw_rules = data.get("adjustments", [])
    if not isinstance(raw_rules, list):
        fail("adjustments", "[[adjustments]] の表の配列が必要です (needs an array of tables)")
    rules: list[Rule] = []
    ids: dict[str, int] = {}
    for i, entry in enumerate(raw_rules):
        where = f"adjustments[{i}]"
        if not isinstance(entry, dict):
            fail(where, "表ではありません (not a table)")
        keys(entry, where, {"id", "label", "points", "when"})
        rid = entry["id"]
        if not isinstance(rid, str) or not _RULE_ID.fullmatch(rid):
            fail(f"{where}.id", f"英小文字・数字・_ の ID が必要です (needs an id of a-z, 0-9, _; got {rid!r})")
        if rid in ids:
            fail(f"{where}.id", f"ID {rid!r} は adjustments[{ids[rid]}] と重複しています (duplicate id)")
        ids[rid] = i
        label = text(entry["label"], f"{where}.label")
        points = entry["points"]
        if not isinstance(points, int) or isinstance(points, bool):
            fail(f"{where}.points", f"整数が必要です (needs an integer, got {points!r})")
        rules.append(Rule(rid, label, points, _conditions(entry["when"], f"{where}.when", fail)))

    return Rules(title=title, source=source, adjustments=tuple(rules), tie_break=tuple(order_list),
                 reference=reference)


def _conditions(when: Any, where: str, fail: Callable[[str, str], NoReturn]) -> tuple[Condition, ...]:
    if not isinstance(when, dict) or not when:
        fail(where, "条件の表が必要です（例 { single_parent = true }） (needs a non-empty table of conditions)")
    out: list[Condition] = []
    for name, spec in when.items():
        key = f"{where}.{name}"
        attr = ATTRIBUTES.get(name)
        if attr is None:
            fail(key, f"知らない属性です（使える属性: {', '.join(ATTRIBUTES)}） (unknown attribute)")
        ops = spec if isinstance(spec, dict) else {"eq": spec}
        if not ops:
            fail(key, "演算子がありません (no operator)")
        for op, value in ops.items():
            op_key = f"{key}.{op}" if isinstance(spec, dict) else key
            if op not in OPERATORS:
                fail(op_key, f"知らない演算子です（使える演算子: {', '.join(OPERATORS)}） (unknown operator)")
            if op not in _OPERATORS_OF_KIND[attr.kind]:
                fail(op_key, f"{name} には {', '.join(_OPERATORS_OF_KIND[attr.kind])} だけが使えます "
                             f"(operator {op} does not apply to a {attr.kind} attribute)")
            out.append(Condition(name, op, _value(attr.kind, op, value, op_key, fail)))
    return tuple(out)


def _value(kind: str, op: str, value: Any, key: str, fail: Callable[[str, str], NoReturn]) -> Any:
    def one(v: Any) -> Any:
        if kind == "bool" and isinstance(v, bool):
            return v
        if kind == "int" and isinstance(v, int) and not isinstance(v, bool):
            return v
        if kind == "str" and isinstance(v, str) and v.strip():
            return v
        what = {"bool": "true か false", "int": "整数", "str": "空でない文字列"}[kind]
        fail(key, f"{what}が必要です (needs a {kind}, got {v!r})")

    if op == "in":
        if not isinstance(value, list) or not value:
            fail(key, "値の配列が必要です (needs a non-empty list)")
        return tuple(one(v) for v in value)
    return one(value)


# ---------------------------------------------------------------------------------------------
# Age class


def age_class(birth: dt.date, admission_year: int, *, reference: tuple[int, int] = (4, 1)) -> int:
    """The 年齢クラス 0–5: the child's age on 4月1日 of `admission_year` (the 年度).

    Under 年齢計算ニ関スル法律 and 民法 §143 a person reaches each age at the end of the day
    before the birthday, so on 4月1日 a child born on 4月1日 has already reached it: the classes
    are births from 4月2日 to the next 4月1日 (a child born on 4月1日 is in the older class, as in
    school years). A child born during the 年度 itself (after the reference date, up to the day
    before the next one) is in the 0歳 class. Raises `AgeClassError` for a child born after the
    年度 ends, or 6 or older on the reference date (school age).
    """
    month, day = reference
    ref = dt.date(admission_year, month, day)
    age = admission_year - birth.year - (1 if (birth.month, birth.day) > (month, day) else 0)
    if age < 0:
        next_ref = dt.date(admission_year + 1, month, day)
        if birth >= next_ref:
            raise AgeClassError(
                f"生年月日 {birth.isoformat()} は {admission_year} 年度の終わり（{next_ref.isoformat()} の前日）"
                f"より後です (born after the admission year {admission_year} ends)")
        return 0
    if age > AGES[-1]:
        raise AgeClassError(
            f"生年月日 {birth.isoformat()} の子は {ref.isoformat()} に {age} 歳で、保育所の年齢クラス（0〜5歳）"
            f"にあたりません (age {age} on {ref.isoformat()}: outside the classes 0–5)")
    return age


# ---------------------------------------------------------------------------------------------
# 所得割額


INCOME_ID = "宛名番号"
INCOME_AMOUNT = "所得割額"
_THOUSANDS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")


def household_income(incomes: Mapping[str, int | None]) -> int | None:
    """The household's 所得割額: the sum over its guardians (宛名番号 → yen).

    None when any guardian's amount is unknown (None): the applicant then needs staff attention,
    and a rule or tie-break on income cannot be decided for it. An empty mapping is unknown too.
    """
    if not incomes or any(v is None for v in incomes.values()):
        return None
    return sum(v for v in incomes.values() if v is not None)


def read_income_csv(path: PathLike | InMemory) -> dict[str, int]:
    """宛名番号 → 所得割額 (yen) from the tax system's file: CSV in UTF-8 (BOM or not) or Shift_JIS
    (cp932), or .xlsx; header row with `宛名番号` and `所得割額` (other columns ignored).

    Every problem is collected and raised together as `IncomeCsvError` (file, row, column,
    value): a missing column, an empty 宛名番号, an amount that is empty, not an integer or
    negative, a 宛名番号 given twice. ``path`` may be a file in memory (`tables.InMemory`: an upload).
    """
    p = table_source(path)
    problems = Problems()
    table = read_table(p, problems)  # the engine's own reader: same encodings, same rules
    out: dict[str, int] = {}
    if table is not None and table.require(problems, (INCOME_ID, INCOME_AMOUNT)):
        get_id, get_amount = table.getter(INCOME_ID), table.getter(INCOME_AMOUNT)
        first_row: dict[str, int] = {}
        for row, cells in table.rows:
            raw_id = get_id(cells)
            pid = normalize_id(raw_id)
            if not pid:
                problems.add(table.name, row, INCOME_ID, raw_id, "宛名番号が空です (宛名番号 is empty)")
            elif pid in first_row:
                problems.add(table.name, row, INCOME_ID, raw_id,
                             f"宛名番号が {first_row[pid]} 行目と重複しています "
                             f"(宛名番号 already given on row {first_row[pid]})")
            raw_amount = get_amount(cells)
            amount = _amount(raw_amount)
            if amount is None:
                problems.add(table.name, row, INCOME_AMOUNT, raw_amount,
                             "所得割額は 0 以上の整数（円）にしてください。非課税は 0 です "
                             "(所得割額 must be an integer ≥ 0 in yen; 0 when not taxed)")
            if pid and pid not in first_row:
                first_row[pid] = row
                if amount is not None:
                    out[pid] = amount
    if problems:
        raise IncomeCsvError(problems.sorted([p.name]), total=len(problems))
    return out


def _amount(text: str) -> int | None:
    s = unicodedata.normalize("NFKC", text).strip()
    if _THOUSANDS.fullmatch(s):
        s = s.replace(",", "")
    n = parse_int(s) if s else None
    return n if n is not None and n >= 0 else None


# ---------------------------------------------------------------------------------------------
# Scoring


class Adjustment(NamedTuple):
    """One 調整点 that applied: (rule id, label, points)."""

    rule: str
    label: str
    points: int


@dataclass(frozen=True)
class Breakdown:
    """How a child's 点数 was made up: 基準点 + 調整点 = `total`; and at some wished facilities
    further 調整点 that apply there only (`per_wish`)."""

    applicant: str
    base: int
    adjustments: tuple[Adjustment, ...]
    """調整点 that apply at every facility, in the rules file's order."""
    total: int
    """base + the sum of `adjustments`: the child's points (点数)."""
    per_wish: tuple[tuple[str, tuple[Adjustment, ...]], ...] = ()
    """(facility, 調整点 applying at it only), for the wished facilities that have any, in wish order."""
    wishes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    """Why staff must look at this applicant (e.g. 所得割額 unknown); empty when none."""

    def points_at(self, facility: str) -> int:
        """The child's points at a facility: `total` plus that facility's per-wish 調整点."""
        for f, extra in self.per_wish:
            if f == facility:
                return self.total + sum(a.points for a in extra)
        return self.total

    @property
    def has_per_wish(self) -> bool:
        return any(extra for _, extra in self.per_wish)

    def describe(self) -> str:
        """One line of Japanese for staff, e.g.
        "基準点 40 + ひとり親世帯 +5 + 保育料の滞納 -5 = 40点；第2希望 102: きょうだいが在園する施設 +3 → 43点".
        Problems, if any, follow after "／要確認:"."""
        terms = [f"基準点 {self.base}"] + [f"{a.label} {a.points:+d}" for a in self.adjustments]
        out = f"{' + '.join(terms)} = {self.total}点"
        for facility, extra in self.per_wish:
            n = self.wishes.index(facility) + 1 if facility in self.wishes else None
            where = f"第{n}希望 {facility}" if n else facility
            added = " + ".join(f"{a.label} {a.points:+d}" for a in extra)
            out += f"；{where}: {added} → {self.points_at(facility)}点"
        if self.problems:
            out += " ／要確認: " + "；".join(self.problems)
        return out


def score(applicant: Applicant, rules: Rules) -> Breakdown:
    """The applicant's 点数 by the rules' 調整点, with the part each rule played.

    A rule whose condition cannot be decided (所得割額 unknown) is not applied, and a problem
    says so; so does an unknown 所得割額 when the tie-break order uses `lower_income`.
    """
    general: list[Adjustment] = []
    per_wish: dict[str, list[Adjustment]] = {f: [] for f in applicant.wishes}
    problems: list[str] = []
    for rule in rules.adjustments:
        adj = Adjustment(rule.id, rule.label, rule.points)
        if rule.per_wish:
            undecided = False
            for f in applicant.wishes:
                got = rule.test(applicant, f)
                if got:
                    per_wish[f].append(adj)
                undecided = undecided or got is None
        else:
            got = rule.test(applicant)
            if got:
                general.append(adj)
            undecided = got is None
        if undecided:
            unknown = sorted({ATTRIBUTES[c.attribute].label for c in rule.when if c.test(applicant, None) is None})
            problems.append(f"{'・'.join(unknown)}が不明のため「{rule.label}」を判定できません")
    if "lower_income" in rules.tie_break and applicant.household_income is None:
        problems.append("所得割額が不明です（同点時の「所得割額が低い」では最後になります）")
    return Breakdown(
        applicant=applicant.id,
        base=applicant.base_points,
        adjustments=tuple(general),
        total=applicant.base_points + sum(a.points for a in general),
        per_wish=tuple((f, tuple(extra)) for f, extra in per_wish.items() if extra),
        wishes=applicant.wishes,
        problems=tuple(problems),
    )


# ---------------------------------------------------------------------------------------------
# Tie-break order


def _receipt_key(number: str) -> tuple[int, int, str, str]:
    """受付番号: all digits compare as numbers, before any other text (compared as text)."""
    s = unicodedata.normalize("NFKC", number).strip()
    if s.isascii() and s.isdigit():  # as a number, however long: by length without leading zeros, then digits
        digits = s.lstrip("0")
        return (0, len(digits), digits, s)
    return (1, 0, "", s)


def _tie_key(key: str, a: Applicant, b: Breakdown) -> tuple[Any, ...]:
    """Smaller comes first."""
    if key == "total_points":
        return (-b.total,)
    if key == "base_points":
        return (-a.base_points,)
    if key == "single_parent":
        return (not a.single_parent,)
    if key == "welfare":
        return (not a.welfare,)
    if key == "sibling_enrolled":
        return (not a.siblings_enrolled,)
    if key == "returning_from_leave":
        return (not a.returning_from_leave,)
    if key == "lower_income":
        return (1, 0) if a.household_income is None else (0, a.household_income)
    if key == "more_children":
        return (-a.number_of_children,)
    if key == "earlier_receipt":
        return (1, dt.date.min) if a.receipt_date is None else (0, a.receipt_date)
    raise KeyError(key)  # parse_rules admits no other key


def sort_key(applicant: Applicant, rules: Rules, breakdown: Breakdown | None = None) -> tuple[Any, ...]:
    """The applicant's key in the tie-break order: the rules' keys, then 受付番号, then the id."""
    b = breakdown or score(applicant, rules)
    return tuple(_tie_key(k, applicant, b) for k in rules.tie_break) + (
        _receipt_key(applicant.receipt_number), applicant.id)


def order(applicants: Iterable[Applicant], rules: Rules) -> list[Applicant]:
    """The applicants in the rules' tie-break order (earlier = ranks higher on equal points).

    A total order: after the rules' keys the receipt number and then the id decide, and ids must
    be unique (ValueError otherwise). The input order never matters.
    """
    items = list(applicants)
    _check_unique(items)
    keys = {a.id: sort_key(a, rules) for a in items}
    return sorted(items, key=lambda a: keys[a.id])


def deciding_key(first: Applicant, second: Applicant, rules: Rules) -> str:
    """Which tie-break key puts `first` and `second` in their order (a name of `TIE_BREAK_KEYS`,
    or `LAST_RESORT` when only the receipt number or the id tells them apart)."""
    ka, kb = sort_key(first, rules), sort_key(second, rules)
    for name, x, y in zip(rules.tie_break, ka, kb):
        if x != y:
            return name
    return LAST_RESORT


def _check_unique(items: Sequence[Applicant]) -> None:
    seen: set[str] = set()
    for a in items:
        if a.id in seen:
            raise ValueError(f"申請者番号 {a.id} が2回あります (applicant id {a.id!r} appears twice)")
        seen.add(a.id)


# ---------------------------------------------------------------------------------------------
# The engine's input


Table = list[list[str]]
"""Rows of cells as text, the header first (row n of a spreadsheet is `table[n - 1]`)."""


@dataclass(frozen=True)
class _Line:
    """One child's line of the children table (§3), typed: the same for the table and the instance."""

    applicant: Applicant
    age: int
    points: tuple[int | None, ...]
    """(点数,), or with points per wish 第N希望点数 for each of `wishes` (None where a wish is blank)."""
    wishes: tuple[str, ...]
    """第1希望施設 … 第K希望施設, '' for none."""


def _lines(applicants: Iterable[Applicant], rules: Rules, admission_year: int) -> tuple[list[_Line], bool]:
    """The children in tie-break order, and whether the points are per wish."""
    ordered = order(applicants, rules)
    scored = [(a, score(a, rules)) for a in ordered]
    ages = [rules.age_class(a.birth, admission_year) for a in ordered]
    k = max((len(a.wishes) for a in ordered), default=1) or 1
    per_wish = any(b.has_per_wish for _, b in scored)
    lines = []
    for (a, b), age in zip(scored, ages):
        wishes = tuple(a.wishes) + ("",) * (k - len(a.wishes))
        points = tuple(b.points_at(f) if f else None for f in wishes) if per_wish else (b.total,)
        lines.append(_Line(a, age, points, wishes))
    return lines, per_wish


def to_instance_rows(applicants: Iterable[Applicant], rules: Rules, admission_year: int) -> Table:
    """The children table of the allocation contract (§3), header first, rows in tie-break order.

    Columns: 申請者番号, 世帯番号, 年齢 (`age_class` in `admission_year`), 点数 — or, when any
    applicant has a 調整点 at some wished facility only, 第N希望点数 for every wish instead (the
    contract allows one or the other; every cell is then written, so no wish falls back on 第1希望点数)
    — きょうだいパターン, 在籍施設ID, 第1希望施設 … 第K希望施設 (K = the most wishes any applicant has).
    Raises `AgeClassError` for a birth date outside the classes, ValueError for a duplicate id.
    """
    lines, per_wish = _lines(applicants, rules, admission_year)
    k = len(lines[0].wishes) if lines else 1
    points_header = [wish_points(n) for n in range(1, k + 1)] if per_wish else [POINTS]
    rows: Table = [[CHILD_ID, HOUSEHOLD_ID, AGE, *points_header, PATTERN, CURRENT, *(wish(n) for n in range(1, k + 1))]]
    for line in lines:
        a = line.applicant
        rows.append([a.id, a.household, str(line.age), *("" if p is None else str(p) for p in line.points),
                     "" if a.pattern is None else str(a.pattern), a.current or "", *line.wishes])
    return rows


def daycares_rows(facilities: Iterable[Facility]) -> Table:
    """The facilities table of the contract (§4): 施設ID, 施設名, 0歳定員 … 5歳定員."""
    rows: Table = [[FACILITY_ID, FACILITY_NAME, *SEATS]]
    for f in facilities:
        rows.append([f.id, f.name, *(str(n) for n in f.capacity)])
    return rows


def to_instance(applicants: Iterable[Applicant], rules: Rules, admission_year: int,
                facilities: Iterable[Facility], combinations: Table | None = None) -> Instance:
    """The engine's `Instance`: the children of `to_instance_rows` and the facilities, checked as
    the contract's tables would be (`validate`, every check of §2.4; `InputError` if one fails),
    their problems located in the rows those tables would have. `combinations`, a combination
    table held in memory (header first), is read as the contract's combinations.csv."""
    lines, per_wish = _lines(applicants, rules, admission_year)
    children = []
    for row, line in enumerate(lines, 2):
        a = line.applicant
        if per_wish:
            wishes = [Wish(wish(n), f, wish_points(n), p) for n, (f, p) in enumerate(zip(line.wishes, line.points), 1)]
        else:
            wishes = [Wish(wish(n), f) for n, f in enumerate(line.wishes, 1)]
        children.append(ChildEntry(row, a.id, a.household, line.age, line.points[0], a.pattern, a.current or None,
                                   wishes))
    problems = Problems()
    options = None
    if combinations is not None:
        options = option_entries(table_from_rows(COMBINATIONS_FILE, combinations, problems), problems)
    return build_instance([FacilityEntry(row, f.id, f.name, f.capacity) for row, f in enumerate(facilities, 2)],
                          Children(children, per_wish), options, problems=problems)


__all__ = [
    "ATTRIBUTES",
    "Adjustment",
    "AgeClassError",
    "Applicant",
    "Breakdown",
    "IncomeCsvError",
    "OPERATORS",
    "Rule",
    "Rules",
    "RulesError",
    "TIE_BREAK_KEYS",
    "age_class",
    "daycares_rows",
    "deciding_key",
    "household_income",
    "load_rules",
    "order",
    "parse_rules",
    "parse_rules_text",
    "read_income_csv",
    "score",
    "sort_key",
    "to_instance",
    "to_instance_rows",
]
