"""Checkboxes by ink ratio inside the printed frame: ≥ 99.5 % right on 30 synthetic scanned pages."""

from __future__ import annotations

import numpy as np

from yakuba.ocr.align import align, crop, ink_ratio, read_checkbox
from yakuba.ocr.synth import synth_page
from yakuba.ocr.template import load_template


def test_it_reads_checkboxes_of_synthetic_scans() -> None:
    t = load_template()
    boxes = [f for f in t.fields if f.type == "checkbox"]
    right = total = 0
    for i in range(1, 31):
        page = synth_page(i, 99)
        aligned = align(page.scan.image, t)
        for f in boxes:
            value, confidence = read_checkbox(crop(aligned, f.box, margin_mm=0.6))
            total += 1
            right += value == page.truth[f.id]
            assert 0.0 <= confidence <= 1.0
    assert total == 30 * len(boxes)
    assert right / total >= 0.995, f"{right}/{total}"


def test_it_ignores_the_printed_frame_and_leaves_a_smudge_undecided() -> None:
    empty = np.full((40, 40), 255, np.uint8)
    empty[3:5, 3:37] = empty[35:37, 3:37] = 90  # the printed frame only
    empty[3:37, 3:5] = empty[3:37, 35:37] = 90
    assert ink_ratio(empty) == 0.0 and read_checkbox(empty)[0] == "0"
    smudge = empty.copy()
    smudge[17:22, 16:22] = 30  # a dot: neither clearly ticked nor clearly empty
    assert read_checkbox(smudge)[0] is None
    ticked = empty.copy()
    for k in range(8, 32):
        ticked[k:k + 3, 40 - k - 2:40 - k + 1] = 20
    assert read_checkbox(ticked)[0] == "1"
