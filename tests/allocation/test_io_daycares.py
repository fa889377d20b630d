"""read_daycares: the facilities table alone, with the checks the round's reader makes."""

from __future__ import annotations

from pathlib import Path

import pytest

from yakuba.allocation.errors import InputError
from yakuba.allocation.io import read_daycares
from yakuba.allocation.model import Facility

from .tables import DAYCARES_HEADER, base_daycares, write_csv


def test_it_reads_the_facilities_in_row_order(tmp_path: Path) -> None:
    facilities = read_daycares(write_csv(tmp_path / "daycares.csv", base_daycares(), "cp932"))
    assert facilities == [Facility("F1", "A園", (1, 1, 1, 1, 1, 1), 2), Facility("F2", "B園", (1, 1, 1, 1, 1, 1), 3),
                          Facility("F3", "C園", (0, 0, 0, 0, 0, 0), 4)]


def test_it_refuses_what_the_rounds_reader_refuses_each_located(tmp_path: Path) -> None:
    table = [DAYCARES_HEADER, ["F1", "A園", 1, 1, 1, 1, 1, 1], ["F1", "B園", "", 1, 1, 1, -1, 1]]
    with pytest.raises(InputError) as e:
        read_daycares(write_csv(tmp_path / "施設.csv", table))
    assert [(p.file, p.row, p.column, p.value) for p in e.value.problems] == [
        ("施設.csv", 3, "施設ID", "F1"), ("施設.csv", 3, "0歳定員", ""), ("施設.csv", 3, "4歳定員", "-1")]
    with pytest.raises(InputError, match="required column is missing"):
        read_daycares(write_csv(tmp_path / "x.csv", [DAYCARES_HEADER[:-1], ["F1", "A園", 1, 1, 1, 1, 1]]))
