"""CSV of 乳幼児健診 from an existing 健康管理システム's export: UTF-8 (with or without BOM) or Shift_JIS.

Pure: no Django. `parse(data)` reads the whole file and returns its rows as plain values, or raises one
`ImportRefused` that lists every problem by row and column (up to `MAX_PROBLEMS`): a file is taken whole
or not at all. The layout is the table `COLUMNS` (header → field, kind); headers are matched exactly
after trimming, in any order; unknown headers are refused (a column silently dropped is data lost).

One row is one checkup of one child; the child's columns repeat on each of its rows and must agree.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from yakuba.health.errors import HealthError
from yakuba.linkage.checkup import CheckupKind, Judgement, Sex, UrineResult

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_PROBLEMS = 20


class ImportRefused(HealthError):
    """The file was not taken; `problems` are the located lines (``3行目 身長: …``)."""

    code = "health.import"

    def __init__(self, problems: list[str], *, total: int | None = None) -> None:
        more = (total or len(problems)) - len(problems)
        head = f"取り込めません: {problems[0]}" + (f" ほか {len(problems) - 1 + more} 件" if len(problems) > 1 or more else "")
        super().__init__(head, where=problems[0].split(" ")[0] if problems else None)
        self.problems = problems
        self.total = total or len(problems)


def _text(v: str) -> str:
    return v.strip()


def _date(v: str) -> dt.date:
    m = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", v)
    if not m:
        raise ValueError("日付は YYYY-MM-DD か YYYY/MM/DD で書いてください")
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise ValueError("ありえない日付です") from exc


def _decimal(places: int) -> Callable[[str], Decimal]:
    def parse(v: str) -> Decimal:
        try:
            d = Decimal(v)
        except InvalidOperation as exc:
            raise ValueError("数ではありません") from exc
        if not d.is_finite() or d < 0:
            raise ValueError("0 以上の数で書いてください")
        if -d.as_tuple().exponent > places:  # type: ignore[operator]
            raise ValueError(f"小数点以下は {places} 桁までです")
        return d
    return parse


def _int(low: int, high: int) -> Callable[[str], int]:
    def parse(v: str) -> int:
        if not re.fullmatch(r"\d{1,6}", v):
            raise ValueError("整数ではありません")
        n = int(v)
        if not low <= n <= high:
            raise ValueError(f"{low}〜{high} で書いてください")
        return n
    return parse


def _choice(table: dict[str, Any]) -> Callable[[str], Any]:
    def parse(v: str) -> Any:
        if v not in table:
            raise ValueError("次のどれかで書いてください: " + "・".join(table))
        return table[v]
    return parse


SEXES = {"男": Sex.MALE, "女": Sex.FEMALE, "1": Sex.MALE, "2": Sex.FEMALE}
KINDS = {k.label: k for k in CheckupKind} | {k.value: k for k in CheckupKind} \
    | {k.label.replace("〜", dash): k for k in CheckupKind for dash in ("～", "~", "-")}  # Shift_JIS gives ～
JUDGEMENTS = {j.label: j for j in Judgement} | {"健康": Judgement.HEALTHY, "要観察": Judgement.HEALTHY}
URINE = {u.value: u for u in UrineResult} | {"−": UrineResult.NEGATIVE, "－": UrineResult.NEGATIVE,
                                             "＋": UrineResult.ONE}


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    parse: Callable[[str], Any]
    required: bool = False
    child: bool = False      # a column of the child (repeats on each of its rows)


COLUMNS: tuple[Column, ...] = (
    Column("宛名番号", "resident_key", lambda v: v if re.fullmatch(r"\d{1,20}", v) else _bad("数字20桁まで"), True, True),
    Column("氏名", "name", _text, True, True),
    Column("氏名カナ", "name_kana", _text, False, True),
    Column("生年月日", "birth_date", _date, True, True),
    Column("性別", "sex", _choice(SEXES), True, True),
    Column("出生時体重", "birth_weight_g", _int(300, 6000), False, True),
    Column("出生時身長", "birth_length_cm", _decimal(1), False, True),
    Column("在胎週数", "gestational_weeks", _int(20, 45), False, True),
    Column("健診", "kind", _choice(KINDS), True),
    Column("健診受診日", "checkup_date", _date, True),
    Column("受診時月齢", "age_in_months", _int(0, 72)),
    Column("身長", "height_cm", _decimal(1)),
    Column("体重", "weight_kg", _decimal(3)),
    Column("胸囲", "chest_cm", _decimal(1)),
    Column("頭囲", "head_cm", _decimal(1)),
    Column("判定", "judgement", _choice(JUDGEMENTS)),
    Column("精密検査受診日", "detailed_exam_date", _date),
    Column("検尿蛋白", "urine_protein", _choice(URINE)),
    Column("検尿潜血", "urine_blood", _choice(URINE)),
    Column("栄養", "nutrition", _text),
    Column("むし歯", "caries_teeth", _int(0, 20)),
    Column("歯科所見", "dental_note", _text),
    Column("眼", "eyes", _text),
    Column("耳", "ears", _text),
)
BY_HEADER = {c.header: c for c in COLUMNS}
LIMITS = {"name": 60, "name_kana": 60, "nutrition": 100, "dental_note": 200, "eyes": 100, "ears": 100}


def _bad(what: str) -> Any:
    raise ValueError(what)


@dataclass
class Row:
    """One checkup row: `line` is the file's line number (the header is line 1)."""

    line: int
    child: dict[str, Any] = field(default_factory=dict)
    checkup: dict[str, Any] = field(default_factory=dict)


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (a BOM is dropped) or else Shift_JIS (cp932)."""
    if len(data) > MAX_BYTES:
        raise ImportRefused([f"ファイルが大きすぎます ({len(data):,} バイト、上限 {MAX_BYTES:,} バイト)"])
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8:
        try:
            return data.decode("cp932"), "shift_jis"
        except UnicodeDecodeError as sjis:
            raise ImportRefused([f"{sjis.start + 1}バイト目: UTF-8 でも Shift_JIS でもない文字があります "
                                 f"(not UTF-8 at byte {utf8.start + 1}, not Shift_JIS at byte {sjis.start + 1})"]) from sjis


def parse(data: bytes) -> tuple[list[Row], str]:
    """Every row of the file, checked column by column; the encoding it was read in."""
    text, encoding = decode(data)
    if "\x00" in text:
        raise ImportRefused(["NUL 文字が含まれています (a NUL character: not a CSV file)"])
    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[str] = []
    total = 0

    def problem(msg: str) -> None:
        nonlocal total
        total += 1
        if len(problems) < MAX_PROBLEMS:
            problems.append(msg)

    try:
        header = next(reader, None)
        if header is None:
            raise ImportRefused(["1行目: 見出しの行がありません (empty file)"])
        names = [h.strip().lstrip("\ufeff") for h in header]
        unknown = [h for h in names if h not in BY_HEADER]
        missing = [c.header for c in COLUMNS if c.required and c.header not in names]
        dupes = sorted({h for h in names if names.count(h) > 1})
        if unknown or missing or dupes:
            parts = ([f"知らない列 {'・'.join(unknown)}"] if unknown else []) + \
                    ([f"必須の列がありません {'・'.join(missing)}"] if missing else []) + \
                    ([f"列が重複しています {'・'.join(dupes)}"] if dupes else [])
            raise ImportRefused(["1行目 見出し: " + "、".join(parts)])
        columns = [BY_HEADER[h] for h in names]
        rows: list[Row] = []
        children: dict[str, tuple[int, dict[str, Any]]] = {}
        seen: dict[tuple[str, CheckupKind], int] = {}
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportRefused([f"{line}行目: 行が多すぎます (上限 {MAX_ROWS:,} 行)"])
            if len(values) != len(columns):
                problem(f"{line}行目: 列の数が {len(values)} です(見出しは {len(columns)} 列)")
                continue
            row = Row(line)
            before = total
            for column, raw in zip(columns, values):
                v = raw.strip()
                if not v:
                    if column.required:
                        problem(f"{line}行目 {column.header}: 空欄です(必須)")
                    continue
                if column.field in LIMITS and len(v) > LIMITS[column.field]:
                    problem(f"{line}行目 {column.header}: {LIMITS[column.field]} 文字を超えています")
                    continue
                try:
                    value = column.parse(v)
                except ValueError as exc:
                    problem(f"{line}行目 {column.header}: {exc}")
                    continue
                (row.child if column.child else row.checkup)[column.field] = value
            key = row.child.get("resident_key") if total == before else None  # a row with problems: no more
            if key and "kind" in row.checkup:
                if (key, row.checkup["kind"]) in seen:
                    problem(f"{line}行目 健診: 宛名番号 {key} の{row.checkup['kind'].label}は "
                            f"{seen[(key, row.checkup['kind'])]}行目にもあります")
                seen[(key, row.checkup["kind"])] = line
            if key:
                if key in children and children[key][1] != row.child:
                    problem(f"{line}行目 宛名番号: {key} の氏名・生年月日などが {children[key][0]}行目と違います")
                children.setdefault(key, (line, row.child))
            rows.append(row)
    except csv.Error as exc:
        raise ImportRefused([f"{reader.line_num}行目: CSV として読めません ({exc})"]) from exc
    if problems:
        raise ImportRefused(problems, total=total)
    if not rows:
        raise ImportRefused(["2行目: データの行がありません (no rows)"])
    return rows, encoding
