"""A broken city profile is refused with every problem located: the file, the row (a CSV row as a
spreadsheet counts it, or a TOML line) and the field; `yakuba config check` prints one line each
and exits 1, and OK with a summary for a good one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cityprofiles import DEMO_PROFILE, HERE, copy_demo
from yakuba.cityprofile.load import ProfileError, ProfileInvalid, load_profile
from yakuba.cli import main

SAKURANO = HERE / "sakurano"


def problems(folder: Path) -> list[ProfileError]:
    with pytest.raises(ProfileInvalid) as caught:
        load_profile(folder)
    return caught.value.problems


def only(folder: Path) -> ProfileError:
    found = problems(folder)
    assert len(found) == 1, [p.message for p in found]
    return found[0]


def test_it_loads_the_demo_and_the_second_city() -> None:
    demo, other = load_profile(DEMO_PROFILE), load_profile(SAKURANO)
    assert demo.city.name == "みどり市" and other.city.name == "さくら野市"
    assert set(demo.facility_codes).isdisjoint(other.facility_codes)
    assert other.consignor and other.consignor["code"] == "9876543210" and other.relay and other.relay.simulator


def test_it_names_a_missing_file(tmp_path: Path) -> None:
    p = only(copy_demo(tmp_path / "p", points_toml=None))
    assert (p.file, p.row, p.field) == ("points.toml", None, None) and "missing file" in p.message


def test_it_names_the_line_of_bad_toml(tmp_path: Path) -> None:
    text = (SAKURANO / "city.toml").read_text(encoding="utf-8").replace('name = "さくら野市"', 'name = "さくら野市')
    p = problems(copy_demo(tmp_path / "p", city_toml=text))[0]
    assert p.file == "city.toml" and p.row == 5 and "not valid TOML" in p.message


def test_it_names_row_and_column_of_a_bad_csv_row(tmp_path: Path) -> None:
    csv = (SAKURANO / "facilities.csv").read_text(encoding="utf-8").replace("7002,さくら野北こども園,2,", "7002,さくら野北こども園,x,")
    p = only(copy_demo(tmp_path / "p", facilities_csv=csv, rules_toml=(SAKURANO / "rules.toml").read_text("utf-8")))
    assert (p.file, p.row, p.field) == ("facilities.csv", 3, "0歳定員")


def test_it_names_a_duplicate_code(tmp_path: Path) -> None:
    csv = (SAKURANO / "facilities.csv").read_text(encoding="utf-8") + "7001,さくら野中央保育園分園,1,1,1,1,1,1\n"
    p = only(copy_demo(tmp_path / "p", facilities_csv=csv, rules_toml=(SAKURANO / "rules.toml").read_text("utf-8")))
    assert (p.file, p.row, p.field) == ("facilities.csv", 7, "施設ID") and "2 行目と重複" in p.message


def test_it_names_a_code_that_does_not_fit_the_form(tmp_path: Path) -> None:
    csv = (SAKURANO / "facilities.csv").read_text(encoding="utf-8").replace("8002,", "80021,")
    p = only(copy_demo(tmp_path / "p", facilities_csv=csv, rules_toml=(SAKURANO / "rules.toml").read_text("utf-8")))
    assert (p.file, p.row, p.field) == ("facilities.csv", 6, "施設ID") and "4桁" in p.message


def test_it_names_an_unknown_facility_code_in_the_rules(tmp_path: Path) -> None:
    rules = (SAKURANO / "rules.toml").read_text(encoding="utf-8").replace('in = ["7003"]', 'in = ["7003", "7009"]')
    folder = copy_demo(tmp_path / "p", rules_toml=rules,
                       facilities_csv=(SAKURANO / "facilities.csv").read_text("utf-8"))
    p = only(folder)
    line = next(n for n, t in enumerate(rules.splitlines(), 1) if "current_facility" in t)
    assert (p.file, p.row, p.field) == ("rules.toml", line, "adjustments[1].when.current_facility")
    assert "'7009'" in p.message


def test_it_names_a_bad_consignor_code(tmp_path: Path) -> None:
    debit = (SAKURANO / "debit.toml").read_text(encoding="utf-8").replace('code = "9876543210"', 'code = "98765"')
    p = only(copy_demo(tmp_path / "p", debit_toml=debit))
    line = next(n for n, t in enumerate(debit.splitlines(), 1) if t.startswith("code ="))
    assert (p.file, p.row, p.field) == ("debit.toml", line, "consignor.code") and "10桁" in p.message


def test_it_names_a_relay_that_is_neither_the_simulator_nor_complete(tmp_path: Path) -> None:
    debit = (SAKURANO / "debit.toml").read_text(encoding="utf-8").replace(
        'relay = "simulator"', '[relay]\nurl = "http://relay.example.lg.jp"\ncert = "c.pem"\nkey = "k.pem"\nca = "ca.pem"\n')
    found = problems(copy_demo(tmp_path / "p", debit_toml=debit))
    assert {p.field for p in found} == {"relay.url", "relay.cert", "relay.key", "relay.ca"}
    assert all(p.file == "debit.toml" and p.row is not None for p in found)


def test_it_names_a_bad_points_key_and_a_bad_threshold(tmp_path: Path) -> None:
    points = (SAKURANO / "points.toml").read_text(encoding="utf-8").replace("points = 45", "points = -3")
    ocr = (SAKURANO / "ocr.toml").read_text(encoding="utf-8").replace("digits = 0.85", "digits = 1.5")
    found = problems(copy_demo(tmp_path / "p", points_toml=points, ocr_toml=ocr))
    located = {(p.file, p.field) for p in found}
    assert ("points.toml", "reasons.birth.points") in located and ("ocr.toml", "thresholds.digits") in located
    assert all(p.row is not None for p in found)


def test_the_command_prints_one_located_line_per_problem(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    debit = (SAKURANO / "debit.toml").read_text(encoding="utf-8").replace('"0005"', '"5"')
    folder = copy_demo(tmp_path / "p", points_toml=None, debit_toml=debit)
    assert main(["config", "check", str(folder)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert any(line.startswith("yakuba config: points.toml: ファイルがありません (missing file)") for line in err)
    assert any("debit.toml: row" in line and "field consignor.bank_code" in line for line in err)
    assert main(["config", "check", str(SAKURANO)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK:") and "さくら野市" in out and "施設 5 か所" in out
