"""`yakuba allocate run`: a cell of thousands of digits is a located line; the result and its
explanation are written both or neither; an output that is a symlink or a device is refused."""

from __future__ import annotations

import os

import pytest

from tests.allocation.tables import base_children, base_daycares, set_cell, write_round
from tests.badinput.helpers import yakuba


@pytest.fixture
def round_dir(tmp_path):  # type: ignore[no-untyped-def]
    return write_round(tmp_path / "round", base_children(), base_daycares())


@pytest.mark.parametrize("column", ["点数", "年齢", "0歳定員"])
def test_it_locates_a_cell_of_five_thousand_digits(tmp_path, column) -> None:  # type: ignore[no-untyped-def]
    children, daycares = base_children(), base_daycares()
    if column == "0歳定員":
        set_cell(daycares, 2, column, "9" * 5000)
    else:
        set_cell(children, 2, column, "9" * 5000)
    round_dir = write_round(tmp_path / "round", children, daycares)
    ran = yakuba("allocate", "run", str(round_dir), "--out", str(tmp_path / "r.csv"))
    assert ran.code == 1 and not ran.crashed, ran.err
    assert "row 2" in ran.err and column in ran.err and "5000 文字" in ran.err
    assert max(map(len, ran.err.splitlines())) < 400
    assert not (tmp_path / "r.csv").exists()


def test_it_writes_neither_output_when_the_explanation_cannot_be_written(tmp_path, round_dir) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.csv"
    ran = yakuba("allocate", "run", str(round_dir), "--out", str(out), "--explain", str(tmp_path / "no" / "e.json"))
    assert ran.code == 1 and ran.one_line and "e.json" in ran.err and ".tmp" not in ran.err, ran.err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["round"]
    ran = yakuba("allocate", "run", str(round_dir), "--out", str(out), "--explain", str(tmp_path / "e.json"))
    assert ran.code == 0 and out.exists() and (tmp_path / "e.json").exists()


def test_it_refuses_an_output_that_is_a_symlink_or_a_device(tmp_path, round_dir) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "elsewhere.csv"
    target.write_text("kept\n")
    link = tmp_path / "r.csv"
    link.symlink_to(target)
    ran = yakuba("allocate", "run", str(round_dir), "--out", str(link))
    assert ran.code == 1 and ran.one_line and "シンボリックリンク" in ran.err, ran.err
    assert link.is_symlink() and target.read_text() == "kept\n"
    ran = yakuba("allocate", "run", str(round_dir), "--out", str(tmp_path / "ok.csv"), "--explain", os.devnull)
    assert ran.code == 1 and ran.one_line and "デバイス・FIFO" in ran.err and os.devnull in ran.err, ran.err
    assert not (tmp_path / "ok.csv").exists()
    assert os.path.exists(os.devnull) and not os.path.isfile(os.devnull)


def test_it_refuses_the_same_file_for_both_outputs(tmp_path, round_dir) -> None:  # type: ignore[no-untyped-def]
    out = str(tmp_path / "r.csv")
    ran = yakuba("allocate", "run", str(round_dir), "--out", out, "--explain", out)
    assert ran.code == 2 and ran.one_line and not (tmp_path / "r.csv").exists()
