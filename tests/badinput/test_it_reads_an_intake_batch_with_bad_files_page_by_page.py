"""`yakuba intake read` on a batch with bad files reads the rest and reports each bad one as its
own result line; bad options are one line (exit 2), and nothing is written."""

from __future__ import annotations

import io
import json

import pytest

from tests.badinput.helpers import yakuba


def _zero_page_pdf() -> bytes:
    from pypdf import PdfWriter

    out = io.BytesIO()
    PdfWriter().write(out)
    return out.getvalue()


def _lines(path) -> list[dict]:  # type: ignore[no-untyped-def]
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_it_reads_a_folder_with_a_zero_byte_png_and_a_zero_page_pdf(tmp_path) -> None:  # type: ignore[no-untyped-def]
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "a-empty.png").write_bytes(b"")
    (scans / "b-nopages.pdf").write_bytes(_zero_page_pdf())
    (scans / "c-empty.pdf").write_bytes(b"")
    (scans / "d-garbage.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    out = tmp_path / "results.jsonl"
    ran = yakuba("intake", "read", str(scans), "--out", str(out), "--engine", "null", "--workers", "1", "--quiet")
    assert ran.code == 0 and not ran.crashed, ran.err
    lines = _lines(out)
    assert [line["page"] for line in lines] == ["a-empty.png", "b-nopages.pdf", "c-empty.pdf", "d-garbage.png"]
    assert "0 バイト" in lines[0]["fields"]["child_name"]["reason"]
    assert "ページがありません" in lines[1]["error"]
    assert all(f["status"] == "review" for line in lines for f in line["fields"].values())


@pytest.mark.parametrize("option, value, said", [
    ("--engine", "bogus", "bogus"),
    ("--today", "2024-13-45", "2024-13-45"),
])
def test_it_refuses_a_bad_option_in_one_line(tmp_path, option, value, said) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "p.png").write_bytes(b"")
    out = tmp_path / "r.jsonl"
    ran = yakuba("intake", "read", str(tmp_path / "p.png"), "--out", str(out), option, value, "--quiet")
    assert ran.code == 2 and ran.one_line and said in ran.err and not ran.crashed, ran.err
    assert not out.exists()


def test_it_reads_a_shift_jis_facilities_file_and_refuses_one_it_cannot_decode(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "p.png").write_bytes(b"")
    sjis = tmp_path / "facilities.csv"
    sjis.write_bytes("施設コード,施設名\n1001,ひかり保育園\n".encode("cp932"))
    out = tmp_path / "r.jsonl"
    ran = yakuba("intake", "read", str(tmp_path / "p.png"), "--out", str(out), "--facilities", str(sjis),
                 "--engine", "null", "--quiet")
    assert ran.code == 0 and not ran.crashed, ran.err
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"1001\n\x81\x20\x80\n")
    out.unlink()
    ran = yakuba("intake", "read", str(tmp_path / "p.png"), "--out", str(out), "--facilities", str(bad), "--quiet")
    assert ran.code == 1 and ran.one_line and "bad.csv" in ran.err and "2 行目" in ran.err, ran.err
    assert not out.exists()


@pytest.mark.parametrize("command", ["blank-form", "synth"])
def test_it_refuses_dpi_zero(tmp_path, command) -> None:  # type: ignore[no-untyped-def]
    extra = ["--count", "1", "--out", str(tmp_path / "syn")] if command == "synth" else ["--out", str(tmp_path / "f.pdf")]
    ran = yakuba("intake", command, *extra, "--dpi", "0")
    assert ran.code == 2 and ran.one_line and "--dpi" in ran.err, ran.err
    assert list(tmp_path.iterdir()) == []


def test_it_writes_a_blank_form_only_as_its_name_says(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ran = yakuba("intake", "blank-form", "--out", str(tmp_path / "f.jpg"))
    assert ran.code == 2 and ran.one_line and "f.jpg" in ran.err
    assert not (tmp_path / "f.jpg").exists()
    assert yakuba("intake", "blank-form", "--out", str(tmp_path / "f.png")).code == 0
    assert (tmp_path / "f.png").read_bytes().startswith(b"\x89PNG")
