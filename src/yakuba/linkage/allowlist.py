"""The allow-list of 情報照会, as data (``allowlist.toml``): which 事務 may ask which kind of
institution for which items, and from when to when. Pure: no Django.

Like the law's table, each row is 事務 × requester kind × provider kind × items, with its basis and
its effective dates; the list carries a `version`, which the hub records with every decision. The
hub checks every query with `check`, which returns the row that allows it or raises `Refused` with
a stable reason: ``jimu-unknown``, ``jimu-not-in-force``, ``kinds-not-allowed``,
``items-not-allowed`` (naming the items outside the row).

The file is read strictly (`load_allowlist`, `parse_allowlist`): an unknown key, a missing one, a
wrong type, an item without a label, an empty or repeated item, a bad date range, or two rows for
the same 事務 and kinds in force on the same day is refused with one line naming the file and the
row. Item names are stable English codes; the Japanese labels are in the same file (``[labels]``).
Format: ``docs/linkage/queries.md``.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping

from yakuba.linkage.errors import LinkageError, Refused

__all__ = ["Allowlist", "Row", "load_allowlist", "parse_allowlist", "check", "row_for", "DEFAULT_SOURCE"]

DEFAULT_SOURCE = "allowlist.toml"
_TOP = {"version", "kinds", "labels", "rows"}
_ROW_REQUIRED = {"jimu", "jimu_code", "requester_kind", "provider_kind", "items", "basis", "valid_from"}
_ROW_OPTIONAL = frozenset({"valid_until"})
_CODE = re.compile(r"^[a-z0-9][a-z0-9.-]{0,63}$")
_ITEM = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True)
class Row:
    """One row of the allow-list: `jimu` (事務, as the law names it) with its stable `jimu_code`."""

    number: int  # 1-based, in the file
    jimu: str
    jimu_code: str
    requester_kind: str
    provider_kind: str
    items: tuple[str, ...]
    basis: str
    valid_from: dt.date
    valid_until: dt.date | None  # the last day in force; None: still in force

    def in_force(self, on_date: dt.date) -> bool:
        return self.valid_from <= on_date and (self.valid_until is None or on_date <= self.valid_until)


@dataclass(frozen=True)
class Allowlist:
    version: str
    kinds: tuple[str, ...]
    labels: Mapping[str, str]
    rows: tuple[Row, ...]
    source: str

    def label(self, item: str) -> str:
        """The Japanese label of `item` (the code itself if it has none)."""
        return self.labels.get(item, item)

    def items_ever_allowed(self) -> frozenset[str]:
        """Every item some row names: all that a 副本 registered on a 中間サーバー needs to carry (an item
        no row allows, such as the 問診's 要配慮 answers, is never registered: nobody may ask for it)."""
        return frozenset(item for row in self.rows for item in row.items)


class _Bad(LinkageError):
    """A row or key that is wrong, caught and reported with the file by `parse_allowlist`."""

    def __init__(self, where: str, ja: str, en: str) -> None:
        super().__init__(where)
        self.where, self.ja, self.en = where, ja, en


def _text(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str) or not value.strip() or "\n" in value:
        raise _Bad(where, f"{key} は空でない一行の文字列です", f"{key} must be a non-empty one-line string")
    return value


def _date(value: Any, where: str, key: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise _Bad(where, f"{key} は日付（例 2024-04-01）です", f"{key} must be a TOML date such as 2024-04-01")
    return value


def _texts(value: Any, where: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise _Bad(where, f"{key} が空です", f"{key} must be a non-empty list")
    out = tuple(_text(v, where, key) for v in value)
    repeated = sorted({v for v in out if out.count(v) > 1})
    if repeated:
        raise _Bad(where, f"{key} に重複があります: {', '.join(repeated)}", f"repeated in {key}: {', '.join(repeated)}")
    return out


def _keys(table: Any, where: str, required: set[str], optional: frozenset[str] = frozenset()) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise _Bad(where, "表（テーブル）ではありません", "not a table")
    unknown = sorted(set(table) - required - optional)
    if unknown:
        raise _Bad(where, f"不明な項目 {unknown[0]} があります", f"unknown key {unknown[0]!r}")
    missing = sorted(required - set(table))
    if missing:
        raise _Bad(where, f"項目 {missing[0]} がありません", f"missing key {missing[0]!r}")
    return table


def _row(number: int, table: Any, kinds: tuple[str, ...], labels: Mapping[str, str]) -> Row:
    where = f"row {number}"
    table = _keys(table, where, _ROW_REQUIRED, _ROW_OPTIONAL)
    code = _text(table["jimu_code"], where, "jimu_code")
    if not _CODE.match(code):
        raise _Bad(where, f"jimu_code {code!r} は英小文字・数字・. - です", f"bad jimu_code {code!r}")
    for key in ("requester_kind", "provider_kind"):
        if table[key] not in kinds:
            raise _Bad(where, f"{key} {table[key]!r} は kinds にありません", f"{key} {table[key]!r} is not in kinds")
    items = _texts(table["items"], where, "items")
    unlabelled = [i for i in items if i not in labels]
    if unlabelled:
        raise _Bad(where, f"項目 {unlabelled[0]} には labels に名前がありません", f"item {unlabelled[0]!r} has no label")
    valid_from = _date(table["valid_from"], where, "valid_from")
    valid_until = _date(table["valid_until"], where, "valid_until") if "valid_until" in table else None
    if valid_until is not None and valid_until < valid_from:
        raise _Bad(where, "valid_until が valid_from より前です", "valid_until is before valid_from")
    return Row(number, _text(table["jimu"], where, "jimu"), code, table["requester_kind"], table["provider_kind"],
               items, _text(table["basis"], where, "basis"), valid_from, valid_until)


def _overlap(a: Row, b: Row) -> bool:
    far = dt.date.max
    return a.valid_from <= (b.valid_until or far) and b.valid_from <= (a.valid_until or far)


def _parse(data: dict[str, Any]) -> tuple[str, tuple[str, ...], dict[str, str], tuple[Row, ...]]:
    data = _keys(data, "top level", _TOP)
    version = _text(data["version"], "version", "version")
    kinds = _texts(data["kinds"], "kinds", "kinds")
    labels = data["labels"]
    if not isinstance(labels, dict) or not labels:
        raise _Bad("labels", "labels が空です", "labels is empty")
    for item, label in labels.items():
        if not _ITEM.match(item):
            raise _Bad("labels", f"項目名 {item!r} は英小文字・数字・_ です", f"bad item code {item!r}")
        _text(label, "labels", item)
    if not isinstance(data["rows"], list) or not data["rows"]:
        raise _Bad("rows", "行 [[rows]] がありません", "no [[rows]]")
    rows: list[Row] = []
    for number, table in enumerate(data["rows"], start=1):
        row = _row(number, table, kinds, labels)
        for other in rows:
            same = (other.jimu_code, other.requester_kind, other.provider_kind) == \
                (row.jimu_code, row.requester_kind, row.provider_kind)
            if same and _overlap(other, row):
                raise _Bad(f"row {number}", f"行 {other.number} と同じ事務・機関種別で期間が重なっています",
                           f"duplicates row {other.number} (same jimu_code and kinds, overlapping dates)")
        rows.append(row)
    return version, kinds, dict(labels), tuple(rows)


def parse_allowlist(text: str, *, source: str = DEFAULT_SOURCE) -> Allowlist:
    """The allow-list in `text` (TOML), read strictly; `source` names it in errors."""
    try:
        data = tomllib.loads(text)
        version, kinds, labels, rows = _parse(data)
    except tomllib.TOMLDecodeError as exc:
        raise LinkageError(f"許可リスト {source} は TOML として読めません (invalid TOML: {' '.join(str(exc).split())})",
                           where=source) from None
    except _Bad as bad:
        raise LinkageError(f"許可リスト {source} の {bad.where} が不正です: {bad.ja} (invalid allow-list {source},"
                           f" {bad.where}: {bad.en})", where=f"{source}: {bad.where}") from None
    return Allowlist(version, kinds, labels, rows, source)


def load_allowlist(path: Path | str | None = None) -> Allowlist:
    """The allow-list in the file `path`, or the one shipped with yakuba (``allowlist.toml``)."""
    if path is None:
        text = resources.files("yakuba.linkage").joinpath(DEFAULT_SOURCE).read_text(encoding="utf-8")
        return parse_allowlist(text, source=DEFAULT_SOURCE)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LinkageError(f"許可リスト {path} を読めません (cannot read the allow-list: {exc.__class__.__name__})",
                           where=str(path)) from None
    return parse_allowlist(text, source=str(path))


def row_for(allowlist: Allowlist, jimu_code: str, requester_kind: str, provider_kind: str,
            on_date: dt.date) -> Row:
    """The row in force on `on_date` for this 事務 between these kinds of institution (the items it allows
    are what may be asked), or `Refused` with the reason."""
    rows = [r for r in allowlist.rows if r.jimu_code == jimu_code]
    where = f"{allowlist.source} {allowlist.version}"
    if not rows:
        raise Refused("jimu-unknown", f"事務 {jimu_code!r} は許可リストにありません (unknown jimu)", where=where)
    rows = [r for r in rows if r.in_force(on_date)]
    if not rows:
        raise Refused("jimu-not-in-force", f"事務 {jimu_code!r} は {on_date.isoformat()} に施行されていません"
                      f" (the jimu is not in force on that day)", where=where)
    matching = [r for r in rows if (r.requester_kind, r.provider_kind) == (requester_kind, provider_kind)]
    if not matching:
        raise Refused("kinds-not-allowed", f"事務 {jimu_code!r} では {requester_kind} から {provider_kind} への照会は"
                      f"許可されていません (this requester kind may not ask this provider kind)", where=where)
    [row] = matching  # no two rows overlap (parse_allowlist)
    return row


def check(allowlist: Allowlist, jimu_code: str, requester_kind: str, provider_kind: str, items: Iterable[str],
          on_date: dt.date) -> Row:
    """The row that allows this query on `on_date`, or `Refused` with the reason."""
    wanted = tuple(items)
    row = row_for(allowlist, jimu_code, requester_kind, provider_kind, on_date)
    where = f"{allowlist.source} {allowlist.version}"
    outside = [i for i in dict.fromkeys(wanted) if i not in row.items]
    if outside or not wanted:
        names = "、".join(f"{allowlist.label(i)}（{i}）" for i in outside) or "（項目なし）"
        raise Refused("items-not-allowed", f"事務 {jimu_code!r} で照会できない項目があります: {names}"
                      f" (items outside the allow-list: {', '.join(outside) or 'none asked'})",
                      where=where)
    return row
