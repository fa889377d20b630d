"""An .xlsx whose parts would unpack past the limit (a few kilobytes declaring gigabytes of sheet
XML) is one located problem, refused before a part is unpacked, and logged; an ordinary workbook
is read as before."""

from __future__ import annotations

import io
import logging
import zipfile

import openpyxl
import pytest

from yakuba.allocation import tables
from yakuba.allocation.errors import Problems
from yakuba.allocation.tables import InMemory, read_table


def _workbook() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["児童ID", "氏名"])
    wb.active.append(["C001", "試験 花子"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _with_padding(data: bytes, size: int) -> bytes:
    """The workbook with one more part of `size` zero bytes (deflated to almost nothing)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        with dst.open("xl/media/padding.bin", "w") as part:
            for _ in range(size // 65536):
                part.write(bytes(65536))
    return out.getvalue()


def test_it_works(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(tables, "MAX_XLSX_UNPACKED", 4 * 1024 * 1024)
    bomb = _with_padding(_workbook(), 8 * 1024 * 1024)
    assert len(bomb) < 100_000
    problems = Problems()
    with caplog.at_level(logging.WARNING, logger="yakuba.security"):
        assert read_table(InMemory("children.xlsx", bomb), problems) is None
    [problem] = list(problems)
    assert problem.file == "children.xlsx" and "展開後の大きさ" in problem.message
    assert any("decompression bomb" in r.getMessage() for r in caplog.records)


def test_an_ordinary_workbook_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "MAX_XLSX_UNPACKED", 4 * 1024 * 1024)
    problems = Problems()
    table = read_table(InMemory("children.xlsx", _with_padding(_workbook(), 1024 * 1024)), problems)
    assert not problems and table is not None and table.headers[:2] == ["児童ID", "氏名"] and len(table.rows) == 1
