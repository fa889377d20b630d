"""フリガナ boxes decode to katakana, space and ー only; kanji boxes carry no Latin."""

import re

from test_decode_render import FONTS, render_text

from yakuba.ocr.decode import TextReader, fix_katakana


def test_katakana_field_never_contains_kanji_or_latin():
    reader = TextReader()
    for k, font in enumerate(FONTS):
        for text in ("ヤマダ ハナコ", "山田 花子", "ABC 123"):
            d = reader.read(render_text(text, font, seed=k), "katakana")
            assert re.fullmatch(r"[ァ-ヶー ]*", d.text), (font, text, d.text)
        assert reader.read(render_text("ヤマダ ハナコ", font, seed=k), "katakana").text == "ヤマダ ハナコ"


def test_kanji_field_has_no_latin():
    d = TextReader().read(render_text("東京都港区 ABC 1-2", FONTS[0]), "kanji")
    assert not re.search(r"[A-Za-zＡ-Ｚａ-ｚ]", d.text)
    assert d.text.startswith("東京都港区")


def test_kana_grammar_fixes():
    assert fix_katakana("マッイ ュミ") == "マツイ ユミ"
    assert fix_katakana("キョウコ ショウタ") == "キョウコ ショウタ"
    assert fix_katakana("サッカ") == "サッカ"
