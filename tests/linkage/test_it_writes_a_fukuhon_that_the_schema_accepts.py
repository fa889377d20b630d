"""The 副本 (yakuba.fukuhon/1.0): what `to_document` writes, the published schema accepts (checked
with a plain jsonschema validator, not ours), `from_document` reads back to the same child, and
`dumps` gives the same bytes every time."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from jsonschema import Draft202012Validator

from tests.linkage.checkups import children, example_child, without_ordinary_answers
from yakuba.linkage import fukuhon

ROOT = Path(__file__).resolve().parents[2]
DOCS_SCHEMA = ROOT / "docs" / "linkage" / "fukuhon-1.0.schema.json"
PACKAGE_SCHEMA = ROOT / "src" / "yakuba" / "linkage" / "schema" / "fukuhon-1.0.schema.json"


def plain_validator() -> Draft202012Validator:
    schema = json.loads(DOCS_SCHEMA.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_it_works():
    child = example_child()
    doc = fukuhon.to_document(child)
    assert doc["schema"] == "yakuba.fukuhon/1.0"
    assert list(plain_validator().iter_errors(doc)) == []
    assert doc["checkups"][0]["items"]["weight_kg"] == "6.540"  # the precision measured
    assert doc["checkups"][2]["items"]["judgement"] == {"result": "detailed", "detailed_exam_date": "2024-03-06"}
    assert fukuhon.from_document(fukuhon.loads(fukuhon.dumps(doc))) == without_ordinary_answers(child)


def test_the_schema_is_a_valid_2020_12_schema_and_the_two_copies_are_the_same_bytes():
    Draft202012Validator.check_schema(json.loads(DOCS_SCHEMA.read_text(encoding="utf-8")))
    assert DOCS_SCHEMA.read_bytes() == PACKAGE_SCHEMA.read_bytes()
    assert fukuhon.schema()["$id"] == fukuhon.SCHEMA_ID == "https://yakuba.example/schema/fukuhon/1.0"


def test_the_enums_of_the_schema_are_those_of_the_records():
    from yakuba.linkage.checkup import BodySystem, CheckupKind, FindingStatus, Judgement, Sex, UrineResult

    defs = fukuhon.schema()["$defs"]
    assert defs["checkup"]["properties"]["kind"]["enum"] == [k.value for k in CheckupKind]
    assert fukuhon.schema()["properties"]["sex"]["enum"] == [s.value for s in Sex]
    assert defs["finding"]["properties"]["system"]["enum"] == [s.value for s in BodySystem]
    assert defs["finding"]["properties"]["status"]["enum"] == [s.value for s in FindingStatus]
    assert defs["items"]["properties"]["judgement"]["properties"]["result"]["enum"] == [j.value for j in Judgement]
    assert defs["urine_result"]["enum"] == [u.value for u in UrineResult]
    assert list(defs["items"]["properties"]) == list(fukuhon.ITEMS)


@settings(max_examples=120, deadline=None)
@given(children())
def test_a_random_child_goes_there_and_back(child):
    doc = fukuhon.to_document(child)
    assert list(plain_validator().iter_errors(doc)) == []
    data = fukuhon.dumps(doc)
    assert fukuhon.from_document(fukuhon.loads(data)) == without_ordinary_answers(child)
    assert fukuhon.dumps(fukuhon.to_document(fukuhon.from_document(doc))) == data  # one child, one byte string


def test_the_bytes_are_canonical():
    doc = fukuhon.to_document(example_child())
    data = fukuhon.dumps(doc)
    assert b" " not in data.replace("尿潜血 +".encode(), b"")
    assert "異常なし".encode() in data  # UTF-8, not \u escapes
    assert data == json.dumps(json.loads(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    shuffled = dict(reversed(list(doc.items())))
    assert fukuhon.dumps(shuffled) == data
    assert fukuhon.sha256(shuffled) == hashlib.sha256(data).hexdigest()


def test_only_the_sensitive_interview_answers_travel_and_only_under_their_item():
    doc = fukuhon.to_document(example_child())
    assert doc["checkups"][0]["items"]["interview_sensitive"] == [{"question": "q40", "answer": "いいえ"}]
    assert b"q12" not in fukuhon.dumps(doc)  # an ordinary answer does not travel in 1.0
    without = fukuhon.to_document(example_child(), [i for i in fukuhon.ITEMS if i != "interview_sensitive"])
    assert b"q40" not in fukuhon.dumps(without)


def test_an_absent_value_is_an_absent_item_and_a_whole_number_gets_its_decimal():
    child = example_child()
    first = dataclasses.replace(child.checkups[0], height_cm=None, chest_cm=Decimal("41"), weight_kg=Decimal("6.5400"))
    doc = fukuhon.to_document(dataclasses.replace(child, checkups=(first,)))
    items = doc["checkups"][0]["items"]
    assert "height_cm" not in items
    assert items["chest_cm"] == "41.0" and items["weight_kg"] == "6.540"
