"""A large children table with one bad row is read as a stream: the memory it takes is bounded by
the row limit (tables.MAX_ROWS), not by the size of the file. Measured with tracemalloc, not time."""

from __future__ import annotations

import tracemalloc

import pytest

from tests.allocation.tables import CHILDREN_HEADER, base_daycares, csv_text, write_csv
from yakuba.allocation import tables
from yakuba.allocation.errors import InputError
from yakuba.allocation.io import read_instance

ROWS = 60_000  # about 2.5 MB of CSV


def _children(path, bad_row: int) -> None:  # type: ignore[no-untyped-def]
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(csv_text([CHILDREN_HEADER]))
        for n in range(2, ROWS + 2):
            points = "x" if n == bad_row else str(n % 90)
            f.write(f"c{n},h{n},{n % 6},{points},,,F1,F2\r\n")


def _peak(children, daycares) -> tuple[int, InputError]:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as caught:
            read_instance(children, daycares)
        return tracemalloc.get_traced_memory()[1], caught.value
    finally:
        tracemalloc.stop()


def test_it_works(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    children, daycares = tmp_path / "children.csv", write_csv(tmp_path / "daycares.csv", base_daycares())
    _children(children, bad_row=ROWS // 2)
    size = children.stat().st_size
    monkeypatch.setattr(tables, "MAX_ROWS", 500)
    monkeypatch.setattr(tables, "CHUNK", 1 << 16)  # the pieces it reads at a time: smaller than the file
    peak, error = _peak(children, daycares)
    assert "row 501" in str(error) and "多すぎます" in str(error)
    assert peak < size / 3, (peak, size)  # the whole file's bytes alone would be three times more


def test_it_still_finds_the_bad_row_under_the_limit(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    children, daycares = tmp_path / "children.csv", write_csv(tmp_path / "daycares.csv", base_daycares())
    _children(children, bad_row=ROWS // 2)
    monkeypatch.setattr(tables, "MAX_ROWS", ROWS + 10)
    with pytest.raises(InputError) as caught:
        read_instance(children, daycares)
    assert f"row {ROWS // 2}" in str(caught.value) and "点数" in str(caught.value)
