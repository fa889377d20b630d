"""The facilities table of a round is read by the allocation core's reader: Shift_JIS accepted,
and a facility ID given twice or a 定員 that is not a whole number refused, with the row."""

from __future__ import annotations

import pytest

from yakuba.admission.actions.rounds import read_facilities
from yakuba.admission.errors import AdmissionError

HEADER = "施設ID,施設名,0歳定員,1歳定員,2歳定員,3歳定員,4歳定員,5歳定員"


def test_it_reads_the_facilities_in_shift_jis(tmp_path) -> None:
    path = tmp_path / "facilities.csv"
    path.write_bytes(f"{HEADER}\r\n1001,みどり保育園,1,2,3,0,0,0\r\n1002,若葉こども園,0,1,1,2,2,2\r\n".encode("cp932"))
    assert read_facilities(path) == [("1001", "みどり保育園", [1, 2, 3, 0, 0, 0]),
                                     ("1002", "若葉こども園", [0, 1, 1, 2, 2, 2])]


@pytest.mark.parametrize("rows, where", [
    ("1001,A,1,2,3,0,0,0\n1001,B,1,1,1,1,1,1\n", "3 行目(施設ID)"),
    ("1001,A,1,2.5,3,0,0,0\n", "2 行目(1歳定員)"),
    ("1001,A,1,,3,0,0,0\n", "2 行目(1歳定員)"),
])
def test_it_refuses_what_the_engine_refuses(tmp_path, rows: str, where: str) -> None:
    path = tmp_path / "facilities.csv"
    path.write_text(f"{HEADER}\n{rows}", encoding="utf-8")
    with pytest.raises(AdmissionError, match="施設のファイルを読めません") as refused:
        read_facilities(path)
    assert where in refused.value.message
