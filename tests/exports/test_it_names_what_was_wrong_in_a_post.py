"""A POST the export forms refuse: one Japanese message on the list, the value posted never echoed,
nothing changed."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests import factories
from yakuba.accounts.roles import Role
from yakuba.exports.models import Export


def _messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    return re.findall(r'message--\w+">([^<]*)', response.content.decode())


def _login(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_a_decision_that_is_neither_approve_nor_reject_changes_nothing(settings) -> None:  # type: ignore[no-untyped-def]
    settings.YAKUBA_BULK_EXPORT_ROWS = 1
    vendor = factories.org("vendor-entry")
    factories.application(vendor)
    _login(factories.user(Role.VENDOR_RESPONSIBLE)).post("/exports/request/", {"kind": "intake.applications", "reason": "確認"})
    export = Export.objects.get()
    assert export.status == Export.Status.PENDING
    r = _login(factories.user(Role.VENDOR_RESPONSIBLE, username="resp-2")).post(
        f"/exports/{export.pk}/decide/", {"decision": "山田花子"}, follow=True)
    (message,) = _messages(r)
    assert "承認するか却下するか" in message and "山田" not in message
    export.refresh_from_db()
    assert export.status == Export.Status.PENDING


@pytest.mark.django_db
def test_a_request_without_a_kind_is_refused() -> None:
    r = _login(factories.user(Role.VENDOR_RESPONSIBLE)).post("/exports/request/", {}, follow=True)
    assert any("出力の種類" in m for m in _messages(r))
    assert not Export.objects.exists()


@pytest.mark.django_db
def test_a_kind_the_role_may_not_ask_for_is_refused() -> None:
    r = _login(factories.user(Role.CITY_STAFF)).post("/exports/request/", {"kind": "intake.applications"}, follow=True)
    assert any("権限がありません" in m for m in _messages(r))
    assert not Export.objects.exists()
