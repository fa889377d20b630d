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


def test_it_goes_from_synth_to_read_to_score_on_the_command_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pages = tmp_path / "pages"
    assert _yakuba("intake", "synth", "--count", "2", "--seed", "9", "--out", str(pages)).returncode == 0
    results = tmp_path / "results.jsonl"
    r = _yakuba("intake", "read", str(pages), "--out", str(results), "--workers", "1")
    assert r.returncode == 0, r.stderr
    assert "2 ページ" in r.stdout
    assert json.loads((tmp_path / "results.jsonl.meta.json").read_text())["pages"] == 2
    r = _yakuba("intake", "score", str(results), str(pages / "truth.jsonl"), "--json", str(tmp_path / "s.json"))
    assert r.returncode == 0, r.stderr
    assert "自動化率" in r.stdout and "速度 (pages/s)" in r.stdout
    s = json.loads((tmp_path / "s.json").read_text())
    assert s["pages"] == 2 and s["overall"]["accuracy_of_accepted"] >= 0.97 and s["overall"]["automation"] >= 0.6


def test_it_refuses_bad_input_to_read_and_score_in_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = _yakuba("intake", "read", str(tmp_path / "nowhere"), "--out", str(tmp_path / "r.jsonl"))
    assert r.returncode == 1 and "nowhere" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "r.jsonl").exists()
    (tmp_path / "r.jsonl").write_text('{"page": "a.png", "fields": {}}\nnot json\n')
    (tmp_path / "t.jsonl").write_text('{"page": "a.png", "fields": {}}\n')
    r = _yakuba("intake", "score", str(tmp_path / "r.jsonl"), str(tmp_path / "t.jsonl"))
    assert r.returncode == 1 and "r.jsonl" in r.stderr and "2" in r.stderr and "Traceback" not in r.stderr
