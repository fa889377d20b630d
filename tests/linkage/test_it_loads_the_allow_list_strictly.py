"""The allow-list is data, read strictly: what the file says is what the hub allows, and a file with
an unknown key, a missing one, a repeated row or an empty item list is refused with one line that
names the file and the row."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from yakuba.linkage.allowlist import load_allowlist, parse_allowlist
from yakuba.linkage.errors import LinkageError

SOURCE = "test-allowlist.toml"
words = st.text(st.sampled_from("abcあいう健診母子保健法第条の2 ・-（）\"\\"), min_size=1, max_size=12).filter(str.strip)
codes = st.from_regex(r"\A[a-z][a-z0-9_]{0,8}\Z")
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31))


def toml_value(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(value)


def to_toml(doc: dict[str, Any]) -> str:
    lines = [f"{key} = {toml_value(value)}" for key, value in doc.items() if key not in ("labels", "rows")]
    if "labels" in doc:
        lines += ["[labels]"] + [f"{k} = {toml_value(v)}" for k, v in doc["labels"].items()]
    for row in doc.get("rows", []):
        lines += ["[[rows]]"] + [f"{k} = {toml_value(v)}" for k, v in row.items()]
    return "\n".join(lines) + "\n"


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    labels = draw(st.dictionaries(codes, words, min_size=1, max_size=8))
    kinds = draw(st.lists(words, min_size=1, max_size=3, unique=True))
    rows = []
    for n in range(draw(st.integers(1, 5))):
        start = draw(days)
        row = {"jimu": draw(words), "jimu_code": f"jimu-{n}", "requester_kind": draw(st.sampled_from(kinds)),
               "provider_kind": draw(st.sampled_from(kinds)),
               "items": draw(st.lists(st.sampled_from(sorted(labels)), min_size=1, unique=True)),
               "basis": draw(words), "valid_from": start}
        if draw(st.booleans()):
            row["valid_until"] = start + dt.timedelta(days=draw(st.integers(0, 3000)))
        rows.append(row)
    return {"version": draw(words), "kinds": kinds, "labels": labels, "rows": rows}


def refused(doc: dict[str, Any]) -> LinkageError:
    with pytest.raises(LinkageError) as caught:
        parse_allowlist(to_toml(doc), source=SOURCE)
    message = str(caught.value)
    assert "\n" not in message and SOURCE in message
    return caught.value


def test_it_works():
    shipped = load_allowlist()
    assert shipped.version and shipped.rows
    assert shipped.label("checkup_date") == "健診受診日"
    assert shipped.label("interview_sensitive").startswith("問診")
    assert all(row.basis and row.items for row in shipped.rows)


@settings(max_examples=60, deadline=None)
@given(documents())
def test_it_reads_what_the_file_says(doc):
    allowlist = parse_allowlist(to_toml(doc), source=SOURCE)
    assert allowlist.version == doc["version"] and allowlist.kinds == tuple(doc["kinds"])
    assert dict(allowlist.labels) == doc["labels"]
    for row, want in zip(allowlist.rows, doc["rows"], strict=True):
        assert (row.jimu, row.jimu_code, row.requester_kind, row.provider_kind, list(row.items), row.basis,
                row.valid_from, row.valid_until) == (want["jimu"], want["jimu_code"], want["requester_kind"],
                                                     want["provider_kind"], want["items"], want["basis"],
                                                     want["valid_from"], want.get("valid_until"))


@settings(max_examples=40, deadline=None)
@given(documents(), st.data())
def test_it_refuses_an_unknown_key_naming_the_row(doc, data):
    n = data.draw(st.integers(0, len(doc["rows"]) - 1))
    doc["rows"][n]["colour"] = "red"
    error = refused(doc)
    assert error.where == f"{SOURCE}: row {n + 1}" and "colour" in str(error)


@settings(max_examples=40, deadline=None)
@given(documents(), st.data())
def test_it_refuses_a_missing_key_naming_the_row(doc, data):
    n = data.draw(st.integers(0, len(doc["rows"]) - 1))
    key = data.draw(st.sampled_from(["jimu", "jimu_code", "items", "basis", "valid_from", "provider_kind"]))
    del doc["rows"][n][key]
    error = refused(doc)
    assert error.where == f"{SOURCE}: row {n + 1}" and key in str(error)


@settings(max_examples=40, deadline=None)
@given(documents(), st.data())
def test_it_refuses_empty_items_naming_the_row(doc, data):
    n = data.draw(st.integers(0, len(doc["rows"]) - 1))
    doc["rows"][n]["items"] = []
    assert refused(doc).where == f"{SOURCE}: row {n + 1}"


@settings(max_examples=40, deadline=None)
@given(documents(), st.data())
def test_it_refuses_a_repeated_row(doc, data):
    n = data.draw(st.integers(0, len(doc["rows"]) - 1))
    doc["rows"].append(dict(doc["rows"][n]))
    error = refused(doc)
    assert error.where == f"{SOURCE}: row {len(doc['rows'])}" and f"row {n + 1}" in str(error)


@settings(max_examples=40, deadline=None)
@given(documents(), st.data())
def test_it_refuses_an_item_without_a_label(doc, data):
    n = data.draw(st.integers(0, len(doc["rows"]) - 1))
    doc["rows"][n]["items"].append("zz_not_labelled")
    assert refused(doc).where == f"{SOURCE}: row {n + 1}"


@pytest.mark.parametrize("change, where", [
    (lambda d: d.update(colour="red"), "top level"),
    (lambda d: d.pop("version"), "top level"),
    (lambda d: d.update(kinds=[]), "kinds"),
    (lambda d: d.update(labels={}), "labels"),
    (lambda d: d["labels"].update({"Bad-Code": "x"}), "labels"),
    (lambda d: d["rows"][0].update(items=["checkup_date", "checkup_date"]), "row 1"),
    (lambda d: d["rows"][0].update(requester_kind="国"), "row 1"),
    (lambda d: d["rows"][0].update(valid_from="2024-04-01"), "row 1"),  # a string, not a date
    (lambda d: d["rows"][0].update(valid_until=dt.date(2000, 1, 1)), "row 1"),
    (lambda d: d["rows"][0].update(jimu_code="Jimu Code"), "row 1"),
])
def test_it_refuses_each_kind_of_mistake(change, where):
    doc = {"version": "1", "kinds": ["市町村"], "labels": {"checkup_date": "健診受診日"},
           "rows": [{"jimu": "母子保健法第19条の2", "jimu_code": "j", "requester_kind": "市町村",
                     "provider_kind": "市町村", "items": ["checkup_date"], "basis": "b",
                     "valid_from": dt.date(2017, 4, 1)}]}
    parse_allowlist(to_toml(doc), source=SOURCE)
    change(doc)
    assert refused(doc).where == f"{SOURCE}: {where}"


def test_it_refuses_what_is_not_toml(tmp_path):
    path = tmp_path / "list.toml"
    path.write_text('version = "1"\nversion = "2"\n', encoding="utf-8")
    with pytest.raises(LinkageError, match="TOML") as caught:
        load_allowlist(path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(LinkageError, match="読めません"):
        load_allowlist(tmp_path / "missing.toml")
