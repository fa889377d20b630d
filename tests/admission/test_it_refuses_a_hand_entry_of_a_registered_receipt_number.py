"""A 受付番号 already registered for the year (delivered by the vendor) cannot be entered again
by hand: the screen says so, nothing is created, and the name typed in is not repeated."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.admission.conftest import YEAR
from yakuba.admission.models import Application


@pytest.mark.django_db
def test_it_refuses_a_hand_entry_of_a_registered_receipt_number(imported, staff) -> None:
    delivered = Application.objects.order_by("receipt_number").first()
    client = Client()
    client.force_login(staff)
    r = client.post("/admission/applications/new/", {
        "year": YEAR, "receipt_number": delivered.receipt_number, "child_name": "重複 太郎",
        "child_birth": "2025-05-01"}, follow=True)
    page = r.content.decode()
    assert r.redirect_chain[-1][0] == "/admission/applications/"
    messages = re.findall(r'message--error">([^<]*)', page)
    assert messages == [f"受付番号 {delivered.receipt_number} は既に登録されています。"]
    assert "重複 太郎" not in page
    assert Application.objects.filter(receipt_number=delivered.receipt_number).count() == 1
