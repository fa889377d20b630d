"""The CSV import from an existing system: UTF-8 or Shift_JIS, taken whole or not at all, every problem
named by line and column; unusual values kept with their warnings for the staff to look at."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.health import helpers
from yakuba.health.actions import do_import
from yakuba.health.importer import ImportRefused
from yakuba.health.models import Checkup, Child

pytestmark = pytest.mark.django_db

HEADER = "宛名番号,氏名,氏名カナ,生年月日,性別,健診,健診受診日,受診時月齢,身長,体重,胸囲,頭囲,判定,検尿蛋白,検尿潜血"
ROWS = [
    "900101,試験 いちか,シケン イチカ,2023/01/15,女,3〜4か月児健診,2023/05/20,4,62.0,6.400,40.0,40.0,健康・要観察,,",
    "900101,試験 いちか,シケン イチカ,2023/01/15,女,1歳6か月児健診,2024/07/20,18,79.0,9.700,46.5,46.0,要指導,,",
    "900102,試験 じろう,シケン ジロウ,2022/03/03,男,3歳児健診,2025/04/10,37,95.0,14.200,50.5,49.5,健康・要観察,-,±",
]


def csv_bytes(rows: list[str], encoding: str = "utf-8") -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode(encoding)


def test_it_works() -> None:
    staff = helpers.staff()
    result = do_import(csv_bytes(ROWS), staff)
    assert (result.encoding, result.rows, result.children_added, result.checkups_added) == ("utf-8", 3, 2, 3)
    child = Child.objects.get(resident_key="900102")
    three = child.checkups.get(kind="y3")
    assert (three.urine_protein, three.urine_blood, str(three.weight_kg)) == ("-", "±", "14.200")
    assert three.source == "import"


def test_it_reads_shift_jis() -> None:
    result = do_import(csv_bytes(ROWS, "cp932"), helpers.staff())
    assert result.encoding == "shift_jis" and Child.objects.get(resident_key="900101").name == "試験 いちか"


def test_it_reads_utf8_with_a_byte_order_mark() -> None:
    result = do_import(b"\xef\xbb\xbf" + csv_bytes(ROWS[:1]), helpers.staff())
    assert result.checkups_added == 1


def test_it_takes_nothing_when_one_row_is_wrong() -> None:
    bad = ROWS[:2] + [ROWS[2].replace("95.0", "9x5")]
    with pytest.raises(ImportRefused) as refused:
        do_import(csv_bytes(bad), helpers.staff())
    assert refused.value.problems == ["4行目 身長: 数ではありません"]
    assert not Child.objects.exists() and not Checkup.objects.exists()


def test_it_names_every_problem_by_line_and_column() -> None:
    rows = [ROWS[0].replace("2023/05/20", "2023/02/30"), ROWS[1].replace(",女,", ",X,"), "900103,試験,,,女,3歳児健診,,,,,,,,,"]
    with pytest.raises(ImportRefused) as refused:
        do_import(csv_bytes(rows), helpers.staff())
    assert refused.value.problems == ["2行目 健診受診日: ありえない日付です",
                                      "3行目 性別: 次のどれかで書いてください: 男・女・1・2",
                                      "4行目 生年月日: 空欄です(必須)", "4行目 健診受診日: 空欄です(必須)"]


def test_it_refuses_a_date_before_birth_with_its_line() -> None:
    rows = [ROWS[0].replace("2023/05/20", "2022/12/20").replace(",4,", ",,")]
    with pytest.raises(ImportRefused) as refused:
        do_import(csv_bytes(rows), helpers.staff())
    assert refused.value.problems == ["2行目: 健診受診日が生年月日より前です。"]


def test_it_refuses_unknown_or_missing_columns() -> None:
    with pytest.raises(ImportRefused) as refused:
        do_import("宛名番号,氏名,体温\n1,a,36.5\n".encode(), helpers.staff())
    assert refused.value.problems[0].startswith("1行目 見出し: 知らない列 体温、必須の列がありません 生年月日")


def test_it_refuses_bytes_that_are_neither_encoding() -> None:
    with pytest.raises(ImportRefused) as refused:
        do_import(csv_bytes(ROWS[:1]) + b"\x80\xff\xfe", helpers.staff())
    assert "UTF-8 でも Shift_JIS でもない" in refused.value.problems[0]


def test_it_keeps_an_imported_outlier_with_its_warning_to_confirm() -> None:
    staff = helpers.staff()
    do_import(csv_bytes([ROWS[0].replace("6.400", "4.700")]), staff)
    checkup = Checkup.objects.get()
    assert checkup.open_warnings == ["weight_kg:outside_band"]
    client = Client()
    client.force_login(staff)
    page = client.get(f"/health/children/{checkup.child_id}/").content.decode()
    assert "weight_kg:outside_band" in page
    assert client.post(f"/health/checkups/{checkup.pk}/confirm/").status_code == 302
    checkup.refresh_from_db()
    assert checkup.open_warnings == []


def test_the_screen_lists_the_problems() -> None:
    client = Client()
    client.force_login(helpers.staff())
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("kenshin.csv", csv_bytes([ROWS[0].replace("62.0", "abc")], "cp932"), "text/csv")
    page = client.post("/health/import/", {"file": bad}).content.decode()
    assert "2行目 身長: 数ではありません" in page and not Checkup.objects.exists()
    good = SimpleUploadedFile("kenshin.csv", csv_bytes(ROWS, "cp932"), "text/csv")
    page = client.post("/health/import/", {"file": good}).content.decode()
    assert 'data-testid="import-result"' in page and "Shift_JIS" in page and Checkup.objects.count() == 3
