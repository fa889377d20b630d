"""The kind-91 (預金口座振替) record layouts and character sets, as data; and the field rules.

Every record is 120 bytes of JIS 8-bit (the single-byte range of cp932: ASCII and half-width
katakana). The tables below are the only description of the layout: the parser, the fast
checker (which compiles them into a regular expression), the builder and the JSON mapping are
all derived from them, so a rule lives in exactly one place (`check_field`, and the compiled
`DATA_RECORD` pattern generated from the same tables). Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from yakuba.zengin.errors import ZenginError, printable

RECORD_LENGTH = 120
CRLF = b"\r\n"
EOF_BYTE = b"\x1a"

# --- character sets (bytes) ---------------------------------------------------------------------

KANA = bytes([0xA6]) + bytes(range(0xB1, 0xDE))
"""Half-width katakana allowed by 全銀: ｦ and ｱ–ﾝ; not the small kana ｧ–ｯ, not ｰ, not ｡｢｣､･."""
MARKS = bytes([0xDE, 0xDF])
"""ﾞ ﾟ (voiced / semi-voiced marks)."""
UPPER = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = b"0123456789"
NAME_CHARS = KANA + MARKS + UPPER + DIGITS + b" ().-"
"""委託者名, 預金者名."""
BANK_CHARS = KANA + MARKS + UPPER + DIGITS + b" -"
"""Bank and branch names."""
TEXT_CHARS = bytes(range(0x20, 0x7F)) + bytes(range(0xA1, 0xE0))
"""Printable JIS 8-bit: 顧客番号 (carried as text, not checked as a number)."""
FILLER_CHARS = (bytes(range(0x00, 0x0A)) + bytes([0x0B, 0x0C]) + bytes(range(0x0E, 0x1A)) + bytes(range(0x1B, 0x80))
                + bytes(range(0xA1, 0xE0)))
"""Any single-byte JIS 8-bit value, control bytes included: ダミー is not validated, but a byte that
would start a double-byte (Shift_JIS) character, or is no JIS 8-bit character at all (0x80,
0xA0, 0xE0–0xFF), is refused; so are 0x1A, the end-of-file mark (a record cut short), and CR
(0x0D) and LF (0x0A), the record separator's bytes (a record broken in two, or two run together)."""

CharSet = Literal["digits", "name", "bank", "text", "filler"]
SETS: dict[str, bytes] = {"digits": DIGITS, "name": NAME_CHARS, "bank": BANK_CHARS, "text": TEXT_CHARS,
                          "filler": FILLER_CHARS}
_DELETE_TABLES = {name: bytes(chars) for name, chars in SETS.items()}


@dataclass(frozen=True)
class Field:
    """One field: `key` (JSON key, also the dataclass attribute), 1-based `start`, `length`,
    `kind` N (digits, right-aligned, zero-padded) or C (text, left-aligned, space-padded),
    `chars` (the allowed set), `values` (allowed codes, if a code field), `integer` (JSON int),
    `label` (the 全銀 name)."""

    key: str
    start: int
    length: int
    kind: Literal["N", "C"]
    label: str
    chars: CharSet = "digits"
    values: tuple[str, ...] | None = None
    integer: bool = False

    @property
    def end(self) -> int:
        return self.start + self.length - 1

    @property
    def is_filler(self) -> bool:
        return self.key == "filler"


def N(key: str, start: int, length: int, label: str, values: tuple[str, ...] | None = None,
      integer: bool = False) -> Field:
    return Field(key, start, length, "N", label, "digits", values, integer)


def C(key: str, start: int, length: int, label: str, chars: CharSet) -> Field:
    return Field(key, start, length, "C", label, chars)


HEADER: tuple[Field, ...] = (
    N("data_kind", 1, 1, "データ区分", ("1",)),
    N("kind", 2, 2, "種別コード", ("91",)),
    N("code_type", 4, 1, "コード区分", ("0",)),
    N("consignor_code", 5, 10, "委託者コード"),
    C("consignor_name", 15, 40, "委託者名", "name"),
    N("debit_date", 55, 4, "引落日"),
    N("bank_code", 59, 4, "取引銀行番号"),
    C("bank_name", 63, 15, "取引銀行名", "bank"),
    N("branch_code", 78, 3, "取引支店番号"),
    C("branch_name", 81, 15, "取引支店名", "bank"),
    N("account_type", 96, 1, "預金種目(委託者)", ("1", "2", "9")),
    N("account_number", 97, 7, "口座番号(委託者)"),
    C("filler", 104, 17, "ダミー", "filler"),
)
DATA: tuple[Field, ...] = (
    N("data_kind", 1, 1, "データ区分", ("2",)),
    N("bank_code", 2, 4, "引落銀行番号"),
    C("bank_name", 6, 15, "引落銀行名", "bank"),
    N("branch_code", 21, 3, "引落支店番号"),
    C("branch_name", 24, 15, "引落支店名", "bank"),
    C("filler", 39, 4, "ダミー", "filler"),
    N("account_type", 43, 1, "預金種目", ("1", "2", "3", "9")),
    N("account_number", 44, 7, "口座番号"),
    C("name", 51, 30, "預金者名", "name"),
    N("amount", 81, 10, "引落金額", integer=True),
    N("new_code", 91, 1, "新規コード", ("0", "1", "2")),
    C("customer_number", 92, 20, "顧客番号", "text"),
    N("result_code", 112, 1, "振替結果コード", ("0", "1", "2", "3", "4", "8", "9")),
    C("filler", 113, 8, "ダミー", "filler"),
)
TRAILER: tuple[Field, ...] = (
    N("data_kind", 1, 1, "データ区分", ("8",)),
    N("total_count", 2, 6, "合計件数", integer=True),
    N("total_amount", 8, 12, "合計金額", integer=True),
    N("transferred_count", 20, 6, "振替済件数", integer=True),
    N("transferred_amount", 26, 12, "振替済金額", integer=True),
    N("failed_count", 38, 6, "振替不能件数", integer=True),
    N("failed_amount", 44, 12, "振替不能金額", integer=True),
    C("filler", 56, 65, "ダミー", "filler"),
)
END: tuple[Field, ...] = (
    N("data_kind", 1, 1, "データ区分", ("9",)),
    C("filler", 2, 119, "ダミー", "filler"),
)
TABLES: dict[int, tuple[Field, ...]] = {ord("1"): HEADER, ord("2"): DATA, ord("8"): TRAILER, ord("9"): END}
KIND_NAMES = {ord("1"): "header", ord("2"): "data", ord("8"): "trailer", ord("9"): "end"}

for _table in TABLES.values():  # the tables cover 120 bytes, in order, without gaps
    assert _table[0].start == 1 and all(a.end + 1 == b.start for a, b in zip(_table, _table[1:]))
    assert _table[-1].end == RECORD_LENGTH

FIELD = {name: {f.key: f for f in table if not f.is_filler} for name, table in
         (("header", HEADER), ("data", DATA), ("trailer", TRAILER), ("end", END))}
"""Fields by record kind and key."""

_MMDD = frozenset(f"{m:02d}{d:02d}" for m, days in enumerate((31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), 1)
                  for d in range(1, days + 1))
"""Real month-days; 0229 is allowed (the year is not in the file)."""


def _reason(b: int) -> str:
    if b == 0x1A:
        return "0x1A (EOF mark) inside a record: record too short?"
    if b < 0x20 or b == 0x7F:
        return "control byte not allowed"
    if 0x61 <= b <= 0x7A:
        return "lowercase letter not allowed"
    if 0x81 <= b <= 0x9F or 0xE0 <= b <= 0xFC:
        return "double-byte (Shift_JIS) character not allowed, JIS 8-bit only"
    if 0xA7 <= b <= 0xAF:
        return "small kana not allowed (小書き文字は使えません)"
    if b == 0xB0:
        return "ｰ not allowed, use - (長音ｰは使えません)"
    if 0x80 <= b:
        return "not a JIS 8-bit character"
    return "character not in the 全銀 set"


def check_field(rec: bytes, f: Field, record: int) -> None:
    """Raise a located ZenginError if field `f` of the 120-byte record `rec` breaks a rule."""
    raw = rec[f.start - 1:f.end]
    chars = _DELETE_TABLES[f.chars]
    bad = raw.translate(None, chars)
    if bad:
        b = bad[0]
        at = f.start + raw.index(b)
        if f.chars == "digits":
            problem = "not a number"
        else:
            problem = f"{_reason(b)} ('{printable(bytes([b]))}' at byte {at})"
        raise ZenginError(problem, record=record, start=f.start, end=f.end, field=f.key,
                          value=raw if f.kind == "N" else raw.rstrip(b" "))
    if f.values is not None and raw.decode("ascii") not in f.values:
        value = raw.decode("ascii")
        if f.key == "code_type" and value == "1":
            problem = "EBCDIC files (コード区分 1) are not supported, only JIS (コード区分 0)"
        elif f.key == "data_kind":
            problem = f"unexpected record kind, expected {f.values[0]}"
        else:
            problem = f"{f.label} must be one of {', '.join(f.values)}"
        raise ZenginError(problem, record=record, start=f.start, end=f.end, field=f.key, value=raw)
    if f.key == "debit_date" and raw.decode("ascii") not in _MMDD:
        raise ZenginError("not a real date (MMDD)", record=record, start=f.start, end=f.end, field=f.key, value=raw)


def check_record(rec: bytes, table: tuple[Field, ...], record: int) -> None:
    """Check every field of a 120-byte record against its table."""
    for f in table:
        check_field(rec, f, record)


def _pattern(f: Field) -> bytes:
    if f.values is not None:
        if all(len(v) == 1 for v in f.values):
            return b"[" + "".join(f.values).encode("ascii") + b"]"
        return b"(?:" + b"|".join(v.encode("ascii") for v in f.values) + b")"
    chars = sorted(set(SETS[f.chars]))
    ranges = []
    for c in chars:  # runs of consecutive bytes as \xNN-\xMM
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    cls = b"".join(b"\\x%02x-\\x%02x" % (a, b) for a, b in ranges)
    return b"[" + cls + b"]{" + str(f.length).encode() + b"}"


def record_pattern(table: tuple[Field, ...]) -> bytes:
    """The regular expression of a valid record of `table` (debit_date aside), from the table."""
    return b"".join(_pattern(f) for f in table)


DATA_RECORD = record_pattern(DATA)
"""A valid data record, compiled from `DATA` (used by the fast checker over runs of records)."""
