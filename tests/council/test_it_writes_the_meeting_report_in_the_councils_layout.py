"""The 会議結果報告書 of the demo meeting (two 諮問事項, two 報告事項, synthetic members): its PDF's text has every
section of the council's layout, in order; counts and 和暦 computed; `yakuba council report` writes the
latest meeting, and names a missing one in one line."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from yakuba.cli import main
from yakuba.council.demo import run
from yakuba.council.report import SECTIONS, to_html

pytestmark = pytest.mark.django_db
RECORD = ("1 開 会", "2 議 題", "【諮問事項】", "(1) 基幹福祉相談センター業務の外部委託", "〈説明員〉", "〈質疑応答〉",
          "〈結論〉", "(2) 保育所等利用申込書のデータ入力業務委託", "【報告事項】", "(3) 財務会計システムの更新",
          "(4) 情報連携に伴う健康情報システムの改修", "3 閉 会")


def in_order(text: str, parts: tuple[str, ...]) -> list[str]:
    """The parts not found after the previous one (empty: all in order)."""
    missing, at = [], 0
    for part in parts:
        found = text.find(part, at)
        if found < 0:
            missing.append(part)
        else:
            at = found + len(part)
    return missing


def test_it_works(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    meeting = run("みどり市", today=dt.date(2026, 12, 4))
    page = to_html(meeting)
    assert in_order(page, SECTIONS) == [] and in_order(page, RECORD) == []
    assert "令和8年12月3日(木) 14時00分～15時10分" in page
    assert "甲野 一郎委員(会長)" in page and "(計 7人)" in page and "(計 3人)" in page and "(計 7人)" in page
    assert "(傍聴者 0人)" in page and "委員) " in page and "説明員) " in page

    assert main(["council", "report", "--out", str(tmp_path / "r.pdf")]) == 0
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(str(tmp_path / "r.pdf")).pages).replace("\n", "")
    normal = text.replace(" ", "")
    assert in_order(normal, tuple(s.replace(" ", "") for s in SECTIONS + RECORD)) == []
    from yakuba.audit.models import AuditEntry

    entry = AuditEntry.objects.get(action="council.report.written")
    assert entry.categories == ["name"] and entry.detail["format"] == "pdf"

    assert main(["council", "report", "999", "--out", str(tmp_path / "x.pdf")]) != 0
    assert "会議 999 はありません" in capsys.readouterr().err and not (tmp_path / "x.pdf").exists()
