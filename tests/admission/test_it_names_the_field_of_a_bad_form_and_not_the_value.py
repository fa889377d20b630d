"""What staff post is checked by a form: the message names the field and why, in Japanese, and
never repeats what was typed; nothing is changed."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.admission.conftest import YEAR
from yakuba.admission.models import Application
from yakuba.audit.models import AuditEntry


def _errors(response) -> list[str]:  # type: ignore[no-untyped-def]
    return re.findall(r'message--error">([^<]*)', response.content.decode())


@pytest.mark.django_db
def test_it_names_the_field_of_a_bad_form_and_not_the_value(imported, staff) -> None:
    _, rnd = imported
    app = Application.objects.order_by("receipt_number").first()
    client = Client()
    client.force_login(staff)

    r = client.post("/admission/applications/new/", {
        "year": YEAR, "receipt_number": "M-0009", "child_name": "入力 花子", "child_birth": "令和7年5月1日"}, follow=True)
    assert _errors(r) == ["児童 生年月日: YYYY-MM-DD の形で入力してください。"]
    assert "令和7年5月1日" not in r.content.decode() and "入力 花子" not in r.content.decode()
    assert not Application.objects.filter(receipt_number="M-0009").exists()

    r = client.post(f"/admission/applications/{app.pk}/edit/", {"base_points": "四十", "wishes": "1001"}, follow=True)
    assert _errors(r) == ["基準点: 整数で入力してください。"] and "四十" not in r.content.decode()
    assert not AuditEntry.objects.filter(action="admission.application.changed").exists()

    r = client.post(f"/admission/rounds/{rnd.pk}/what-if/", {"facility": "1001", "age": "9", "capacity": "3"},
                    follow=True)
    assert _errors(r) == ["年齢クラス: 5 以下で入力してください。"]
    assert r.redirect_chain[-1][0] == f"/admission/rounds/{rnd.pk}/"

    r = client.post("/admission/import/", {"year": YEAR}, follow=True)
    assert _errors(r) == ["納品パッケージ: ファイルを指定してください。"]
