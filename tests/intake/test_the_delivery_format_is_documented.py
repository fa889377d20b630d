"""docs/formats/intake-delivery.md is the contract with the city: it lists every field of the form
with its type and whether it is personal, and every key of a delivered record."""

from __future__ import annotations

import re
from pathlib import Path

from yakuba import delivery
from yakuba.ocr.template import load_template

DOC = Path(__file__).resolve().parents[2] / "docs" / "formats" / "intake-delivery.md"
ROW = re.compile(r"^\| `(\w+)` \| [^|]+ \| `(\w+)` \| [^|]+ \| (yes|) \|$")


def test_the_doc_lists_every_field_with_its_type() -> None:
    rows = {m.group(1): (m.group(2), m.group(3) == "yes")
            for line in DOC.read_text(encoding="utf-8").splitlines() if (m := ROW.match(line))}
    template = load_template()
    assert rows == {f.id: (f.type, f.personal) for f in template.fields}


def test_the_doc_names_the_format_the_files_and_every_record_key() -> None:
    text = DOC.read_text(encoding="utf-8")
    for word in (delivery.FORMAT, delivery.HEADER_FILE, delivery.RECORDS_FILE, "receipt.md", "erasure-certificate.md"):
        assert word in text
    for key in ("receipt_number", "batch", "page", "scan_page", "fields", "base_points.total", "base_points.lines",
                "base_points.problems", "base_points.confirmed_by_responsible", "verification.accepted",
                "verification.verified"):
        assert f"| `{key}` |" in text, key
    for key in ("batch", "name", "sender", "recipient", "records", "template", "fields", "points_table", "created_at"):
        assert f"| `{key}` |" in text, key
