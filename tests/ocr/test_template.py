"""The form as data: the shipped application form loads; a broken definition is refused clearly."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from yakuba.ocr.template import TemplateError, load_template, parse_template

GUARDIAN = ["name", "kana", "relation", "employer", "days", "hours", "emp_regular", "emp_parttime", "emp_self",
            "emp_other", "need_work", "need_birth", "need_illness", "need_care", "need_study", "need_jobseeking"]


def _data() -> dict:
    return tomllib.loads(resources.files("yakuba.ocr").joinpath("forms", "application.toml").read_text("utf-8"))


def test_it_loads_the_application_form_with_the_agreed_ids_and_types() -> None:
    t = load_template()
    assert (t.width_mm, t.height_mm) == (210.0, 297.0) and len(t.fiducials) == 4
    ids = set(t.field_ids)
    expected = {"child_name", "child_kana", "child_birth", "child_sex_male", "child_sex_female", "postal_code",
                "address", "phone", "start_month", *(f"wish{k}" for k in range(1, 6)),
                *(f"guardian{i}_{g}" for i in (1, 2) for g in GUARDIAN),
                *(f"sibling{j}_{s}" for j in (1, 2) for s in ("name", "kana", "birth"))}
    assert ids == expected
    types = t.types()
    assert types["child_name"] == "kanji" and types["child_kana"] == "katakana" and types["child_birth"] == "date"
    assert (t.field("postal_code").cells, t.field("phone").cells, t.field("wish3").cells) == (7, 11, 4)
    assert (t.field("guardian1_days").cells, t.field("guardian2_hours").cells) == (1, 2)
    assert [p.id for p in t.field("sibling2_birth").parts] == ["era_seireki", "era_reiwa", "era_heisei", "year", "month", "day"]
    assert [(p.id, p.cells) for p in t.field("start_month").parts] == [("year", 4), ("month", 2)]
    assert {"child_name", "address", "phone", "postal_code", "guardian2_employer", "sibling1_kana"} <= t.personal_ids()
    assert "guardian1_relation" not in t.personal_ids() and "wish1" not in t.personal_ids()
    keys = [leaf.key for leaf in t.leaf_boxes()]
    assert "child_birth.year:3" in keys and "postal_code:6" in keys and "child_sex_male" in keys
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("breakage, message", [
    (lambda d: d["fields"][0].update(type="handwriting"), "unknown type"),
    (lambda d: d["fields"][1].update(id=d["fields"][0]["id"]), "duplicate field id"),
    (lambda d: d["fields"][1].update(box=dict(d["fields"][0]["box"])), "overlapping boxes"),
    (lambda d: d["fields"][0]["box"].update(x=200.0), "outside the page"),
    (lambda d: d["fiducials"].pop(), "need 4 fiducials"),
    (lambda d: next(f for f in d["fields"] if f["type"] == "postal").pop("cells"), "needs cells"),
])
def test_it_refuses_a_broken_form_definition(breakage, message) -> None:  # type: ignore[no-untyped-def]
    data = _data()
    breakage(data)
    with pytest.raises(TemplateError, match=message):
        parse_template(data, "broken.toml")


def test_it_refuses_a_file_that_is_not_toml(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.toml"
    bad.write_text("id = ", encoding="utf-8")
    with pytest.raises(TemplateError, match="bad.toml.*not valid TOML"):
        load_template(path=bad)
    with pytest.raises(TemplateError, match="no such template"):
        load_template("nosuchform")
