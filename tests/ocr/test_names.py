"""氏名 and フリガナ set against each other: the space between family and given name, agreement."""

from __future__ import annotations

from yakuba.ocr.checks import AGREED, reconcile_name


def test_it_trusts_a_furigana_that_spells_the_names_reading() -> None:
    name, kana, conf, n_why, k_why = reconcile_name("山田 花子", "ヤマダハナコ", 0.7)
    assert (name, kana, conf, n_why, k_why) == ("山田 花子", "ヤマダ ハナコ", AGREED, "", "")


def test_it_puts_back_the_space_a_name_was_read_without() -> None:
    name, kana, *_ = reconcile_name("田中健一", "タナカケンイチ", 0.9)
    assert (name, kana) == ("田中 健一", "タナカ ケンイチ")


def test_it_takes_the_dictionarys_word_break_when_two_splits_read_the_same() -> None:
    # 藤|田翔 and 藤田|翔 both read フジタショウ
    name, kana, *_ = reconcile_name("藤田翔", "フジタショウ", 0.97)
    assert (name, kana) == ("藤田 翔", "フジタ ショウ")


def test_it_sends_a_name_without_a_space_it_cannot_place_to_review() -> None:
    name, kana, conf, n_why, k_why = reconcile_name("山田花子", "スズキハナコ", 0.97)
    assert name == "山田花子" and "区切り" in n_why and "区切り" in k_why and conf == 0.97


def test_it_keeps_its_own_reading_when_the_names_reading_differs() -> None:
    # 陽葵 is read ヒマリ by the family, not by the dictionary: nothing is raised, nothing replaced
    name, kana, conf, n_why, k_why = reconcile_name("村上 陽葵", "ムラカミヒマリ", 0.8)
    assert name == "村上 陽葵" and kana == "ムラカミ ヒマリ" and conf == 0.8 and not n_why and not k_why


def test_it_small_kana_aside_takes_the_dictionary_form() -> None:
    _, kana, conf, *_ = reconcile_name("佐藤 翔太", "サトウシヨウタ", 0.6)
    assert kana == "サトウ ショウタ" and conf == AGREED
