"""A 副本 that breaks its schema, or what a schema cannot say, is refused: one `LinkageError`, one
line, Japanese first, naming the JSON path of the very value (`where`). So are bytes that are no
canonical JSON document (too large, not UTF-8, a repeated key, NaN), another version than 1.0, and
a record `to_document` cannot write without rounding."""

from __future__ import annotations

import copy
import dataclasses
from decimal import Decimal

import pytest

from tests.linkage.checkups import example_child
from yakuba.linkage import fukuhon
from yakuba.linkage.errors import LinkageError

GOOD = fukuhon.to_document(example_child())


def refused(change) -> LinkageError:
    doc = copy.deepcopy(GOOD)
    change(doc)
    with pytest.raises(LinkageError) as caught:
        fukuhon.from_document(doc)
    error = caught.value
    assert "\n" not in str(error) and "(" in str(error)
    assert not str(error)[0].isascii() or str(error).startswith("副本")  # Japanese first
    return error


def items(doc, n=2):
    return doc["checkups"][n]["items"]


def test_it_works():
    fukuhon.from_document(copy.deepcopy(GOOD))
    error = refused(lambda d: items(d, 1).update(height_cm="80.15"))
    assert error.where == "checkups[1].items.height_cm"
    assert str(error).startswith("副本がスキーマに合いません: 身長 checkups[1].items.height_cm")


CASES = {
    "cm with two decimals": (lambda d: items(d).update(height_cm="94.85"), "checkups[2].items.height_cm"),
    "cm as a number": (lambda d: items(d).update(height_cm=94.8), "checkups[2].items.height_cm"),
    "cm with a leading zero": (lambda d: items(d).update(head_cm="048.9"), "checkups[2].items.head_cm"),
    "cm with full-width digits": (lambda d: items(d).update(head_cm="４８.９"), "checkups[2].items.head_cm"),
    "cm with a trailing line feed": (lambda d: items(d).update(chest_cm="50.2\n"), "checkups[2].items.chest_cm"),
    "kg with four decimals": (lambda d: items(d).update(weight_kg="13.7500"), "checkups[2].items.weight_kg"),
    "kg without a decimal": (lambda d: items(d).update(weight_kg="14"), "checkups[2].items.weight_kg"),
    "a negative weight": (lambda d: items(d).update(weight_kg="-1.0"), "checkups[2].items.weight_kg"),
    "no such day": (lambda d: items(d).update(checkup_date="2024-02-30"), "checkups[2].items.checkup_date"),
    "a compact date": (lambda d: items(d).update(checkup_date="20240214"), "checkups[2].items.checkup_date"),
    "a date and time": (lambda d: d.update(birth_date="2021-01-10T00:00:00"), "birth_date"),
    "age as a string": (lambda d: items(d).update(age_in_months="37"), "checkups[2].items.age_in_months"),
    "age as true": (lambda d: items(d).update(age_in_months=True), "checkups[2].items.age_in_months"),
    "an unknown item": (lambda d: items(d).update(vaccinations=[]), "checkups[2].items.vaccinations"),
    "an unknown top-level key": (lambda d: d.update(name="山田花子"), "name"),
    "an unknown key in a finding": (lambda d: items(d)["findings"]["systems"][0].update(icd10="R31"),
                                    "checkups[2].items.findings.systems[0].icd10"),
    "an unknown kind": (lambda d: d["checkups"][2].update(kind="y5"), "checkups[2].kind"),
    "an unknown sex": (lambda d: d.update(sex="unknown"), "sex"),
    "an unknown body system": (lambda d: items(d)["findings"]["systems"][0].update(system="liver"),
                               "checkups[2].items.findings.systems[0].system"),
    "an unknown judgement": (lambda d: items(d)["judgement"].update(result="ok"), "checkups[2].items.judgement.result"),
    "an unknown urine result": (lambda d: items(d)["urine"].update(protein="4+"), "checkups[2].items.urine.protein"),
    "a missing urine result": (lambda d: items(d)["urine"].pop("occult_blood"), "checkups[2].items.urine.occult_blood"),
    "a missing sex": (lambda d: d.pop("sex"), "sex"),
    "a missing kind": (lambda d: d["checkups"][0].pop("kind"), "checkups[0].kind"),
    "urine at 1歳6か月": (lambda d: items(d, 1).update(urine={"protein": "-", "occult_blood": "-"}),
                         "checkups[1].items.urine"),
    "dental at 3〜4か月": (lambda d: items(d, 0).update(dental={"caries_teeth": 0}), "checkups[0].items.dental"),
    "an exam date without 要精査": (lambda d: items(d)["judgement"].update(result="guidance"),
                                 "checkups[2].items.judgement.detailed_exam_date"),
    "an empty note": (lambda d: items(d)["dental"].update(note=""), "checkups[2].items.dental.note"),
    "a control character": (lambda d: items(d)["vision_hearing"].update(eyes="異常\tなし"),
                            "checkups[2].items.vision_hearing.eyes"),
    "too many caries": (lambda d: items(d)["dental"].update(caries_teeth=21), "checkups[2].items.dental.caries_teeth"),
    "a local id with a space": (lambda d: d.update(local_id="000 123"), "local_id"),
    "checkups not a list": (lambda d: d.update(checkups={}), "checkups"),
    "a checkup before the birth": (lambda d: items(d).update(checkup_date="2020-12-31"),
                                   "checkups[2].items.checkup_date"),
    "an exam before the checkup": (lambda d: items(d)["judgement"].update(detailed_exam_date="2024-02-13"),
                                   "checkups[2].items.judgement.detailed_exam_date"),
    "a body system twice": (lambda d: items(d)["findings"]["systems"].append({"system": "urogenital",
                                                                              "status": "none"}),
                            "checkups[2].items.findings.systems[1].system"),
    "a checkup without its date": (lambda d: items(d).pop("checkup_date"), "checkups[2].items.checkup_date"),
    "a checkup without its age": (lambda d: items(d).pop("age_in_months"), "checkups[2].items.age_in_months"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_it_names_the_very_value(case):
    change, where = CASES[case]
    assert refused(change).where == where


@pytest.mark.parametrize("version", ["yakuba.fukuhon/2.0", "yakuba.fukuhon/1.1", "yakuba.fukuhon/1", None, 1.0])
def test_it_refuses_another_version_before_anything_else(version):
    def change(d):
        d["schema"] = version
        d["unknown"] = True  # not reported: the version is checked first
    error = refused(change)
    assert error.where == "schema" and "版に対応していません" in str(error)


def test_it_refuses_a_document_without_a_version_and_what_is_no_object():
    assert refused(lambda d: d.pop("schema")).where == "schema"
    with pytest.raises(LinkageError):
        fukuhon.from_document([GOOD])


@pytest.mark.parametrize("data, why", [
    (b'{"schema":"yakuba.fukuhon/1.0","schema":"x"}', "同じキー"),
    (b'{"a":NaN}', "NaN"),
    (b'{"a":-Infinity}', "Infinity"),
    (b'{"a":"\xff"}', "UTF-8"),
    (b'\xef\xbb\xbf{}', "JSON ではありません"),
    (b'{"a":"\\udc00"}', "サロゲート"),
    (b'[]', "オブジェクトではありません"),
    (b'{"a":', "JSON ではありません"),
    (b"[" * 200_000 + b"]" * 200_000, "深すぎます"),
])
def test_it_refuses_bytes_that_are_no_document(data, why):
    with pytest.raises(LinkageError) as caught:
        fukuhon.loads(data)
    assert why in str(caught.value)


def test_it_refuses_more_than_a_mebibyte_before_parsing():
    padded = fukuhon.dumps(GOOD)[:-1] + b"," + b'"x":"' + b"a" * fukuhon.MAX_BYTES + b'"}'
    with pytest.raises(LinkageError) as caught:
        fukuhon.loads(padded)
    assert "大きすぎます" in str(caught.value)
    assert fukuhon.loads(fukuhon.dumps(GOOD)) == GOOD


def test_it_will_not_write_what_it_would_have_to_round():
    child = example_child()
    for change, where in [
        ({"height_cm": Decimal("62.35")}, "checkups[0].items.height_cm"),
        ({"weight_kg": Decimal("6.5405")}, "checkups[0].items.weight_kg"),
        ({"head_cm": Decimal("1000.0")}, "checkups[0].items.head_cm"),
        ({"chest_cm": Decimal("-1.0")}, "checkups[0].items.chest_cm"),
        ({"height_cm": Decimal("NaN")}, "checkups[0].items.height_cm"),
    ]:
        first = dataclasses.replace(child.checkups[0], **change)
        with pytest.raises(LinkageError) as caught:
            fukuhon.to_document(dataclasses.replace(child, checkups=(first,)))
        assert caught.value.where == where, change


def test_it_will_not_write_a_record_the_schema_refuses():
    child = example_child()
    with pytest.raises(LinkageError) as caught:
        fukuhon.to_document(dataclasses.replace(child, local_id="山田"))
    assert caught.value.where == "local_id"
    with pytest.raises(LinkageError) as caught:
        fukuhon.to_document(child, ["height_cm", "vaccinations"])
    assert "vaccinations" in str(caught.value)
