"""The delivery to the city: one JSON line per application, and a batch header.

The contract between the vendor's installation and the city's is ``docs/formats/intake-delivery.md``.
Both files travel inside a hand-over package (signed, encrypted for the city: ``yakuba package``):

- ``batch.json`` — the batch: format, codes, how many records, which form and scoring table;
- ``applications.jsonl`` — one record per line, UTF-8, keys sorted, every field of the form keyed by
  the template's field id in its canonical form (``yakuba.ocr.canonical``).

There is no income anywhere in it: 所得割額 joins on the city side only.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from django.utils import timezone

FORMAT = "yakuba-intake-delivery/1"
RECORDS_FILE = "applications.jsonl"
HEADER_FILE = "batch.json"


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def record(app: Any) -> dict[str, Any]:
    """One application as delivered (``app`` is an intake Application made from a page)."""
    from yakuba.intake.fields import form_fields

    page = app.page
    counts = {"accepted": 0, "verified": 0}
    for status in page.fields.values_list("status", flat=True):
        if status in counts:
            counts[status] += 1
    return {
        "format": FORMAT,
        "receipt_number": app.receipt_number,
        "batch": app.batch.code,
        "page": page.label,
        "scan_page": page.name,
        "fields": {f.id: str(app.values.get(f.id, "")) for f in form_fields()},
        "base_points": {
            "total": app.base_points or 0,
            "lines": [{"guardian": x["guardian"], "reason": x["reason"], "points": x["points"]} for x in app.points_lines],
            "problems": list(app.points_problems),
            "confirmed_by_responsible": bool(app.points_problems),
        },
        "verification": counts,
    }


def records_bytes(apps: Iterable[Any]) -> tuple[bytes, int]:
    lines = [_dumps(record(a)) for a in apps]
    return ("".join(line + "\n" for line in lines)).encode("utf-8"), len(lines)


def header_bytes(batch: Any, count: int, recipient: str) -> bytes:
    from yakuba.ocr.points import load_table
    from yakuba.ocr.template import load_template

    template = load_template()
    return (_dumps({
        "format": FORMAT,
        "batch": batch.code,
        "name": batch.name,
        "sender": batch.vendor.code,
        "recipient": recipient,
        "records": count,
        "template": template.id,
        "fields": len(template.fields),
        "points_table": load_table().title,
        "created_at": timezone.localtime().isoformat(timespec="seconds"),
    }) + "\n").encode("utf-8")
