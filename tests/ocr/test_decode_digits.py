"""Digit cells decode only to digits, one per cell, and blank cells to nothing."""

from test_decode_render import FONTS, HANDWRITING, render_cell, render_cells, render_text

from yakuba.ocr.decode import DigitReader, TextReader


def test_digit_cells_give_digits_only_and_blanks():
    reader = DigitReader()
    for k, font in enumerate(FONTS):
        cells = reader.read(render_cells("09 12 3", font, seed=k))
        assert [c.text for c in cells] == ["0", "9", "", "1", "2", "", "3"], font
        assert all(c.text == "" or c.text.isdigit() for c in cells)


def test_a_katakana_looking_glyph_in_a_digit_cell_still_gives_a_digit():
    # ソ in a digit box: unconstrained it is katakana; constrained it must be a digit (likely 7 or 1)
    cell = DigitReader().read([render_cell("ソ", HANDWRITING[0])])[0]
    assert cell.text.isdigit() and len(cell.text) == 1
    assert cell.confidence < 0.9  # and the reader says it is unsure


def test_digit_mask_on_a_text_box():
    d = TextReader().read(render_text("7ソ3", HANDWRITING[1]), "digits")
    assert d.text and d.text.isdigit()
