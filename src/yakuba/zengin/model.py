"""The content of a 全銀 kind-91 file (預金口座振替), as plain data.

A file is `(header data* trailer)* end`: one or more batches (one per 引落日 and 取引銀行, as a
consignor sends them), then an end record. The field names are those of
`docs/formats/zengin.md` (`yakuba zengin show --format json`); text fields hold the field's text
with its padding removed (N fields keep their leading zeros, C fields lose trailing spaces),
amounts and counts are integers. Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Newline = Literal["crlf", "none"]


@dataclass(frozen=True)
class Header:
    """ヘッダー・レコード (データ区分 1)."""

    consignor_code: str
    """委託者コード, 10 digits."""
    consignor_name: str
    """委託者名, 全銀 characters."""
    debit_date: str
    """引落日, MMDD."""
    bank_code: str
    """取引銀行番号 (the consignor's bank), 4 digits."""
    branch_code: str
    """取引支店番号, 3 digits."""
    account_type: str
    """預金種目 (委託者): 1 普通, 2 当座, 9 その他."""
    account_number: str
    """口座番号 (委託者), 7 digits."""
    bank_name: str = ""
    branch_name: str = ""
    kind: str = "91"
    """種別コード: always 91 (預金口座振替)."""
    code_type: str = "0"
    """コード区分: 0 JIS (the only one supported; 1 EBCDIC is refused)."""
    filler: str | None = None
    """ダミー bytes, only when they are not all spaces (so that build reproduces them)."""


@dataclass(frozen=True)
class Record:
    """データ・レコード (データ区分 2): one debit."""

    bank_code: str
    """引落銀行番号."""
    branch_code: str
    """引落支店番号."""
    account_type: str
    """預金種目: 1 普通, 2 当座, 3 納税準備, 9 その他."""
    account_number: str
    """口座番号, 7 digits."""
    name: str
    """預金者名, 全銀 characters (half-width kana)."""
    amount: int
    """引落金額 in yen."""
    customer_number: str = ""
    """顧客番号 (bytes 92–111), carried as text."""
    new_code: str = "0"
    """新規コード: 1 first debit, 2 changed, 0 otherwise."""
    result_code: str = "0"
    """振替結果コード: 0 transferred (and in requests), 1 no funds, 2 no account, 3 stopped by the
    account holder, 4 no mandate, 8 stopped by the consignor, 9 other."""
    bank_name: str = ""
    branch_name: str = ""
    filler: str | None = None


@dataclass(frozen=True)
class Trailer:
    """トレーラ・レコード (データ区分 8)."""

    total_count: int
    total_amount: int
    transferred_count: int = 0
    transferred_amount: int = 0
    failed_count: int = 0
    failed_amount: int = 0
    filler: str | None = None

    @property
    def is_request(self) -> bool:
        """All transferred/failed totals at zero: a request batch (every result code is 0)."""
        return not (self.transferred_count or self.transferred_amount or self.failed_count or self.failed_amount)


@dataclass(frozen=True)
class Batch:
    header: Header
    records: tuple[Record, ...]
    trailer: Trailer


@dataclass(frozen=True)
class Layout:
    """How the records are laid out in the file (kept so that build reproduces the bytes)."""

    newline: Newline = "crlf"
    eof: bool = False
    """A 0x1A byte after the last record."""
    encoding: str = "jis"
    end_filler: str | None = None
    """The end record's ダミー, only when it is not all spaces."""


@dataclass(frozen=True)
class ZenginFile:
    batches: tuple[Batch, ...]
    layout: Layout = field(default_factory=Layout)
