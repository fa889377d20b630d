"""`yakuba allocate run|check` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DAYCARES = "施設ID,施設名,0歳定員,1歳定員,2歳定員,3歳定員,4歳定員,5歳定員\n101,A園,0,1,0,1,0,0\n102,B園,0,1,0,1,0,0\n"
CHILDREN = ("申請者番号,世帯番号,年齢,点数,きょうだいパターン,在籍施設ID,第1希望施設,第2希望施設\n"
            "2001,S1,3,81,1,,101,102\n2002,S1,1,81,1,,101,102\n2003,H9,1,85,,,101,\n2004,H8,3,70,,,102,\n")


def yakuba(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "yakuba.cli", "allocate", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    (tmp_path / "daycares.csv").write_text(DAYCARES, encoding="utf-8")
    (tmp_path / "children.csv").write_text(CHILDREN, encoding="cp932")  # Shift_JIS, as spreadsheets write
    return tmp_path


@pytest.mark.smoke
def test_run_writes_the_stable_result_and_check_agrees(example: Path) -> None:
    result = yakuba("run", str(example), "--out", str(example / "result.csv"), "--explain", str(example / "explain.json"))
    assert result.returncode == 0, result.stderr
    assert (example / "result.csv").read_bytes() == b"child_id,daycare_id\n2001,102\n2002,102\n2003,101\n2004,\n"
    doc = json.loads((example / "explain.json").read_text(encoding="utf-8"))
    assert {c["child_id"] for c in doc["children"]} == {"2001", "2002", "2003", "2004"}
    assert "決定 3 人" in result.stderr
    checked = yakuba("check", str(example), str(example / "result.csv"))
    assert checked.returncode == 0 and "OK" in checked.stdout


def test_check_exits_3_on_an_unstable_result_and_1_on_an_invalid_one(example: Path) -> None:
    (example / "unstable.csv").write_text("child_id,daycare_id\n2001,\n2002,\n2003,101\n2004,102\n", encoding="utf-8")
    unstable = yakuba("check", str(example), str(example / "unstable.csv"))
    assert unstable.returncode == 3 and "blocking" in unstable.stderr
    (example / "invalid.csv").write_text("child_id,daycare_id\n2001,101\n2002,101\n2003,101\n2004,102\n", encoding="utf-8")
    assert yakuba("check", str(example), str(example / "invalid.csv")).returncode == 1


def test_bad_input_is_located_and_writes_nothing(example: Path) -> None:
    (example / "children.csv").write_text(CHILDREN.replace("2003,H9,1,85", "2003,H9,7,85"), encoding="utf-8")
    result = yakuba("run", str(example), "--out", str(example / "result.csv"))
    assert result.returncode == 1
    assert "children.csv" in result.stderr and "row 4" in result.stderr and "年齢" in result.stderr and "'7'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (example / "result.csv").exists()


def test_sequential_mode_reports_the_difference(example: Path) -> None:
    result = yakuba("run", str(example), "--out", str(example / "seq.csv"), "--mode", "sequential")
    assert result.returncode in (0, 3)
    assert "安定割当てとの比較" in result.stderr
