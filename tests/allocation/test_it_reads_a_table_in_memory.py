"""A table held in memory (an upload) reads exactly as the same bytes in a file, problems named by
the upload's name; nothing is written for it."""

from __future__ import annotations

import pytest

from yakuba.allocation.errors import InputError
from yakuba.allocation.io import read_daycares
from yakuba.allocation.rules import IncomeCsvError, read_income_csv
from yakuba.allocation.tables import InMemory

INCOME = "宛名番号,所得割額\n0001,12000\n0002,0\n".encode("cp932")
DAYCARES = "施設ID,施設名,0歳定員,1歳定員,2歳定員,3歳定員,4歳定員,5歳定員\nF1,みどり園,1,2,3,4,5,6\n".encode("utf-8")


def test_it_works(tmp_path) -> None:
    (tmp_path / "income.csv").write_bytes(INCOME)
    assert read_income_csv(InMemory("income.csv", INCOME)) == read_income_csv(tmp_path / "income.csv") \
        == {"0001": 12000, "0002": 0}


def test_a_daycares_table_in_memory(tmp_path) -> None:
    (tmp_path / "daycares.csv").write_bytes(DAYCARES)
    assert read_daycares(InMemory("daycares.csv", DAYCARES)) == read_daycares(tmp_path / "daycares.csv")


def test_problems_name_the_upload() -> None:
    with pytest.raises(IncomeCsvError) as caught:
        read_income_csv(InMemory("税務課から.csv", "宛名番号,所得割額\n0001,abc\n".encode("utf-8")))
    assert caught.value.problems[0].file == "税務課から.csv" and caught.value.problems[0].row == 2
    with pytest.raises(InputError):
        read_daycares(InMemory("d.csv", b"\xff\xfe\x00garbage"))
