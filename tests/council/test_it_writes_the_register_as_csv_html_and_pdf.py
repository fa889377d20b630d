"""The register as CSV (one row per file, the columns of 法第75条, UTF-8 with BOM), HTML and PDF: each opens,
and each holds every file with its 記録項目."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.test_cli import run
from yakuba.council.outputs import current_register, to_html


def test_it_works(tmp_path: Path) -> None:
    register = current_register()
    assert run(["council", "register", "--format", "csv", "--out", str(tmp_path / "r.csv")], tmp_path).returncode == 0
    data = (tmp_path / "r.csv").read_bytes()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["個人情報ファイルの名称", "行政機関等の名称"] and len(rows) == 1 + len(register.files)
    health = next(r for r in rows if r[0] == "乳幼児健康診査ファイル")
    assert "身長(cm)(健康)" in health[4] and health[7] == "含む"

    page = to_html(register)
    assert all(f.name in page for f in register.files) and "身長(cm)" in page

    assert run(["council", "register", "--format", "pdf", "--out", str(tmp_path / "r.pdf")], tmp_path).returncode == 0
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(str(tmp_path / "r.pdf")).pages)
    assert "個人情報ファイル簿" in text and "乳幼児健康診査ファイル" in text
    no_out = run(["council", "register", "--format", "pdf"], tmp_path)
    assert no_out.returncode == 2 and "--out" in no_out.stderr
