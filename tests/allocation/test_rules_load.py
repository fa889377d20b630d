"""The rules file: the demo loads, and every mistake names the file and the key."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from yakuba.allocation.rules import ATTRIBUTES, OPERATORS, TIE_BREAK_KEYS, RulesError, load_rules, parse_rules_text

GOOD = """
title = "テスト市"
[age_class]
reference_date = "04-01"
[tie_break]
order = ["total_points", "single_parent"]
[[adjustments]]
id = "single_parent"
label = "ひとり親世帯"
points = 5
when = { single_parent = true }
"""


def test_it_loads_the_demo_rules() -> None:
    rules = load_rules()
    assert "みどり市" in rules.title
    assert rules.reference == (4, 1)
    assert rules.tie_break[0] == "total_points"
    ids = [r.id for r in rules.adjustments]
    assert len(ids) == len(set(ids)) >= 10
    assert any(r.points < 0 for r in rules.adjustments)
    assert [r.id for r in rules.adjustments if r.per_wish] == ["sibling_in_wish"]
    used = {c.attribute for r in rules.adjustments for c in r.when}
    assert used <= set(ATTRIBUTES)
    assert {c.operator for r in rules.adjustments for c in r.when} == {"eq", "min", "max", "in"}


def test_it_ships_the_demo_file_as_package_data() -> None:
    here = Path(__file__).resolve().parents[2]
    data = tomllib.loads((here / "pyproject.toml").read_text(encoding="utf-8"))
    assert "**/*.toml" in data["tool"]["setuptools"]["package-data"]["yakuba"]
    assert (here / "src/yakuba/profiles/midori/rules.toml").is_file()


def test_it_loads_a_file_and_names_it_in_errors(tmp_path: Path) -> None:
    path = tmp_path / "city.toml"
    path.write_text(GOOD, encoding="utf-8")
    rules = load_rules(path)
    assert rules.source == str(path)
    path.write_text(GOOD.replace("single_parent = true", "single_parnet = true"), encoding="utf-8")
    with pytest.raises(RulesError) as e:
        load_rules(path)
    assert str(path) in str(e.value)
    assert e.value.key == "adjustments[0].when.single_parnet"


def test_it_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="cannot read"):
        load_rules(tmp_path / "nowhere.toml")


@pytest.mark.parametrize(("old", "new", "key", "what"), [
    ("single_parent = true }", "single_parent = true, shoe_size = 3 }", "adjustments[0].when.shoe_size", "unknown attribute"),
    ("when = { single_parent = true }", "when = { number_of_children = { above = 2 } }",
     "adjustments[0].when.number_of_children.above", "unknown operator"),
    ("when = { single_parent = true }", "when = { single_parent = { min = 1 } }",
     "adjustments[0].when.single_parent.min", "does not apply"),
    ("when = { single_parent = true }", "when = { guardian_absent_reason = { max = 3 } }",
     "adjustments[0].when.guardian_absent_reason.max", "does not apply"),
    ("single_parent = true", "single_parent = \"はい\"", "adjustments[0].when.single_parent", "needs a bool"),
    ("when = { single_parent = true }", "when = { household_income = { max = \"48600\" } }",
     "adjustments[0].when.household_income.max", "needs a int"),
    ("when = { single_parent = true }", "when = { guardian_absent_reason = { in = [] } }",
     "adjustments[0].when.guardian_absent_reason.in", "non-empty list"),
    ("when = { single_parent = true }", "when = {}", "adjustments[0].when", "non-empty table"),
    ("when = { single_parent = true }", "when = { household_income = {} }",
     "adjustments[0].when.household_income", "no operator"),
    ("points = 5", "points = 5.5", "adjustments[0].points", "needs an integer"),
    ("points = 5", "points = true", "adjustments[0].points", "needs an integer"),
    ("points = 5\n", "", "adjustments[0].points", "missing key"),
    ("points = 5", "points = 5\nnote = \"x\"", "adjustments[0].note", "unknown key"),
    ('id = "single_parent"', 'id = "Single Parent"', "adjustments[0].id", "needs an id"),
    ('label = "ひとり親世帯"', 'label = " "', "adjustments[0].label", "non-empty string"),
    ('"single_parent"]', '"single_parent", "shoe_size"]', "tie_break.order[2]", "unknown tie-break key"),
    ('"single_parent"]', '"single_parent", "total_points"]', "tie_break.order[2]", "appears twice"),
    ('order = ["total_points", "single_parent"]', 'order = "total_points"', "tie_break.order", "list of keys"),
    ('"04-01"', '"4月1日"', "age_class.reference_date", "month-day"),
    ('"04-01"', '"02-29"', "age_class.reference_date", "month-day"),
    ('"04-01"', '"13-01"', "age_class.reference_date", "month-day"),
    ('title = "テスト市"', 'title = "テスト市"\nyear = 2025', "year", "unknown key"),
    ('title = "テスト市"\n', "", "title", "missing key"),
])
def test_it_names_the_key_of_a_mistake(old: str, new: str, key: str, what: str) -> None:
    assert old in GOOD
    with pytest.raises(RulesError) as e:
        parse_rules_text(GOOD.replace(old, new, 1), "city.toml")
    assert e.value.source == "city.toml"
    assert e.value.key == key
    assert str(e.value).startswith(f"city.toml: {key}: ")
    assert what in str(e.value)


def test_it_refuses_a_duplicate_rule_id() -> None:
    twice = GOOD + GOOD[GOOD.index("[[adjustments]]"):]
    with pytest.raises(RulesError) as e:
        parse_rules_text(twice, "city.toml")
    assert e.value.key == "adjustments[1].id" and "duplicate" in str(e.value)


def test_it_refuses_text_that_is_not_toml() -> None:
    with pytest.raises(RulesError, match="city.toml: .*not valid TOML"):
        parse_rules_text("title = ", "city.toml")


def test_it_lists_the_vocabulary_in_the_message() -> None:
    with pytest.raises(RulesError) as e:
        parse_rules_text(GOOD.replace("single_parent = true", "x = true"), "city.toml")
    assert all(name in str(e.value) for name in ATTRIBUTES)


def test_the_vocabulary_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs/formats/admission-rules.md").read_text(encoding="utf-8")
    for name in (*ATTRIBUTES, *OPERATORS, *TIE_BREAK_KEYS):
        assert f"`{name}`" in doc, name
