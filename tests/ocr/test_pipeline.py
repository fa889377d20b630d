"""The reading pipeline: pages in, one result line per page out, in the issue's JSON contract."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from yakuba.ocr.engines import NullEngine
from yakuba.ocr.pipeline import PipelineError, field_crop, load_pages, read_image, read_paths, redact
from yakuba.ocr.synth import synth, synth_page
from yakuba.ocr.template import load_template


def _pdf(path: Path, images: list[np.ndarray]) -> None:
    from PIL import Image

    pil = [Image.fromarray(i) for i in images]
    pil[0].save(path, save_all=True, append_images=pil[1:], resolution=200)


def test_it_names_the_pages_of_a_pdf_by_file_and_number(tmp_path: Path) -> None:
    pages = [synth_page(i, 5).scan.image for i in (1, 2)]
    _pdf(tmp_path / "scan.pdf", pages)
    got = list(load_pages(tmp_path / "scan.pdf"))
    assert [n for n, _ in got] == ["scan.pdf#1", "scan.pdf#2"]
    assert got[0][1].shape[0] > 1000


def test_it_reports_an_unreadable_page_and_guesses_nothing(tmp_path: Path) -> None:
    blank = np.full((2339, 1654), 255, np.uint8)
    r = read_image(blank, "blank.png", engine=NullEngine())
    assert r.error
    assert all(f.status == "review" and f.value == "" and f.reason for f in r.fields.values())
    assert set(r.fields) == set(load_template().field_ids)


def test_it_refuses_an_unknown_file_type_with_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(PipelineError, match="notes.txt"):
        list(load_pages(tmp_path / "notes.txt"))


def test_it_reports_a_corrupt_image_as_an_unreadable_page(tmp_path: Path) -> None:
    (tmp_path / "broken.png").write_bytes(b"\x89PNG not really")
    (line,) = list(read_paths([tmp_path / "broken.png"], engine="null", workers=1))
    assert line["page"] == "broken.png" and line["error"]
    assert all(f["status"] == "review" for f in line["fields"].values())


def test_it_reads_checkboxes_without_an_engine_and_sends_empty_text_to_review() -> None:
    page = synth_page(3, 11)
    r = read_image(page.scan.image, page.name, engine=NullEngine())
    assert r.error is None
    boxes = [f for f, t in load_template().types().items() if t == "checkbox"]
    assert all(r.fields[f].value == page.truth[f] for f in boxes)
    # the null engine reads nothing: written text fields cannot be accepted
    for fid in ("child_name", "address", "postal_code", "wish1"):
        assert r.fields[fid].status == "review", fid


def test_it_reads_synthetic_pages_with_rapidocr_to_the_contract(tmp_path: Path) -> None:
    truth = synth(3, 42, tmp_path / "in")
    lines = list(read_paths([tmp_path / "in"], workers=2))
    want = {json.loads(x)["page"]: json.loads(x)["fields"] for x in truth.read_text().splitlines()}
    assert [x["page"] for x in lines] == sorted(want)
    accepted = right = 0
    for line in lines:
        assert set(line["fields"]) == set(want[line["page"]])
        for fid, f in line["fields"].items():
            assert set(f) == {"value", "confidence", "status", "reason"}
            assert f["status"] in ("accepted", "review") and 0.0 <= f["confidence"] <= 1.0
            assert bool(f["reason"]) == (f["status"] == "review")
            if f["status"] == "accepted":
                accepted += 1
                right += f["value"] == want[line["page"]][fid]
    assert accepted >= 0.7 * 3 * len(want["page-0001.png"])
    assert right / accepted >= 0.98


def test_it_crops_a_field_and_redacts_personal_ones() -> None:
    page = synth_page(1, 3)
    r = read_image(page.scan.image, page.name, engine=NullEngine())
    t = load_template()
    c = field_crop(r.aligned, t, "child_name")
    assert 50 < c.shape[0] < 200 and c.shape[1] > 500 and (c < 128).any()
    red = redact(r.aligned, t, t.personal_ids())
    assert not np.array_equal(red, r.aligned)
    assert np.array_equal(redact(r.aligned, t, [])[:100], r.aligned[:100])
    # what was under a personal field is gone
    assert (field_crop(red, t, "address", margin_mm=0) == 40).all()
