"""Table decoding: a CSV or .xlsx file (or rows held in memory) → header and rows of text cells.

What every table the city hands over has in common (`docs/formats/allocation-io.md` §2), whatever
its columns mean: the encoding (UTF-8 with or without BOM, or Shift_JIS/cp932; .xlsx, first
sheet), blank rows left out, the first row the header, headers compared after NFKC (§2.1), IDs
and integers read as a spreadsheet writes them (§2.2, §2.3). A file that cannot be decoded is a
located `Problem` (file, row), never an exception. Pure: no Django.

The meaning of the columns — which are required, what their cells must hold — is the reader's
(`io` for the round's tables, `rules.read_income_csv` for the tax system's file).
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
from typing import Callable, Iterable, Sequence

from .errors import Problems

__all__ = ["Table", "cell_text", "normalize_header", "normalize_id", "parse_int", "read_table", "table_from_rows"]

MISSING_COLUMN = "必須の列がありません (required column is missing)"
TWICE_COLUMN = "同じ列が2回あります (the column appears twice)"

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


def cell_text(value: object) -> str:
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


Getter = Callable[[Sequence[str]], str]


@dataclass
class Table:
    """One decoded table: its header (normalized) and its non-blank rows as text."""

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
        """True if every header is there once; else a located problem for each that is not."""
        ok = True
        for h in headers:
            if h not in self.index:
                problems.add(self.name, self.header_row, h, None, MISSING_COLUMN)
                ok = False
            elif h in self.twice:
                problems.add(self.name, self.header_row, h, None, TWICE_COLUMN)
                ok = False
        return ok

    def getter(self, header: str | None) -> Getter:
        """A function cells → the text of this column ('' when absent or short)."""
        if header is None or header not in self.index:
            return lambda cells: ""
        i = self.index[header]
        return lambda cells: cells[i] if i < len(cells) else ""

    def written(self, cells: Sequence[str]) -> dict[str, str]:
        """The row's cells by header, as written (for the values that messages quote)."""
        return {h: cells[i] if i < len(cells) else "" for h, i in self.index.items()}


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
    import openpyxl  # 0.25 s to import: only when an .xlsx is read

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
        return [(row, [cell_text(v) for v in values])
                for row, values in enumerate(ws.iter_rows(min_row=1, values_only=True), 1)]
    except Exception as e:  # noqa: BLE001
        problems.add(name, None, None, None, f".xlsx ファイルとして読めません (not a readable .xlsx file): {e}")
        return None
    finally:
        wb.close()


def _table(name: str, records: list[tuple[int, list[str]]], problems: Problems, empty: str) -> Table | None:
    """The header and the non-blank rows of `records`; `empty` is the problem when there is none."""
    rows = [(row, cells) for row, cells in records if any(c.strip() for c in cells)]
    if not rows:
        problems.add(name, None, None, None, empty)
        return None
    header_row, header = rows[0]
    return Table(name, header_row, [normalize_header(h) for h in header], rows[1:])


@dataclass(frozen=True)
class InMemory:
    """A table's file already in memory (an upload): its name (which says .csv or .xlsx, and names
    the file in every problem) and its bytes. Read like a path, never written anywhere."""

    name: str
    data: bytes

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix


def table_source(path: str | os.PathLike[str] | InMemory) -> Path | InMemory:
    """A path as a Path; a file in memory as it is."""
    return path if isinstance(path, InMemory) else Path(path)


def read_table(path: Path | InMemory, problems: Problems) -> Table | None:
    """The table in the file at `path` (CSV or .xlsx), or None with the reason in `problems`."""
    name = path.name
    if isinstance(path, InMemory):
        data = path.data
    else:
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
    return _table(name, records, problems, "ファイルが空です（見出し行がありません） (the file is empty: no header row)")


def table_from_rows(name: str, rows: Iterable[Sequence[object]], problems: Problems) -> Table | None:
    """A table held in memory (header first, row n of a spreadsheet is the n-th), named `name`."""
    records = [(n, [str(c) for c in r]) for n, r in enumerate(rows, 1)]
    return _table(name, records, problems, "表が空です（見出し行がありません） (the table is empty: no header row)")
