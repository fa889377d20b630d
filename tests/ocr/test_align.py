"""Alignment: a scanned page lands on the template's frame to within a millimetre; junk is refused."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from yakuba.ocr.align import AlignmentError, align, crop, crops, find_fiducials, ink_ratio
from yakuba.ocr.render import blank_array, px
from yakuba.ocr.synth import synth_page
from yakuba.ocr.template import load_template

DPI = 200


def _known_scan(angle: float, scale: float, shift: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    page = synth_page(4, 21).clean
    H, W = page.shape
    m = cv2.getRotationMatrix2D((W / 2, H / 2), angle, scale)
    m[:, 2] += shift
    return cv2.warpAffine(page, m, (W, H), borderValue=255), m


@pytest.mark.parametrize("angle, scale, shift", [(1.7, 1.0, (0, 0)), (-2.0, 0.97, (25, -18)), (0.6, 1.03, (-12, 9))])
def test_it_recovers_a_known_rotation_shift_and_scale(angle, scale, shift) -> None:  # type: ignore[no-untyped-def]
    t = load_template()
    image, _ = _known_scan(angle, scale, shift)
    aligned = align(image, t, dpi=DPI)
    assert aligned.method == "fiducials" and aligned.error_mm < 0.5 and aligned.match > 0.9
    assert abs(aligned.angle - (-angle)) < 0.3
    found = find_fiducials(aligned.image, t)
    assert found is not None
    for (x, y), fid in zip(found, t.fiducials):
        cx, cy = px(fid.center[0], DPI), px(fid.center[1], DPI)
        assert np.hypot(x - cx, y - cy) * 25.4 / DPI <= 1.0


def test_it_maps_every_box_of_a_synthetic_scan_back_within_a_millimetre() -> None:
    t = load_template()
    page = synth_page(6, 21)
    aligned = align(page.scan.image, t, dpi=DPI)
    # template pixel → scan (the synth's own affine) → aligned (our homography): back where it started
    pts = np.array([[px(l.box.center[0], DPI), px(l.box.center[1], DPI)] for l in t.leaf_boxes()])
    scanned = np.hstack([pts, np.ones((len(pts), 1))]) @ page.scan.matrix.T
    back = cv2.perspectiveTransform(scanned.reshape(-1, 1, 2), aligned.homography).reshape(-1, 2)
    assert np.hypot(*(back - pts).T).max() * 25.4 / DPI <= 1.0


def test_it_crops_the_ink_that_was_written_in_each_box() -> None:
    t = load_template()
    page = synth_page(8, 21)
    aligned = align(page.scan.image, t, dpi=DPI)
    clean = type(aligned)(page.clean, t, DPI, np.eye(3), 0.0, 1.0, "clean", 0.0)
    blank = type(aligned)(blank_array(t, DPI), t, DPI, np.eye(3), 0.0, 1.0, "blank", 0.0)
    for f in t.fields:
        if f.type not in ("kanji", "katakana", "digits", "code", "postal", "phone"):
            continue
        for got, want, printed in zip(crops(aligned, f), crops(clean, f), crops(blank, f)):
            assert got.shape == want.shape
            written = ink_ratio(want)
            if written > 0.02:  # the rendered strokes are there, at the same place
                ink = cv2.dilate((got < 128).astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
                near_print = cv2.dilate((printed < 250).astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
                wanted = (want < 100) & ~near_print
                assert ink[wanted].mean() > 0.85, f.id
            elif written == 0:
                assert ink_ratio(got) < 0.01, f.id
    assert len(crops(aligned, t.field("phone"))) == 11 and len(crops(aligned, t.field("child_birth"))) == 11
    assert crop(aligned, t.field("address").box, margin_mm=1).shape == (round(px(13, DPI)), round(px(160, DPI)))


def test_it_turns_an_upside_down_page_round() -> None:
    t = load_template()
    page = synth_page(9, 21)
    aligned = align(cv2.rotate(page.scan.image, cv2.ROTATE_180), t, dpi=DPI)
    assert aligned.flipped and aligned.match > 0.9


def test_it_aligns_on_three_fiducials_when_a_corner_is_covered() -> None:
    t = load_template()
    image = synth_page(10, 21).scan.image.copy()
    image[:160, :160] = 255
    aligned = align(image, t, dpi=DPI)
    assert aligned.method == "fiducials-3" and aligned.match > 0.95


def test_it_falls_back_to_features_when_two_fiducials_are_gone() -> None:
    t = load_template()
    page = synth_page(11, 21)
    image = page.scan.image.copy()
    image[:160, :160] = 255
    image[-160:, -160:] = 255
    aligned = align(image, t, dpi=DPI)
    assert aligned.method == "features" and aligned.match > 0.95
    pts = np.array([[px(l.box.center[0], DPI), px(l.box.center[1], DPI)] for l in t.leaf_boxes()])
    scanned = np.hstack([pts, np.ones((len(pts), 1))]) @ page.scan.matrix.T
    back = cv2.perspectiveTransform(scanned.reshape(-1, 1, 2), aligned.homography).reshape(-1, 2)
    assert np.hypot(*(back - pts).T).max() * 25.4 / DPI <= 1.0


@pytest.mark.parametrize("image", [
    np.full((2339, 1654), 255, np.uint8),
    np.clip(np.random.default_rng(1).normal(245, 6, (2339, 1654)), 0, 255).astype(np.uint8),
    np.random.default_rng(2).integers(0, 256, (2339, 1654), dtype=np.uint8),
], ids=["white", "white-with-noise", "random-noise"])
def test_it_refuses_a_page_that_is_not_the_form(image) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AlignmentError) as info:
        align(image, load_template(), dpi=DPI)
    assert info.value.reason


def test_it_refuses_a_page_turned_sideways() -> None:
    image = cv2.rotate(synth_page(9, 21).scan.image, cv2.ROTATE_90_CLOCKWISE)
    with pytest.raises(AlignmentError):
        align(image, load_template(), dpi=DPI)
