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
import logging
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from yakuba.site.config import env_int

from .errors import Problems

__all__ = ["Table", "cell_text", "normalize_header", "normalize_id", "parse_int", "read_table", "table_from_rows"]

MISSING_COLUMN = "必須の列がありません (required column is missing)"
TWICE_COLUMN = "同じ列が2回あります (the column appears twice)"

MAX_DIGITS = 15
"""The most digits an integer cell may have (seats, ages, points, ranks, the N of 第N希望)."""

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
    """§2.3: an integer (full-width digits accepted, `3.0` read as 3), or None if it is none.

    A cell of more than :data:`MAX_DIGITS` digits is no integer a round can hold (and Python
    refuses to read one of thousands of digits): None, so that it is a located problem."""
    if len(text) > 4 * MAX_DIGITS:
        return None
    text = unicodedata.normalize("NFKC", text).strip()
    if not _INTEGER.fullmatch(text):
        return None
    digits = text.split(".", 1)[0]
    if len(digits.lstrip("+-").lstrip("0")) > MAX_DIGITS:
        return None
    return int(digits)


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
            if m and (n := parse_int(m.group(1))) is not None:
                found[n] = h
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


MAX_ROWS = env_int("YAKUBA_TABLE_MAX_ROWS", 100_000)
"""The most rows (as a spreadsheet counts them, the header included) a round's table may have
(children, daycares, combinations, a result): far more than any city's round, and what bounds the
memory it takes (the file is read as a stream, never whole). A longer table is one located
problem at the first row over the limit."""
CHUNK = 1 << 20
MAX_LINE = 16 << 20
"""The longest line (bytes between two line breaks) a CSV may have."""

Opener = Callable[[], "io.BufferedIOBase"]


def _pieces(opener: Opener) -> Iterable[tuple[int, bytes]]:
    """(offset, bytes) of the file in pieces of about :data:`CHUNK` that end at a line break, so
    that each decodes on its own (0x0A is never part of a UTF-8 or a Shift_JIS character)."""
    offset, carry = 0, b""
    with opener() as f:
        while block := f.read(CHUNK):
            carry += block
            cut = carry.rfind(b"\n") + 1
            if cut == 0 and len(carry) <= MAX_LINE:
                continue
            cut = cut or len(carry)
            yield offset, carry[:cut]
            offset, carry = offset + cut, carry[cut:]
    if carry:
        yield offset, carry


def _first_bad(opener: Opener, encoding: str, skip: int) -> tuple[int, int] | None:
    """(byte offset, line) of the first byte not valid in ``encoding``, or None; past ``skip`` bytes."""
    lines = 0
    for offset, piece in _pieces(opener):
        head = max(0, skip - offset)
        try:
            (piece[head:] if head else piece).decode(encoding)
        except UnicodeDecodeError as e:
            at = head + e.start
            return offset + at, lines + piece.count(b"\n", 0, at) + 1
        lines += piece.count(b"\n")
    return None


def _nul(opener: Opener) -> tuple[int, int] | None:
    lines = 0
    for offset, piece in _pieces(opener):
        at = piece.find(b"\x00")
        if at >= 0:
            return offset + at, lines + piece.count(b"\n", 0, at) + 1
        lines += piece.count(b"\n")
    return None


def _encoding(opener: Opener, name: str, problems: Problems) -> str | None:
    """UTF-8 (BOM accepted), else Shift_JIS (cp932), both strict; else a located problem. The
    file is read in pieces: it is never held whole."""
    with opener() as f:
        bom = f.read(3) == b"\xef\xbb\xbf"
    if bom:
        bad = _first_bad(opener, "utf-8", 3)
        if bad is None:
            return "utf-8-sig"
        at, line = bad
        problems.add(name, line, None, None,
                     f"UTF-8 の BOM がありますが、{at} バイト目が UTF-8 として不正です "
                     f"(the file starts with a UTF-8 byte-order mark, but the byte at offset {at} "
                     f"is not valid UTF-8)")
        return None
    nul = _nul(opener)
    if nul is not None:
        at, line = nul
        problems.add(name, line, None, None,
                     f"文字コードが UTF-8 でも Shift_JIS でもありません（{at} バイト目が NUL。UTF-16 "
                     f"には対応していません） (the file is neither UTF-8 nor Shift_JIS: NUL byte at "
                     f"offset {at}; UTF-16 is not supported)")
        return None
    e8 = _first_bad(opener, "utf-8", 0)
    if e8 is None:
        return "utf-8"
    esj = _first_bad(opener, "cp932", 0)
    if esj is None:
        return "cp932"
    line = e8[1] if e8[0] >= esj[0] else esj[1]  # the encoding that read further is probably the one meant
    problems.add(name, line, None, None,
                 f"文字コードが UTF-8 でも Shift_JIS でもありません（UTF-8 として {e8[0]} "
                 f"バイト目、Shift_JIS として {esj[0]} バイト目が不正です） (the file is neither "
                 f"UTF-8 nor Shift_JIS: invalid byte at offset {e8[0]} as UTF-8, at offset "
                 f"{esj[0]} as Shift_JIS)")
    return None


def _too_many_rows(name: str, row: int, problems: Problems) -> None:
    problems.add(name, row, None, None,
                 f"表の行数が多すぎます（上限 {row - 1} 行） (the table has more than {row - 1} rows)")


def _csv_records(opener: Opener, name: str, problems: Problems,
                 max_rows: int | None) -> list[tuple[int, list[str]]] | None:
    """The records of a CSV file, read as a stream (at most ``max_rows``)."""
    encoding = _encoding(opener, name, problems)
    if encoding is None:
        return None
    records: list[tuple[int, list[str]]] = []
    row = 0
    with opener() as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")  # type: ignore[arg-type]
        reader = csv.reader(text, strict=True)
        try:
            for row, cells in enumerate(reader, 1):
                if max_rows is not None and row > max_rows:
                    _too_many_rows(name, row, problems)
                    return None
                records.append((row, cells))
        except csv.Error as e:
            problems.add(name, row + 1, None, None, f"CSV として読めません（引用符の誤りなど） (malformed CSV): {e}")
            return None
        finally:
            text.detach()
    return records


MAX_XLSX_UNPACKED = 512 * 1024 * 1024
"""The most an .xlsx may unpack to (its parts together, as its zip directory declares them; Python's
zip reader never gives more than a part declares). A few kilobytes can declare gigabytes of sheet
XML (a decompression bomb): such a file is refused before any part is unpacked, and logged."""


def _xlsx_too_big(data: bytes, name: str, problems: Problems) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False  # openpyxl says why it cannot read it
    if unpacked <= MAX_XLSX_UNPACKED:
        return False
    logging.getLogger("yakuba.security").warning(
        "refused .xlsx %s: declares %d bytes unpacked from %d (decompression bomb?)", name, unpacked, len(data))
    problems.add(name, None, None, None,
                 f".xlsx の展開後の大きさ {unpacked:,} バイトが上限 {MAX_XLSX_UNPACKED:,} バイトを超えるため読みません"
                 f" (the workbook would unpack to more than the limit: refused as a decompression bomb)")
    return True


def _xlsx_records(data: bytes, name: str, problems: Problems,
                  max_rows: int | None) -> list[tuple[int, list[str]]] | None:
    import openpyxl  # 0.25 s to import: only when an .xlsx is read

    if _xlsx_too_big(data, name, problems):
        return None
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
        records = []
        for row, values in enumerate(ws.iter_rows(min_row=1, values_only=True), 1):
            if max_rows is not None and row > max_rows:
                _too_many_rows(name, row, problems)
                return None
            records.append((row, [cell_text(v) for v in values]))
        return records
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


def read_table(path: Path | InMemory, problems: Problems, *, max_rows: int | None = None) -> Table | None:
    """The table in the file at `path` (CSV or .xlsx), or None with the reason in `problems`;
    with `max_rows`, a table of more rows is refused at the first row over (a round's tables:
    :data:`MAX_ROWS`). A CSV is read as a stream, never held whole."""
    name = path.name
    if isinstance(path, InMemory):
        memory = path.data
        opener: Opener = lambda: io.BytesIO(memory)  # noqa: E731
    else:
        opener = lambda: open(path, "rb")  # type: ignore[union-attr]  # noqa: E731
    try:
        with opener() as f:
            magic = f.read(8)
        suffix = path.suffix.lower()
        if magic[:4] == b"PK\x03\x04" or suffix in (".xlsx", ".xlsm"):
            with opener() as f:
                records = _xlsx_records(f.read(), name, problems, max_rows)
        elif magic == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or suffix == ".xls":
            problems.add(name, None, None, None, "古い .xls 形式は読めません。.xlsx か CSV で保存してください "
                                                 "(the old .xls format is not supported: save as .xlsx or CSV)")
            return None
        else:
            records = _csv_records(opener, name, problems, max_rows)
    except FileNotFoundError:
        problems.add(name, None, None, None, f"ファイルがありません (file not found): {path}")
        return None
    except OSError as e:
        problems.add(name, None, None, None, f"ファイルを読めません (cannot read the file): {e.strerror or e}")
        return None
    if records is None:
        return None
    return _table(name, records, problems, "ファイルが空です（見出し行がありません） (the file is empty: no header row)")


def table_from_rows(name: str, rows: Iterable[Sequence[object]], problems: Problems) -> Table | None:
    """A table held in memory (header first, row n of a spreadsheet is the n-th), named `name`."""
    records = [(n, [str(c) for c in r]) for n, r in enumerate(rows, 1)]
    return _table(name, records, problems, "表が空です（見出し行がありません） (the table is empty: no header row)")
