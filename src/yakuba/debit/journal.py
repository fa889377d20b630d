"""Journal lines for the 財務会計 system from the water charges (水道事業会計). Pure: no Django.

- 調定 (billing), once per billing month, on the month's first day: debit 営業未収金 / credit 給水収益 (tax
  excluded) and 仮受消費税 (the tax in the tax-included charges).
- 収納 (collection by 口座振替), per debit date: debit 現金預金 / credit 営業未収金 for what the bank
  transferred; a charge already paid by other means (二重収納) is credited to 預り金 until refunded.

Every line set balances (debits = credits). Each day's set has a batch id: the SHA-256 of its kind, date
and source rows, so the same source gives the same batch and is never posted twice. The chart of
accounts comes from the city profile's `accounting.toml`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from yakuba.debit.errors import DebitError

__all__ = ["Account", "Chart", "Line", "load_chart", "billing_lines", "collection_lines", "batch_id", "balanced",
           "to_csv"]

FORMAT = "yakuba-accounting/1"
ACCOUNTS = ("cash", "receivable", "revenue", "tax", "deposit")


@dataclass(frozen=True)
class Account:
    code: str
    name: str


@dataclass(frozen=True)
class Chart:
    accounts: dict[str, Account]
    tax_rate: int
    tax_class: str
    exempt_class: str

    def __getitem__(self, key: str) -> Account:
        return self.accounts[key]


def load_chart(path: Path) -> Chart:
    """The chart of `accounting.toml`; `DebitError` naming the file and the key otherwise."""
    where = str(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DebitError(f"{where} がありません。仕訳には市の科目(accounting.toml)が必要です (no chart of accounts)",
                         where=where) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DebitError(f"{where}: TOML として読めません (not TOML): {exc}", where=where) from None
    if doc.get("format") != FORMAT:
        raise DebitError(f"{where}: format は {FORMAT} です", where=where)
    unknown = set(doc) - {"format", "tax_rate", "tax_class", "exempt_class", "accounts"}
    if unknown:
        raise DebitError(f"{where}: 知らない項目です (unknown key): {', '.join(sorted(unknown))}", where=where)
    rate = doc.get("tax_rate")
    if not isinstance(rate, int) or isinstance(rate, bool) or not 0 <= rate <= 50:
        raise DebitError(f"{where}: tax_rate は 0〜50 の整数(%)です", where=f"{where} tax_rate")
    accounts = doc.get("accounts")
    if not isinstance(accounts, dict) or set(accounts) != set(ACCOUNTS):
        raise DebitError(f"{where}: [accounts] には {', '.join(ACCOUNTS)} が必要です", where=f"{where} accounts")
    chart = {}
    for key, value in accounts.items():
        if not isinstance(value, dict) or set(value) != {"code", "name"} \
                or not all(isinstance(v, str) and v.strip() for v in value.values()):
            raise DebitError(f"{where}: accounts.{key} は code と name(空でない文字列)です", where=f"{where} {key}")
        chart[key] = Account(value["code"], value["name"])
    for key in ("tax_class", "exempt_class"):
        if not isinstance(doc.get(key), str) or not doc[key].strip():
            raise DebitError(f"{where}: {key} は空でない文字列です", where=f"{where} {key}")
    return Chart(chart, rate, doc["tax_class"], doc["exempt_class"])


@dataclass(frozen=True)
class Line:
    date: dt.date
    batch: str
    number: int
    kind: str  # 調定 / 収納
    side: str  # 借方 / 貸方
    account: Account
    amount: int
    tax_class: str
    memo: str


def batch_id(kind: str, day: dt.date, rows: Iterable[tuple[Any, ...]]) -> str:
    """The batch id of one day's set: the same source rows give the same id."""
    canonical = json.dumps([kind, day.isoformat(), sorted([list(map(str, r)) for r in rows])], ensure_ascii=False,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:20]


def tax_in(amount: int, rate: int) -> int:
    """The consumption tax inside a tax-included amount (rounded down, as charges are)."""
    return amount * rate // (100 + rate)


def billing_lines(day: dt.date, bills: list[tuple[str, int]], chart: Chart, *, period: str) -> list[Line]:
    """調定 of the bills (id, tax-included amount) of `period`, on `day`."""
    total = sum(a for _, a in bills)
    if not bills:
        return []
    batch = batch_id("調定", day, bills)
    tax = tax_in(total, chart.tax_rate)
    memo = f"{period} 上下水道料金 調定 {len(bills):,}件"
    return [Line(day, batch, 1, "調定", "借方", chart["receivable"], total, chart.exempt_class, memo),
            Line(day, batch, 2, "調定", "貸方", chart["revenue"], total - tax, chart.tax_class, memo),
            Line(day, batch, 3, "調定", "貸方", chart["tax"], tax, chart.tax_class, memo)]


def collection_lines(day: dt.date, items: list[tuple[str, int, bool]], chart: Chart) -> list[Line]:
    """収納 on `day` of the transferred items (id, amount, already paid by other means)."""
    if not items:
        return []
    batch = batch_id("収納", day, items)
    ordinary = sum(a for _, a, double in items if not double)
    double = sum(a for _, a, d in items if d)
    lines = [Line(day, batch, 1, "収納", "借方", chart["cash"], ordinary + double, chart.exempt_class,
                  f"{day.isoformat()} 口座振替 収納 {len(items):,}件")]
    if ordinary:
        lines.append(Line(day, batch, 2, "収納", "貸方", chart["receivable"], ordinary, chart.exempt_class,
                          f"口座振替 消込 {sum(1 for *_, d in items if not d):,}件"))
    if double:
        lines.append(Line(day, batch, len(lines) + 1, "収納", "貸方", chart["deposit"], double, chart.exempt_class,
                          f"二重収納(還付予定) {sum(1 for *_, d in items if d):,}件"))
    return lines


def balanced(lines: Iterable[Line]) -> bool:
    """Every batch's debits equal its credits."""
    sums: dict[str, int] = {}
    for line in lines:
        sums[line.batch] = sums.get(line.batch, 0) + (line.amount if line.side == "借方" else -line.amount)
    return all(v == 0 for v in sums.values())


HEADERS = ["伝票日付", "バッチID", "行番号", "区分", "貸借", "科目コード", "科目", "金額", "税区分", "摘要"]


def to_csv(lines: Iterable[Line]) -> bytes:
    """The lines as the accounting system imports them (UTF-8 with BOM; amounts as integers of yen)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for line in lines:
        writer.writerow([line.date.isoformat(), line.batch, line.number, line.kind, line.side, line.account.code,
                         line.account.name, line.amount, line.tax_class, line.memo])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
