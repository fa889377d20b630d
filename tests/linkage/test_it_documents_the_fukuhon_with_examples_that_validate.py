"""docs/linkage/fukuhon.md: its `json` examples are complete 副本 that validate and read back, the
3歳 one holds only its allow-list row's items, and every field of the schema is on the page."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from yakuba.linkage import fukuhon
from yakuba.linkage.allowlist import load_allowlist
from yakuba.linkage.checkup import CheckupKind, Judgement

PAGE = Path(__file__).resolve().parents[2] / "docs" / "linkage" / "fukuhon.md"
BLOCK = re.compile(r"^```json\n(.*?)^```$", re.S | re.M)


def examples() -> list[dict]:
    return [json.loads(block) for block in BLOCK.findall(PAGE.read_text(encoding="utf-8"))]


def test_it_works():
    docs = examples()
    assert len(docs) == 2
    for doc in docs:
        child = fukuhon.from_document(doc)
        assert fukuhon.to_document(child, None if "birth" in doc else _items(doc)) == doc  # nothing lost


def _items(doc) -> set[str]:
    return {item for checkup in doc["checkups"] for item in checkup["items"]}


def test_the_first_is_a_3_4_month_checkup_and_the_second_a_3_year_one_with_urine_and_a_detailed_exam():
    infant, three = (fukuhon.from_document(doc) for doc in examples())
    assert [c.kind for c in infant.checkups] == [CheckupKind.INFANT]
    [record] = three.checkups
    assert record.kind is CheckupKind.THREE and record.urine is not None
    assert record.judgement is Judgement.DETAILED_EXAM and record.detailed_exam_date == dt.date(2024, 2, 9)


def test_the_3_year_example_holds_only_the_items_of_its_row():
    row = next(r for r in load_allowlist().rows
               if r.jimu_code == "boshi-12-3y-checkup" and r.valid_from == dt.date(2022, 4, 1))
    doc = examples()[1]
    assert _items(doc) <= set(row.items) and "birth" not in doc


def test_every_field_of_the_schema_is_on_the_page():
    page = PAGE.read_text(encoding="utf-8")
    names: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            names.update(node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(fukuhon.schema())
    missing = sorted(name for name in names if f"`{name}`" not in page and f".{name}`" not in page)
    assert missing == []
