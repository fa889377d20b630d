"""check_page over a whole page, checkbox groups, and the accept/review decision."""

from datetime import date

from yakuba.ocr.checks import check_page, decide, thresholds
from yakuba.ocr.engines import Reading

GOOD = {
    "child_name": "山田 花子", "child_kana": "ヤマダ ハナコ", "child_birth": "2024-05-10",
    "child_sex_male": "0", "child_sex_female": "1",
    "postal_code": "1000001", "address": "東京都千代田区千代田1-1", "phone": "09012345678",
    "guardian1_name": "山田 太郎", "guardian1_kana": "ヤマダ タロウ", "guardian1_relation": "父",
    "guardian1_employer": "株式会社見本", "guardian1_days": "5", "guardian1_hours": "8",
    "guardian1_emp_regular": "1", "guardian1_emp_parttime": "0",
    "guardian1_need_work": "1", "guardian1_need_birth": "0",
    "guardian2_name": "", "guardian2_kana": "", "guardian2_days": "", "guardian2_hours": "",
    "sibling1_name": "", "sibling1_kana": "", "sibling1_birth": "",
    "wish1": "0101", "wish2": "0102", "wish3": "", "start_month": "2027-04",
}
KW = {"facility_codes": {"0101", "0102"}, "today": date(2026, 11, 1)}


def test_good_page_passes():
    assert check_page(GOOD, **KW) == {}


def test_bad_page_flags_each_field():
    bad = dict(GOOD, child_sex_male="1", postal_code="5300001", guardian1_days="9",
               wish2="0101", child_kana="スズキ イチロウ", phone="0901234567")
    out = check_page(bad, **KW)
    assert {"child_sex_male", "child_sex_female", "postal_code", "guardian1_days", "wish2",
            "child_kana", "phone"} <= set(out)
    assert all(out.values())


def test_era_group_exactly_one():
    page = dict(GOOD, child_birth_era_西暦="0", child_birth_era_令和="1", child_birth_era_平成="1")
    assert "child_birth_era_令和" in check_page(page, **KW)


def test_decide():
    t = thresholds()
    assert decide("digits", Reading("1", t["digits"] + 0.01)) == ("accepted", "")
    assert decide("digits", Reading("1", t["digits"]))[0] == "review"
    assert decide("kanji", Reading("x", 0.999), ["郵便番号と住所が一致しません"]) == (
        "review", "郵便番号と住所が一致しません")
