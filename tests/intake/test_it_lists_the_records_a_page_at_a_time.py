"""The records list shows a page of 50 at a time (each page a read counted against the read budget),
so a vendor with thousands of records can still open it; the whole list leaves through the export step."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from yakuba.accounts.roles import Role
from yakuba.audit.models import AuditEntry


@pytest.mark.django_db
def test_it_works() -> None:
    vendor = factories.org("vendor-entry")
    for n in range(1, 121):
        factories.application(vendor, n)
    client = Client()
    client.force_login(factories.user(Role.VENDOR_RESPONSIBLE))
    first = client.get("/intake/").content.decode()
    assert "T-0001" in first and "T-0050" in first and "T-0051" not in first and "?page=2" in first
    last = client.get("/intake/?page=3").content.decode()
    assert "T-0101" in last and "T-0120" in last and "T-0100" not in last
    counts = [e.detail["count"] for e in AuditEntry.objects.filter(action="personal.list").order_by("seq")]
    assert counts == [50, 20]
