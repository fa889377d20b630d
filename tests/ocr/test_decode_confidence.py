"""A smudged crop reads with lower confidence than the same crop clean."""

from test_decode_render import HANDWRITING, render_cell, render_text, smudge

from yakuba.ocr.decode import DigitReader, TextReader


def test_smudged_text_is_less_confident():
    reader = TextReader()
    for k, font in enumerate(HANDWRITING[:3]):
        clean = render_text("サトウ ミサキ", font, seed=k)
        assert reader.read(smudge(clean, k), "katakana").confidence < reader.read(clean, "katakana").confidence


def test_smudged_cell_is_less_confident():
    reader = DigitReader()
    for k, font in enumerate(HANDWRITING[:3]):
        clean = render_cell("4", font, seed=k)
        c0 = reader.read([clean])[0]
        c1 = reader.read([smudge(clean, k, 1.3)])[0]
        assert c1.confidence < c0.confidence
