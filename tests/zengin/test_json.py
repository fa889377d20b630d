"""from_json: the shape of `show`, and located errors for content that is not that shape."""

from __future__ import annotations

import copy

import pytest

from tests.zengin.helpers import sample
from yakuba.zengin.codec import build, from_json, parse, to_json
from yakuba.zengin.errors import ZenginError


def _doc() -> dict:
    return to_json(parse(sample()))


def _refused(doc: object) -> ZenginError:
    with pytest.raises(ZenginError) as info:
        build(from_json(doc))
    assert "\n" not in str(info.value)
    return info.value


def test_it_takes_defaults_for_what_show_always_writes() -> None:
    doc = _doc()
    del doc["layout"]
    for b in doc["batches"]:
        del b["header"]["kind"], b["header"]["code_type"]
    assert build(from_json(doc)) == sample()


@pytest.mark.parametrize("path, value, record, field", [
    (("batches", 0, "records", 1, "amount"), "12.5", 3, "amount"),
    (("batches", 0, "records", 1, "amount"), 1.5, 3, "amount"),
    (("batches", 0, "records", 1, "amount"), True, 3, "amount"),
    (("batches", 0, "records", 1, "name"), 12, 3, "name"),
    (("batches", 0, "header", "debit_date"), "0431", 1, "debit_date"),
    (("batches", 0, "header", "kind"), "92", 1, "kind"),
    (("batches", 1, "trailer", "failed_count"), 0, 9, "failed_count"),
    (("batches", 1, "records", 0, "filler"), "x" * 13, 7, "filler"),
])
def test_it_locates_a_bad_value(path: tuple, value: object, record: int, field: str) -> None:
    doc = _doc()
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    err = _refused(doc)
    assert (err.record, err.field) == (record, field), str(err)


@pytest.mark.parametrize("change, field", [
    (lambda d: d["batches"][0]["records"][0].pop("name"), "name"),
    (lambda d: d["batches"][0]["records"][0].update(colour="red"), "colour"),
    (lambda d: d["layout"].update(newline="lf"), "layout.newline"),
    (lambda d: d["layout"].update(encoding="ebcdic"), "layout.encoding"),
    (lambda d: d.update(batches=[]), "batches"),
])
def test_it_refuses_a_wrong_shape(change, field: str) -> None:  # type: ignore[no-untyped-def]
    doc = copy.deepcopy(_doc())
    change(doc)
    assert _refused(doc).field == field
