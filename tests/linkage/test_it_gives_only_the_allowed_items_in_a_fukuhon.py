"""A provider answers a 情報照会 with exactly the items the allow-list row names: a partial 副本
with those items validates, and holds nothing else (no other item, no birth measurements, no
問診 unless the row names `interview_sensitive`, which none does)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from tests.linkage.checkups import children, example_child
from yakuba.linkage import fukuhon
from yakuba.linkage.allowlist import load_allowlist

ROWS = load_allowlist().rows
HEAD = {"schema", "local_id", "birth_date", "sex", "checkups"}


def assert_only(doc, allowed):
    fukuhon.validate(doc)
    assert set(doc) == HEAD  # no `birth`: no item names it
    for checkup in doc["checkups"]:
        assert set(checkup) == {"kind", "items"}
        assert set(checkup["items"]) <= set(allowed)


def test_it_works():
    row = next(r for r in ROWS if r.jimu_code == "boshi-13-infant-checkup")
    doc = fukuhon.to_document(example_child(), row.items)
    assert_only(doc, row.items)
    assert set(doc["checkups"][0]["items"]) == {"checkup_date", "age_in_months", "height_cm", "weight_kg",
                                                "chest_cm", "head_cm", "findings", "judgement"}
    assert b"q40" not in fukuhon.dumps(doc)  # the 要配慮 answer stays home
    assert "urine" not in doc["checkups"][2]["items"] and "dental" not in doc["checkups"][2]["items"]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"row{r.number}-{r.jimu_code}")
def test_every_row_of_the_allow_list_gives_a_valid_partial_fukuhon(row):
    doc = fukuhon.to_document(example_child(), row.items)
    assert_only(doc, row.items)
    every = fukuhon.to_document(example_child())
    for partial, whole in zip(doc["checkups"], every["checkups"]):  # and the values are the whole's
        assert partial["items"] == {k: v for k, v in whole["items"].items() if k in row.items}


@settings(max_examples=60, deadline=None)
@given(children(), st.sampled_from(ROWS))
def test_a_random_child_under_a_random_row(child, row):
    doc = fukuhon.to_document(child, row.items)
    assert_only(doc, row.items)
    assert json.loads(fukuhon.dumps(doc)) == doc
    if {"checkup_date", "age_in_months"} <= set(row.items):  # every row has them: readable as records
        back = fukuhon.from_document(doc)
        assert [c.checkup_date for c in back.checkups] == [c.checkup_date for c in child.checkups]


@settings(max_examples=40, deadline=None)
@given(children(), st.sets(st.sampled_from(fukuhon.ITEMS)))
def test_any_set_of_items_validates_and_holds_only_those(child, items):
    assert_only(fukuhon.to_document(child, items), items)


def test_the_sensitive_answers_travel_only_when_named():
    doc = fukuhon.to_document(example_child(), ["checkup_date", "interview_sensitive"])
    assert doc["checkups"][0]["items"]["interview_sensitive"] == [{"question": "q40", "answer": "いいえ"}]
    assert not any(row for row in ROWS if "interview_sensitive" in row.items)


def test_no_items_gives_the_checkups_and_nothing_in_them():
    doc = fukuhon.to_document(example_child(), [])
    assert_only(doc, [])
    assert [c["items"] for c in doc["checkups"]] == [{}, {}, {}]


def test_the_item_codes_and_labels_are_the_allow_lists():
    labels = load_allowlist().labels
    for code, label in fukuhon.ITEM_LABELS.items():
        assert labels[code] == label
    assert set(labels) - set(fukuhon.ITEMS) == {"vaccinations"}  # no 予防接種歴 in a 副本 1.0
