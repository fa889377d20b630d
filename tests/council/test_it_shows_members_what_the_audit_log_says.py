"""The council members' dashboard: per system, the reads that showed personal data by role, refusals,
erasures and exports; per outside organisation its entries and reads; break-glass and overdue corrections;
the audit chain's last verification — counts and ids only. Other roles are refused."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests import factories
from yakuba.audit.log import record

pytestmark = pytest.mark.django_db


def test_it_works() -> None:
    from yakuba.accounts.models import Organisation

    vendor = Organisation.objects.create(code="vendor-x", name="株式会社テスト入力(委託先)", kind=Organisation.Kind.VENDOR)
    operator = factories.user("vendor_operator", username="op-x", org_code=vendor.code)
    staff = factories.user("health_staff", username="hs-x")
    for i in range(5):
        record("intake.batch.read", actor=operator, target_type="intake.batch", target_id=i, categories=["name"])
    record("intake.crop.refused", actor=operator, target_type="intake.page", target_id=1)
    for i in range(3):
        record("health.read", actor=staff, target_type="health.child", target_id=i, categories=["health"])
    record("consult.break_glass.opened", actor=staff, target_type="consult.case", target_id=1, categories=["sensitive"])
    record("consult.correction.escalated", actor=staff, target_type="consult.correctionrequest", target_id=1)
    record("export.approved", actor=staff, target_type="exports.export", target_id=77)

    client = Client()
    client.force_login(factories.user("council_member", username="cm-x"))
    page = client.get("/council/").content.decode()
    intake = re.search(r'data-system="intake">(.*?)</tr>', page, re.S).group(1)  # type: ignore[union-attr]
    assert "AI-OCR 入力(委託先)" in intake and "5(委託先オペレーター 5)" in intake and "<td>1</td>" in intake
    assert re.search(r'data-system="health">.*?<td>3\(', page, re.S)
    assert "株式会社テスト入力(委託先)" in page and "緊急時の閲覧 1 件" in page and "訂正依頼 1 件" in page
    assert "出力を承認" in page and "<td>77</td>" in page and "まだ検証されていません" in page

    other = Client()
    other.force_login(staff)
    assert other.get("/council/").status_code == 403
