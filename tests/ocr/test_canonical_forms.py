"""Canonical forms per field type; normalising twice changes nothing."""

import pytest
from hypothesis import given, strategies as st

from yakuba.ocr.canonical import canonical

digitish = st.text(alphabet="0123456789０１２３４５６７８９-－ ()（）", max_size=20)


@given(digitish)
def test_phone_and_digits_idempotent(s):
    once = canonical("phone", s)
    assert once.isdigit() or once == ""
    assert canonical("phone", once) == once


@given(st.text(alphabet="0123456789０１２３４５６７８９", min_size=7, max_size=7), st.booleans())
def test_postal_idempotent(s, hyphen):
    v = s[:3] + "-" + s[3:] if hyphen else s
    once = canonical("postal", v)
    assert len(once) == 7 and canonical("postal", once) == once


@given(st.text(alphabet="ｱｲｳｶﾞﾊﾟあいうアイウー ｰ　", max_size=12))
def test_katakana_idempotent(s):
    once = canonical("katakana", s)
    assert canonical("katakana", once) == once
    assert all("ァ" <= c <= "ヶ" or c in "ー " for c in once)


def test_examples():
    assert canonical("postal", "100-0001") == "1000001"
    assert canonical("phone", "03-1234-5678") == "0312345678"
    assert canonical("kanji", " 山田　　花子 ") == "山田 花子"
    assert canonical("katakana", "ﾔﾏﾀﾞ　はなこ") == "ヤマダ ハナコ"
    assert canonical("code", "０１２３") == "0123"
    assert canonical("checkbox", "✓") == "1" and canonical("checkbox", "") == "0"
    with pytest.raises(ValueError):
        canonical("postal", "12345")
