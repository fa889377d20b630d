"""Reading and checking a city profile; `current()`, the one accessor the apps use. Pure: no Django.

`load_profile(folder)` reads every file of the folder (``docs/city-profile.md``) and checks it
with the checks of the core that uses it (the OCR form, the allocation engine's facilities table,
the 基準点 table, the 利用調整基準, the OCR thresholds, the masking policy, 全銀 kana), plus what
only a profile can check: facility codes that fit the form's 希望施設 boxes, the facility codes a
rule names, the 委託者 data, the relay. Every problem is a `ProfileError` naming the file, the
row (a CSV row as a spreadsheet counts it, or a TOML file's line) and the field; `ProfileInvalid`
carries all of them, so a city fixes its profile in one go (`yakuba config check`).

`current()` is the profile named by ``YAKUBA_CITY_PROFILE`` (`yakuba.cityprofile.where`), loaded
once per folder; `reload()` forgets it (a test that edits a profile, or a reload after a change).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping

from yakuba.allocation.errors import InputError
from yakuba.allocation.io import read_daycares
from yakuba.allocation.points import PointsTable, PointsTableError, load_table
from yakuba.allocation.rules import FACILITY_ATTRIBUTES, Rules, RulesError, load_rules
from yakuba.cityprofile.where import profile_dir
from yakuba.errors import YakubaError
from yakuba.ocr.checks import ThresholdsError, parse_thresholds
from yakuba.ocr.template import Template, TemplateError, load_template
from yakuba.officehours import DEFAULT as DEFAULT_CALENDAR
from yakuba.officehours import Calendar, CalendarError, parse_calendar
from yakuba.privacy.masking import Policy
from yakuba.zengin.errors import ZenginError
from yakuba.zengin.kana import to_zengin

CITY, FACILITIES, POINTS, RULES = "city.toml", "facilities.csv", "points.toml", "rules.toml"
OCR, MASKING, DEBIT, LINKAGE = "ocr.toml", "masking.toml", "debit.toml", "linkage.toml"
REQUIRED = (CITY, FACILITIES, POINTS, RULES)
OPTIONAL = (OCR, MASKING, DEBIT, LINKAGE)
"""Files a profile may leave out: the package's OCR thresholds and masking policy, no 口座振替, no 情報連携."""

WISH_FIELD = "wish1"
"""The form's 希望施設 field whose boxes a facility code must fit."""


class ProfileError(YakubaError):
    """One problem of a city profile: the file, the row (CSV row or TOML line) and the field."""

    code = "config.profile"
    exit_code = 1

    def __init__(self, file: str, row: int | None, field: str | None, what: str) -> None:
        self.file, self.row, self.field, self.what = file, row, field, what
        where = [f"row {row}" if row is not None else "", f"field {field}" if field else ""]
        head = ", ".join(w for w in where if w)
        super().__init__(f"{file}: {head}: {what}" if head else f"{file}: {what}",
                         where=":".join(str(x) for x in (file, row, field) if x is not None))


class ProfileInvalid(YakubaError):
    """A city profile that cannot be used; `problems` lists every `ProfileError` found."""

    code = "config.profile_invalid"
    exit_code = 1

    def __init__(self, folder: Path, problems: list[ProfileError]) -> None:
        self.folder, self.problems = folder, problems
        more = f" ほか {len(problems) - 1} 件 (`yakuba config check` で全件)" if len(problems) > 1 else ""
        super().__init__(f"市の設定 {folder} が正しくありません: {problems[0].message}{more}",
                         where=problems[0].where)


@dataclass(frozen=True)
class City:
    name: str
    """The city's name as letters print it (みどり市)."""
    code: str
    """全国地方公共団体コード, 6 digits with its check digit."""
    mayor: str
    """Who decides and signs (みどり市長)."""
    departments: Mapping[str, str]
    """Department names used in letters: ``admission`` (子ども家庭課), ``water`` (上下水道総務課)."""


@dataclass(frozen=True)
class ConsultSettings:
    """``[consult]`` of ``city.toml``: the 基幹福祉相談センター's retention period and corrections."""

    retention_years: int
    """Years a closed case is kept after its 終結日, then erased (`yakuba consult erase-expired`)."""
    correction_due_days: int = 30
    """Days a 訂正依頼 is given by default before it is overdue (and escalated)."""
    departments: tuple[str, ...] = ()
    """City departments that hold data a correction may be asked of (長寿応援課, …)."""


CONSULT_LIMITS = {"retention_years": (1, 100), "correction_due_days": (1, 365)}


@dataclass(frozen=True)
class FacilityRow:
    code: str
    """The 希望施設 code the form carries (and the engine's 施設ID)."""
    name: str
    capacity: tuple[int, ...]
    """定員 per age class 0–5 (the round's default)."""


@dataclass(frozen=True)
class Relay:
    """Where the 全銀 files go: the relay's URL and this installation's certificates, or the simulator."""

    simulator: bool
    url: str = ""
    cert: Path | None = None
    key: Path | None = None
    ca: Path | None = None


@dataclass(frozen=True)
class Linkage:
    """情報連携 (linkage.toml): the city's institution id at the hub, where the hub and the city's 中間サーバー
    listen, and this installation's client certificate for both (its CN the hub's registry names)."""

    institution: str
    hub: str
    intermediate: str
    cert: Path
    key: Path
    ca: Path


@dataclass(frozen=True)
class CityProfile:
    folder: Path
    city: City
    template: str
    """The form template: a name shipped in ``yakuba/ocr/forms`` or a TOML file's path."""
    facilities: tuple[FacilityRow, ...]
    points: PointsTable
    rules: Rules
    thresholds: Mapping[str, float] | None = None
    """The OCR thresholds of ``ocr.toml``; None: the package's ``ocr/policy.toml``."""
    masking: Policy | None = None
    """The masking policy of ``masking.toml``; None: the package's ``privacy/policy.toml``."""
    consignor: Mapping[str, Any] | None = None
    """委託者 data of ``debit.toml`` (keys of `yakuba.debit.config.Consignor`); None: no 口座振替."""
    relay: Relay | None = None
    calendar: Calendar = DEFAULT_CALENDAR
    """Office hours and closed days of ``city.toml``'s ``[calendar]`` (yakuba.officehours); the default when absent."""
    consult: ConsultSettings | None = None
    """``[consult]`` of city.toml; None: the city has not set a retention period (nothing is erased)."""
    linkage: Linkage | None = None
    """``linkage.toml``; None: no 情報連携 (the health screens say 副本 are not registered)."""

    @property
    def facility_codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.facilities)

    @property
    def facilities_path(self) -> Path:
        return self.folder / FACILITIES

    @property
    def rules_path(self) -> Path:
        return self.folder / RULES

    def load_template(self) -> Template:
        return _template(self.folder, self.template)

    def summary(self) -> str:
        relay = "なし" if self.relay is None else ("模擬銀行 (simulator)" if self.relay.simulator else self.relay.url)
        return (f"{self.city.name} (団体コード {self.city.code}): 施設 {len(self.facilities)} か所, "
                f"基準点表「{self.points.title}」, 調整基準「{self.rules.title}」 (調整点 {len(self.rules.adjustments)} 件), "
                f"様式 {self.template}, OCR閾値 {'市の設定' if self.thresholds else '既定'}, "
                f"マスキング {'市の設定' if self.masking else '既定'}, "
                f"委託者コード {self.consignor['code'] if self.consignor else 'なし'}, 中継 {relay}"
                + (f", 情報連携 {self.linkage.institution} (hub {self.linkage.hub})" if self.linkage else ""))


# --------------------------------------------------------------------------- the accessor

_LOADED: dict[Path, CityProfile] = {}


def current() -> CityProfile:
    """The profile of this installation (``YAKUBA_CITY_PROFILE``), loaded and checked once."""
    folder = profile_dir()
    if folder not in _LOADED:
        _LOADED[folder] = load_profile(folder)
    return _LOADED[folder]


def reload() -> None:
    """Forget the loaded profiles: the next `current()` reads the folder again."""
    _LOADED.clear()


# --------------------------------------------------------------------------- loading


class _Collect:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[ProfileError] = []

    def add(self, file: str, row: int | None, field: str | None, what: str) -> None:
        self.problems.append(ProfileError(file, row, field, what))

    def toml(self, name: str) -> tuple[dict[str, Any], str] | None:
        path = self.folder / name
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.add(name, None, None, "ファイルがありません (missing file)")
            return None
        except (OSError, UnicodeDecodeError) as exc:
            self.add(name, None, None, f"読めません (cannot read): {exc}")
            return None
        try:
            return tomllib.loads(text), text
        except tomllib.TOMLDecodeError as exc:
            line = re.search(r"at line ([0-9]+)", str(exc))
            self.add(name, int(line.group(1)) if line else None, None, f"TOML として読めません (not valid TOML): {exc}")
            return None


def _line_of(text: str, key: str) -> int | None:
    """The line of a TOML file where the dotted `key` (``a.b[2].c``) is written, as best found:
    the last part's first assignment after the line of its table, else None."""
    parts = [p for p in re.split(r"[.\[\]]", key) if p and not p.isdigit()]
    if not parts:
        return None
    lines = text.splitlines()
    header = re.compile(rf"\s*\[\[?\s*{re.escape('.'.join(parts))}\s*\]")
    for i, line in enumerate(lines):  # the key is a table of its own: its header
        if header.match(line):
            return i + 1
    start = 0
    for i, line in enumerate(lines):  # the table header of the first part, if there is one
        if re.match(rf"\s*\[\[?\s*{re.escape(parts[0])}[\].]", line):
            start = i
            break
    pattern = re.compile(rf"(^|[\s{{,]){re.escape(parts[-1])}\s*=")
    for i in range(start, len(lines)):
        if pattern.search(lines[i]):
            return i + 1
    return None


def load_profile(folder: str | Path) -> CityProfile:
    """The profile in `folder`, checked; `ProfileInvalid` with every problem found."""
    folder = Path(folder).expanduser().resolve()
    c = _Collect(folder)
    if not folder.is_dir():
        c.add(str(folder), None, None, "市の設定のフォルダがありません (no such profile folder)")
        raise ProfileInvalid(folder, c.problems)
    city, template_name, template, consult = _city(c)
    calendar = _calendar(c)
    facilities = _facilities(c, template)
    points = _core(c, POINTS, lambda: load_table(folder / POINTS), _points_problem)
    rules = _core(c, RULES, lambda: load_rules(folder / RULES), _rules_problem)
    if rules is not None and facilities is not None:
        _rules_facilities(c, rules, {f.code for f in facilities})
    thresholds = _thresholds(c) if (folder / OCR).exists() else None
    masking = _masking(c) if (folder / MASKING).exists() else None
    consignor, relay = _debit(c) if (folder / DEBIT).exists() else (None, None)
    linkage = _linkage(c) if (folder / LINKAGE).exists() else None
    if c.problems:
        raise ProfileInvalid(folder, c.problems)
    assert city is not None and template_name is not None and facilities is not None
    assert points is not None and rules is not None
    return CityProfile(folder, city, template_name, tuple(facilities), points, rules, thresholds, masking,
                       consignor, relay, calendar, consult, linkage)


def _keys(c: _Collect, file: str, text: str, table: Mapping[str, Any], where: str, allowed: set[str],
          required: set[str]) -> bool:
    ok = True
    for k in table:
        if k not in allowed:
            key = f"{where}.{k}" if where else k
            c.add(file, _line_of(text, key), key, "知らない項目です (unknown key)")
            ok = False
    for k in sorted(required - set(table)):
        key = f"{where}.{k}" if where else k
        c.add(file, _line_of(text, where) if where else None, key, "項目がありません (missing key)")
        ok = False
    return ok


def _text(c: _Collect, file: str, text: str, table: Mapping[str, Any], key: str, where: str) -> str | None:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        c.add(file, _line_of(text, f"{where}.{key}"), f"{where}.{key}",
              f"空でない文字列が必要です (needs a non-empty string, got {value!r})")
        return None
    return value.strip()


def _check_digit_ok(code: str) -> bool:
    """全国地方公共団体コード: the sixth digit checks the first five (weights 6,5,4,3,2; 11 − r, last digit)."""
    r = sum(int(d) * w for d, w in zip(code[:5], (6, 5, 4, 3, 2))) % 11
    return int(code[5]) == (11 - r) % 10


def _template(folder: Path, name: str) -> Template:
    if name.endswith(".toml"):
        return load_template(path=folder / name)
    return load_template(name)


def _consult(c: _Collect, text: str, raw: Any) -> ConsultSettings | None:
    if not isinstance(raw, dict):
        c.add(CITY, _line_of(text, "consult"), "consult", f"表ではありません (not a table, got {raw!r})")
        return None
    before = len(c.problems)
    _keys(c, CITY, text, raw, "consult", {*CONSULT_LIMITS, "departments"}, {"retention_years"})
    numbers: dict[str, int] = {}
    for key, (low, high) in CONSULT_LIMITS.items():
        if key not in raw:
            continue
        value = raw[key]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            c.add(CITY, _line_of(text, f"consult.{key}"), f"consult.{key}",
                  f"{low}〜{high} の整数が必要です (needs an integer {low}–{high}, got {value!r})")
        else:
            numbers[key] = value
    deps = raw.get("departments", [])
    if not isinstance(deps, list) or not all(isinstance(d, str) and d.strip() and len(d) <= 100 for d in deps):
        c.add(CITY, _line_of(text, "consult.departments"), "consult.departments",
              f'部署の名前の一覧が必要です (needs a list of names, e.g. ["長寿応援課"], got {deps!r})')
        deps = []
    if len(c.problems) > before:
        return None
    return ConsultSettings(numbers["retention_years"], numbers.get("correction_due_days", 30),
                           tuple(dict.fromkeys(d.strip() for d in deps)))


def _city(c: _Collect) -> tuple[City | None, str | None, Template | None, ConsultSettings | None]:
    loaded = c.toml(CITY)
    if loaded is None:
        return None, None, None, None
    data, text = loaded
    before = len(c.problems)
    _keys(c, CITY, text, data, "", {"city", "departments", "form", "calendar", "consult"},
          {"city", "departments", "form"})
    consult = _consult(c, text, data["consult"]) if "consult" in data else None
    tables: dict[str, dict[str, Any]] = {}
    for key, allowed, required in (("city", {"name", "code", "mayor"}, {"name", "code"}),
                                   ("departments", {"admission", "water"}, {"admission", "water"}),
                                   ("form", {"template"}, {"template"})):
        value = data.get(key)
        tables[key] = value if isinstance(value, dict) else {}
        if key in data and not isinstance(value, dict):
            c.add(CITY, _line_of(text, key), key, f"表ではありません (not a table, got {value!r})")
        elif key in data:
            _keys(c, CITY, text, value, key, allowed, required)
    city, deps, form = tables["city"], tables["departments"], tables["form"]
    name = _text(c, CITY, text, city, "name", "city") if "name" in city else None
    code = city.get("code")
    if "code" in city and not (isinstance(code, str) and re.fullmatch(r"[0-9]{6}", code) and _check_digit_ok(code)):
        c.add(CITY, _line_of(text, "city.code"), "city.code",
              f"全国地方公共団体コードは検査数字つきの6桁の文字列です (needs the 6-digit code with its check digit, got {code!r})")
    mayor = _text(c, CITY, text, city, "mayor", "city") if "mayor" in city else (f"{name}長" if name else None)
    departments = {k: _text(c, CITY, text, deps, k, "departments") for k in ("admission", "water") if k in deps}
    template_name = _text(c, CITY, text, form, "template", "form") if "template" in form else None
    template = None
    if template_name is not None:
        try:
            template = _template(c.folder, template_name)
        except (TemplateError, OSError, UnicodeDecodeError) as exc:
            c.add(CITY, _line_of(text, "form.template"), "form.template", f"様式を読めません (cannot load the form): {exc}")
    if len(c.problems) > before:
        return None, template_name, template, None
    return (City(name, code, mayor, MappingProxyType(dict(departments))), template_name,  # type: ignore[arg-type]
            template, consult)


def _calendar(c: _Collect) -> Calendar:
    """``[calendar]`` of city.toml (yakuba.officehours.parse_calendar); one problem line for a bad value."""
    path = c.folder / CITY
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return DEFAULT_CALENDAR  # _city has reported it
    if "calendar" not in data:
        return DEFAULT_CALENDAR
    try:
        return parse_calendar(data["calendar"])
    except CalendarError as exc:
        c.add(CITY, _line_of(text, exc.key), exc.key, exc.what)
        return DEFAULT_CALENDAR


def _facilities(c: _Collect, template: Template | None) -> list[FacilityRow] | None:
    path = c.folder / FACILITIES
    if not path.is_file():
        c.add(FACILITIES, None, None, "ファイルがありません (missing file)")
        return None
    try:
        found = read_daycares(path)
    except InputError as exc:
        for p in exc.problems:
            c.add(FACILITIES, p.row, p.column, p.message + (f" (value {p.value!r})" if p.value is not None else ""))
        return None
    if not found:
        c.add(FACILITIES, None, None, "施設が1件もありません (no facilities)")
        return None
    cells = 0
    if template is not None and WISH_FIELD in template.field_ids:
        cells = template.field(WISH_FIELD).cells
    ok = True
    for f in found:
        if not f.id.isascii() or not f.id.isdigit() or (cells and len(f.id) != cells):
            size = f"{cells}桁" if cells else "数字"
            c.add(FACILITIES, f.row, "施設ID", f"施設IDは申込書の希望施設欄に書ける{size}の数字にしてください "
                                               f"(the code must fit the form's wish boxes, got {f.id!r})")
            ok = False
    return [FacilityRow(f.id, f.name, tuple(f.capacity)) for f in found] if ok else None


def _core(c: _Collect, file: str, load: Callable[[], Any], problem: Callable[[str, Any, str], tuple]) -> Any:
    if not (c.folder / file).is_file():
        c.add(file, None, None, "ファイルがありません (missing file)")
        return None
    try:
        return load()
    except (PointsTableError, RulesError) as exc:
        path = c.folder / file
        c.add(file, *problem(path.read_text(encoding="utf-8", errors="replace"), exc, str(path)))
        return None


def _toml_problem(text: str, key: str, what: str) -> tuple[int | None, str | None, str]:
    line = re.search(r"at line ([0-9]+)", what)
    if line:
        return int(line.group(1)), None, what
    key = "" if key == "(最上位)" else key
    return (_line_of(text, key) if key else None), key or None, what


def _points_problem(text: str, exc: PointsTableError, source: str) -> tuple:
    """The points table's message is ``source: key: what``."""
    key, _, what = exc.message.removeprefix(f"{source}: ").partition(": ")
    return _toml_problem(text, key, what) if what else _toml_problem(text, "", key)


def _rules_problem(text: str, exc: RulesError, source: str) -> tuple:
    return _toml_problem(text, exc.key, exc.what)


def _rules_facilities(c: _Collect, rules: Rules, codes: set[str]) -> None:
    text = (c.folder / RULES).read_text(encoding="utf-8")
    for i, rule in enumerate(rules.adjustments):
        for cond in rule.when:
            if cond.attribute not in FACILITY_ATTRIBUTES:
                continue
            values = cond.value if isinstance(cond.value, tuple) else (cond.value,)
            for v in values:
                if v not in codes:
                    key = f"adjustments[{i}].when.{cond.attribute}"
                    c.add(RULES, _rule_line(text, i, cond.attribute), key,
                          f"施設コード {v!r} は {FACILITIES} にありません (unknown facility code)")


def _rule_line(text: str, index: int, attribute: str) -> int | None:
    """The line of `attribute` in the `index`-th ``[[adjustments]]`` table."""
    seen = -1
    for n, line in enumerate(text.splitlines(), 1):
        if re.match(r"\s*\[\[\s*adjustments\s*\]\]", line):
            seen += 1
        elif seen == index and re.search(rf"(^|[\s{{,]){re.escape(attribute)}\s*=", line):
            return n
    return None


def _thresholds(c: _Collect) -> Mapping[str, float] | None:
    loaded = c.toml(OCR)
    if loaded is None:
        return None
    data, text = loaded
    try:
        return MappingProxyType(parse_thresholds(data, OCR))
    except ThresholdsError as exc:
        c.add(OCR, _line_of(text, exc.key), exc.key, exc.what)
        return None


def _masking(c: _Collect) -> Policy | None:
    loaded = c.toml(MASKING)
    if loaded is None:
        return None
    data, text = loaded
    roles = data.get("roles", {})
    if set(data) - {"roles"} or not isinstance(roles, dict):
        c.add(MASKING, _line_of(text, "roles"), "roles", "[roles.<役割>] の表だけを書いてください (needs [roles.<role>] tables)")
        return None
    for role, entry in roles.items():
        if not isinstance(entry, dict) or set(entry) - {"visible"} or not isinstance(entry.get("visible", []), list):
            c.add(MASKING, _line_of(text, f"roles.{role}"), f"roles.{role}",
                  'visible = ["分類", …] だけを書いてください (needs visible = [categories])')
            return None
    try:
        return Policy.from_toml(text)
    except (ValueError, AttributeError, TypeError) as exc:
        role = re.search(r"role '([^']+)'", str(exc))
        key = f"roles.{role.group(1)}.visible" if role else None
        c.add(MASKING, _line_of(text, key) if key else None, key, f"マスキング方針が正しくありません (bad policy): {exc}")
        return None


_CONSIGNOR = {
    "code": (r"[0-9]{10}", "委託者コードは10桁の数字です (the 委託者コード has 10 digits)"),
    "bank_code": (r"[0-9]{4}", "金融機関コードは4桁の数字です (bank code: 4 digits)"),
    "branch_code": (r"[0-9]{3}", "支店コードは3桁の数字です (branch code: 3 digits)"),
    "account_type": (r"[129]", "預金種目は 1(普通)・2(当座)・9(その他) のどれかです (account type 1, 2 or 9)"),
    "account_number": (r"[0-9]{7}", "口座番号は7桁の数字です (account number: 7 digits)"),
}


def _debit(c: _Collect) -> tuple[Mapping[str, Any] | None, Relay | None]:
    loaded = c.toml(DEBIT)
    if loaded is None:
        return None, None
    data, text = loaded
    before = len(c.problems)
    _keys(c, DEBIT, text, data, "", {"relay", "consignor"}, {"consignor"})
    relay = _relay(c, text, data["relay"]) if "relay" in data else None
    raw = data.get("consignor")
    consignor: dict[str, Any] = {}
    if "consignor" in data and not isinstance(raw, dict):
        c.add(DEBIT, _line_of(text, "consignor"), "consignor", "表ではありません (not a table)")
    elif isinstance(raw, dict):
        _keys(c, DEBIT, text, raw, "consignor", set(_CONSIGNOR) | {"name", "branches", "notice_days"},
              set(_CONSIGNOR) | {"name"})
        for key, (pattern, what) in _CONSIGNOR.items():
            value = raw.get(key)
            if key in raw and not (isinstance(value, str) and re.fullmatch(pattern, value)):
                c.add(DEBIT, _line_of(text, f"consignor.{key}"), f"consignor.{key}", f"{what}; got {value!r}")
            consignor[key] = value
        name = _text(c, DEBIT, text, raw, "name", "consignor") if "name" in raw else None
        if name is not None:
            try:
                to_zengin(name, 40)
            except ZenginError as exc:
                c.add(DEBIT, _line_of(text, "consignor.name"), "consignor.name", f"委託者名: {exc}")
        consignor["name"] = name
        consignor["branches"] = _branches(c, text, raw.get("branches", {}))
        days = raw.get("notice_days", 14)
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 90:
            c.add(DEBIT, _line_of(text, "consignor.notice_days"), "consignor.notice_days",
                  f"1〜90 の整数が必要です (needs an integer 1–90, got {days!r})")
        consignor["notice_days"] = days
    if len(c.problems) > before:
        return None, None
    return MappingProxyType(consignor), relay


def _branches(c: _Collect, text: str, raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        c.add(DEBIT, _line_of(text, "consignor.branches"), "consignor.branches", "表ではありません (not a table)")
        return {}
    for bank, branch in raw.items():
        if not (re.fullmatch(r"[0-9]{4}", bank) and isinstance(branch, str) and re.fullmatch(r"[0-9]{3}", branch)):
            c.add(DEBIT, _line_of(text, f"consignor.branches.{bank}"), f"consignor.branches.{bank}",
                  f"金融機関コード(4桁) = 支店コード(3桁) で書いてください (bank code = branch code, got {bank!r} = {branch!r})")
    return dict(raw)


_HTTPS = r"https://[^\s/]+(:[0-9]+)?(/\S*)?"


def _linkage(c: _Collect) -> Linkage | None:
    loaded = c.toml(LINKAGE)
    if loaded is None:
        return None
    data, text = loaded
    parts = {"institution", "hub", "intermediate", "cert", "key", "ca"}
    if not _keys(c, LINKAGE, text, data, "", parts, parts):
        return None
    before = len(c.problems)
    if not (isinstance(data["institution"], str) and re.fullmatch(r"[a-z0-9][a-z0-9.-]{0,63}", data["institution"])):
        c.add(LINKAGE, _line_of(text, "institution"), "institution",
              f"機関の番号は英小文字・数字・. - です (institution id, got {data['institution']!r})")
    for url in ("hub", "intermediate"):
        if not (isinstance(data[url], str) and re.fullmatch(_HTTPS, data[url])):
            c.add(LINKAGE, _line_of(text, url), url, f"https:// で始まる URL が必要です (needs an https URL, got {data[url]!r})")
    paths: dict[str, Path] = {}
    for part in ("cert", "key", "ca"):
        value = data[part]
        path = c.folder / value if isinstance(value, str) and value else None
        if path is None or not path.is_file():
            c.add(LINKAGE, _line_of(text, part), part,
                  f"PEM ファイルがありません (no such file: {value!r}; a relative path is from the profile folder)")
        else:
            paths[part] = path
    if len(c.problems) > before:
        return None
    return Linkage(data["institution"], data["hub"], data["intermediate"], paths["cert"], paths["key"], paths["ca"])


def _relay(c: _Collect, text: str, raw: Any) -> Relay | None:
    if raw == "simulator":
        return Relay(simulator=True)
    if not isinstance(raw, dict):
        c.add(DEBIT, _line_of(text, "relay"), "relay",
              f'"simulator" か、url・cert・key・ca の表が必要です (needs "simulator" or a table, got {raw!r})')
        return None
    if not _keys(c, DEBIT, text, raw, "relay", {"url", "cert", "key", "ca"}, {"url", "cert", "key", "ca"}):
        return None
    url = raw["url"]
    if not (isinstance(url, str) and re.fullmatch(r"https://[^\s/]+(:[0-9]+)?(/\S*)?", url)):
        c.add(DEBIT, _line_of(text, "relay.url"), "relay.url", f"https:// で始まる URL が必要です (needs an https URL, got {url!r})")
    paths: dict[str, Path] = {}
    for part in ("cert", "key", "ca"):
        value = raw[part]
        path = c.folder / value if isinstance(value, str) and value else None
        if path is None or not path.is_file():
            c.add(DEBIT, _line_of(text, f"relay.{part}"), f"relay.{part}",
                  f"PEM ファイルがありません (no such file: {value!r}; a relative path is from the profile folder)")
        else:
            paths[part] = path
    if len(paths) < 3:
        return None
    return Relay(False, url, paths["cert"], paths["key"], paths["ca"])

