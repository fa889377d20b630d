"""`yakuba intake synth` and `yakuba intake blank-form` from the command line."""

from __future__ import annotations

import json
import subprocess
import sys

from yakuba.ocr.synth import DEV_FONTS


def _yakuba(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "yakuba.cli", *args], capture_output=True, text=True, timeout=120)


def test_it_synthesises_pages_from_the_command_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "batch"
    result = _yakuba("intake", "synth", "--count", "2", "--seed", "4", "--font", DEV_FONTS[0], "--out", str(out))
    assert result.returncode == 0, result.stderr
    lines = (out / "truth.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["page"] for line in lines] == ["page-0001.png", "page-0002.png"]
    assert (out / "page-0002.png").stat().st_size > 10_000


def test_it_writes_the_blank_form_and_refuses_a_missing_font(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = _yakuba("intake", "blank-form", "--out", str(tmp_path / "form.pdf"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "form.pdf").read_bytes().startswith(b"%PDF")
    result = _yakuba("intake", "synth", "--count", "1", "--font", str(tmp_path / "none.ttf"), "--out", str(tmp_path / "x"))
    assert result.returncode == 2 and "none.ttf" in result.stderr and "Traceback" not in result.stderr
