"""The blank form: fiducials printed solid where the template puts them, frames, a printable PDF."""

from __future__ import annotations

import numpy as np

from yakuba.ocr.render import blank_pdf, box_px, render_blank
from yakuba.ocr.template import Box, load_template


def test_it_prints_the_fiducials_where_the_template_says() -> None:
    t = load_template()
    img = np.asarray(render_blank(t, dpi=200))
    assert img.shape == (2339, 1654) and img.dtype == np.uint8
    for fid in t.fiducials:
        x0, y0, x1, y1 = box_px(fid, 200)
        assert img[y0 + 1:y1 - 1, x0 + 1:x1 - 1].max() == 0  # solid black
        ring = box_px(Box(fid.x - 1, fid.y - 1, fid.w + 2, fid.h + 2), 200)
        around = img[ring[1]:ring[3], ring[0]:ring[2]].astype(int).sum() - img[y0:y1, x0:x1].astype(int).sum()
        assert around > 0.95 * 255 * ((ring[2] - ring[0]) * (ring[3] - ring[1]) - (x1 - x0) * (y1 - y0))  # white around


def test_it_prints_every_ink_box_with_a_frame_and_leaves_it_empty_inside() -> None:
    t = load_template()
    img = np.asarray(render_blank(t, dpi=200))
    for leaf in t.leaf_boxes():
        x0, y0, x1, y1 = box_px(leaf.box, 200)
        assert img[y0:y1, x0].max() < 200 and img[y0, x0:x1].max() < 200, leaf.key  # the frame's left and top lines
        inside = img[y0 + 4:y1 - 4, x0 + 4:x1 - 4]
        assert inside.min() == 255, leaf.key


def test_it_writes_the_blank_form_as_a_pdf(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = blank_pdf(load_template(), tmp_path / "form.pdf")
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and b"/MediaBox" in data and len(data) > 10_000
