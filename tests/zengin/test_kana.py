"""kana.to_zengin: free text → 全銀 characters, saying what changed."""

from __future__ import annotations

import pytest

from yakuba.zengin.kana import KanaError, to_zengin
from yakuba.zengin.errors import ZenginError


@pytest.mark.parametrize("text, expected, note", [
    ("やまだ たろう", "ﾔﾏﾀﾞ ﾀﾛｳ", "ひらがな"),
    ("ヤマダ　タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ", "全角"),
    ("ガッコウ", "ｶﾞﾂｺｳ", "小書き"),
    ("ｷｬｯﾁ", "ｷﾔﾂﾁ", "小書き"),
    ("スーパー", "ｽ-ﾊﾟ-", "ー を -"),
    ("abc", "ABC", "大文字"),
    ("ＡＢＣ１２３", "ABC123", "全角"),
    ("ヴィラ", "ｳﾞｲﾗ", "小書き"),
    ("ｶ)ﾔﾏﾀﾞｼｮｳｼﾞ", "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", "小書き"),
])
def test_it_maps_to_zengin(text: str, expected: str, note: str) -> None:
    result = to_zengin(text)
    assert result.text == expected
    assert any(note in c for c in result.changes), result.changes


def test_it_changes_nothing_in_zengin_text() -> None:
    assert to_zengin("ﾔﾏﾀﾞ ﾀﾛｳ").changes == []


def test_it_names_what_it_cannot_map() -> None:
    with pytest.raises(KanaError) as info:
        to_zengin("山田 タロウ")
    assert "山田" in str(info.value)
    assert isinstance(info.value, ZenginError)


def test_it_never_cuts_a_mark_from_its_letter() -> None:
    assert to_zengin("ガガガ", 3).text == "ｶﾞ"
    assert to_zengin("ガガガ", 4).text == "ｶﾞｶﾞ"
    assert to_zengin("アイウエオ", 3).text == "ｱｲｳ"
    assert any("切り詰め" in c for c in to_zengin("アイウエオ", 3).changes)


def test_bank_names_lose_the_signs_they_cannot_have() -> None:
    assert to_zengin("クレデイ．アグリコル", chars="bank").text == "ｸﾚﾃﾞｲ ｱｸﾞﾘｺﾙ"
