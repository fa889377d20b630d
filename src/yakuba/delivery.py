"""The vendor's delivery of applications to the city (納品データ), ``yakuba-intake-delivery/1``.

The one owner of the format that ``docs/formats/intake-delivery.md`` describes: its name, its two
file names, how they are written and how they are read back. The vendor's intake app writes it,
the city's admission app reads it, and the demo's synthetic deliveries are made with it — none
of them spells a name of its own. Both files travel inside a hand-over package (signed, encrypted
for the city: ``yakuba.privacy.package``); there is no income anywhere in it.

- ``batch.json`` — the batch: format, codes, how many records, which form and scoring table;
- ``applications.jsonl`` — one record per line, UTF-8, keys sorted, every field of the form keyed by
  the template's field id in its canonical form (``yakuba.ocr.canonical``).

Pure: no Django. Reading raises :class:`DeliveryError` with the file and line at fault.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from yakuba.errors import YakubaError

__all__ = ["FORMAT", "HEADER_FILE", "RECORDS_FILE", "DeliveryError", "Delivery", "dumps", "header_bytes",
           "records_bytes", "files", "read"]

FORMAT = "yakuba-intake-delivery/1"
HEADER_FILE = "batch.json"
RECORDS_FILE = "applications.jsonl"


class DeliveryError(YakubaError):
    """A delivery that is not ``yakuba-intake-delivery/1`` or not for this recipient."""

    code = "delivery.format"
    default_message = "納品データの形式が正しくありません。"


@dataclass(frozen=True)
class Delivery:
    header: dict[str, Any]
    records: list[dict[str, Any]]


def dumps(obj: Any) -> str:
    """The delivery's JSON: UTF-8 text as is, keys sorted, no spaces (one record per line)."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def header_bytes(header: Mapping[str, Any]) -> bytes:
    """``batch.json``: the header with the format set."""
    return (dumps({**header, "format": FORMAT}) + "\n").encode("utf-8")


def records_bytes(records: Iterable[Mapping[str, Any]]) -> tuple[bytes, int]:
    """``applications.jsonl`` and how many records it holds (each record gets the format)."""
    lines = [dumps({**r, "format": FORMAT}) for r in records]
    return "".join(line + "\n" for line in lines).encode("utf-8"), len(lines)


def files(header: Mapping[str, Any], records: Iterable[Mapping[str, Any]]) -> list[tuple[str, bytes]]:
    """The two files of a delivery, named as in the package; ``records`` in the header is counted."""
    body, count = records_bytes(records)
    return [(HEADER_FILE, header_bytes({**header, "records": count})), (RECORDS_FILE, body)]


def read(contents: Mapping[str, bytes], *, recipient: str) -> Delivery:
    """Read the files of an opened package (name → bytes) as a delivery for ``recipient``."""
    for name in (HEADER_FILE, RECORDS_FILE):
        if name not in contents:
            raise DeliveryError(f"パッケージに {name} がありません。", where=name)
    try:
        header = json.loads(contents[HEADER_FILE].decode("utf-8"))
        # Lines end at "\n" only: str.splitlines would also cut at U+0085 or U+2028 inside a value.
        lines = contents[RECORDS_FILE].decode("utf-8").split("\n")
        rows = [json.loads(line) for line in lines if line.strip()]
    except (ValueError, UnicodeError) as exc:
        raise DeliveryError(f"申込データを JSON として読めません ({type(exc).__name__})。") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        found = header.get("format") if isinstance(header, dict) else None
        raise DeliveryError(f"未対応の形式です: {found!r}(対応: {FORMAT})", where=HEADER_FILE)
    if header.get("recipient") != recipient:
        raise DeliveryError(f"宛先 {header.get('recipient')!r} はこの課ではありません。", where=HEADER_FILE)
    if header.get("records") != len(rows):
        raise DeliveryError(f"{HEADER_FILE} の件数 {header.get('records')} と申込データの行数 {len(rows)} が違います。",
                            where=HEADER_FILE)
    for n, row in enumerate(rows, 1):
        if (not isinstance(row, dict) or row.get("format") != FORMAT or not row.get("receipt_number")
                or not isinstance(row.get("fields"), dict)):
            raise DeliveryError(f"{RECORDS_FILE} の {n} 行目が {FORMAT} の申込ではありません。",
                                where=f"{RECORDS_FILE}:{n}")
    return Delivery(header, rows)
