"""The default engine reads rendered crops through the Engine interface."""

from test_decode_render import GOTHIC, HANDWRITING, render_cells, render_text

from yakuba.ocr.engines import Reading, get_engine, read_checkbox
import numpy as np


def test_rapidocr_engine_reads_text_and_cells():
    eng = get_engine("rapidocr")
    r = eng.read_text(render_text("ヤマダ ハナコ", GOTHIC), "katakana")
    assert isinstance(r, Reading) and r.text == "ヤマダ ハナコ" and r.confidence > 0.9
    r = eng.read_cells(render_cells("1000001", HANDWRITING[0]), "postal")
    assert r.text == "1000001" and 0.0 < r.confidence <= 1.0


def test_checkbox_by_ink_ratio():
    empty = np.full((30, 30), 255, np.uint8)
    empty[0:2, :] = empty[-2:, :] = 0
    ticked = empty.copy()
    ticked[8:22, 8:22] = 0
    assert read_checkbox(empty).text == "0" and read_checkbox(empty).confidence > 0.9
    assert read_checkbox(ticked).text == "1" and read_checkbox(ticked).confidence > 0.9
