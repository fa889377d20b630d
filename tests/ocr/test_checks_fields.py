"""Each field check flags the bad case and passes the good one."""

from datetime import date

from yakuba.ocr.checks import (
    check_child_birth, check_date, check_kana, check_month, check_phone, check_postal,
    check_range, check_wishes,
)

TODAY = date(2026, 11, 1)


def test_postal_against_address():
    assert check_postal("1000001", "東京都千代田区千代田1-1") is None
    assert check_postal("1000001", "千代田区千代田1-1") is None
    assert check_postal("0000000", "東京都千代田区千代田1-1")
    assert check_postal("1000001", "大阪府大阪市北区梅田1-1")
    assert check_postal("1000001", "東京都港区芝公園4-2-8")


def test_dates_and_birth():
    assert check_date("2024-02-29") is None and check_date("2023-02-29")
    assert check_child_birth("2023-04-02", TODAY) is None
    assert check_child_birth("2019-04-02", TODAY)  # 7 years old
    assert check_child_birth("2027-01-01", TODAY)  # future
    assert check_month("2027-04", TODAY) is None and check_month("2031-04", TODAY)


def test_phone_shapes():
    assert check_phone("0312345678") is None and check_phone("09012345678") is None
    assert check_phone("0901234567") and check_phone("312345678") and check_phone("031234567")


def test_kana_plausible_for_name():
    assert check_kana("山田 花子", "ヤマダ ハナコ") is None
    assert check_kana("山崎 一", "ヤマザキ ハジメ") is None  # another reading: fine
    assert check_kana("山田 花子", "スズキ イチロウ")
    assert check_kana("山田 花子", "ヤマ")
    assert check_kana("山田 花子", "ヤマダ 花子")


def test_numbers_and_wishes():
    assert check_range("5", 1, 7, "日数") is None and check_range("8", 1, 7, "日数")
    assert check_range("8", 1, 24, "時間") is None and check_range("0", 1, 24, "時間")
    codes = {"0101", "0102", "0103"}
    assert check_wishes({"wish1": "0101", "wish2": "0102", "wish3": ""}, codes) == {}
    bad = check_wishes({"wish1": "0101", "wish2": "0101", "wish3": "9999"}, codes)
    assert set(bad) == {"wish2", "wish3"}
