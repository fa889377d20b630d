"""`score`: accuracy of accepted fields, automation, per type, checkboxes — computed, not assumed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from yakuba.ocr.score import ScoreError, score, score_files

TYPES = {"child_name": "kanji", "child_kana": "katakana", "wish1": "code", "child_sex_male": "checkbox",
         "child_sex_female": "checkbox"}


def _r(value: str, status: str = "accepted") -> dict:
    return {"value": value, "confidence": 0.9, "status": status, "reason": ""}


def test_it_counts_accuracy_of_accepted_and_automation() -> None:
    truth = {"p1": {"child_name": "山田 花子", "child_kana": "ヤマダ ハナコ", "wish1": "0123",
                    "child_sex_male": "0", "child_sex_female": "1"}}
    results = {"p1": {"child_name": _r("山田 花子"), "child_kana": _r("ﾔﾏﾀﾞ ﾊﾅｺ"),  # NFKC makes these equal
                      "wish1": _r("0128"), "child_sex_male": _r("0", "review"), "child_sex_female": _r("1")}}
    s = score(results, truth, TYPES)
    assert (s.overall.fields, s.overall.accepted, s.overall.correct_accepted) == (5, 4, 3)
    assert s.overall.accuracy == pytest.approx(0.75) and s.overall.automation == pytest.approx(0.8)
    assert s.by_type["code"].accuracy == 0.0
    assert s.checkbox.value_accuracy == 1.0  # the reviewed checkbox had the right value
    assert s.wrong_accepted == [("p1", "wish1", "0128", "0123")]


def test_a_page_missing_from_the_results_counts_as_unread() -> None:
    truth = {"p1": {"wish1": "0123"}, "p2": {"wish1": "0456"}}
    s = score({"p1": {"wish1": _r("0123")}, "extra": {}}, truth, TYPES)
    assert s.pages_missing == ["p2"] and s.pages_unknown == ["extra"]
    assert s.overall.automation == pytest.approx(0.5) and s.overall.accuracy == 1.0


def test_it_reads_the_files_and_the_timing(tmp_path: Path) -> None:
    (tmp_path / "truth.jsonl").write_text(json.dumps({"page": "a.png", "fields": {"wish1": "0001"}}) + "\n", "utf-8")
    results = tmp_path / "results.jsonl"
    results.write_text(json.dumps({"page": "a.png", "fields": {"wish1": _r("0001")}}) + "\n", "utf-8")
    (tmp_path / "results.jsonl.meta.json").write_text('{"pages": 10, "seconds": 4}', "utf-8")
    s = score_files(results, tmp_path / "truth.jsonl", TYPES)
    assert s.overall.accuracy == 1.0 and s.pages_per_second == pytest.approx(2.5)


def test_it_names_the_line_of_a_broken_file(tmp_path: Path) -> None:
    bad = tmp_path / "results.jsonl"
    bad.write_text('{"page": "a", "fields": {}}\n{"page": 3}\n', "utf-8")
    (tmp_path / "truth.jsonl").write_text("", "utf-8")
    with pytest.raises(ScoreError, match=r"results.jsonl:2"):
        score_files(bad, tmp_path / "truth.jsonl", TYPES)
    bad.write_text('{"page": "a", "fields": {}}\n{"page": "a", "fields": {}}\n', "utf-8")
    with pytest.raises(ScoreError, match="twice"):
        score_files(bad, tmp_path / "truth.jsonl", TYPES)
