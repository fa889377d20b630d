"""The debit screens: the water department's staff and supervisor only; vendors and other departments get 403."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.debit.conftest import DEBIT_DATE, water_user
from yakuba.accounts.access import DENIED_HEADER
from yakuba.accounts.roles import Role
from yakuba.audit.models import AuditEntry
from yakuba.debit.actions import runs

PAGES = ["debit:runs", "debit:customers", "debit:notices", "debit:new_forms"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CITY_STAFF, Role.CITY_SUPERVISOR])
def test_the_water_department_gets_in(role: str, customers) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    user = water_user(role, username=f"suido-{role}")
    client.force_login(user)
    run = runs.do_create_run(DEBIT_DATE, user)
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    page = client.get(reverse("debit:run", args=[run.pk])).content.decode()
    assert "中継サーバーへ送信する" in page and "0005" in page
    page = client.get(reverse("debit:customer", args=[customers[0].pk])).content.decode()
    assert customers[0].name in page and "振替 %d" % run.pk in page
    assert AuditEntry.objects.filter(action="personal.read", target_id=str(customers[0].pk)).exists()
    home = client.get("/").content.decode()
    assert "口座振替の処理" in home and reverse("debit:runs") in home


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.VENDOR_OPERATOR, Role.VENDOR_RESPONSIBLE, Role.CITY_STAFF, Role.COUNCIL_MEMBER,
                                  Role.ADMIN])
def test_it_refuses_everyone_else(role: str, customers) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(factories.user(role))  # vendor-entry, kodomo (another department), council, admin
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 403 and response[DENIED_HEADER] == "denied", (role, name)
    response = client.get(reverse("debit:customer", args=[customers[0].pk]))
    assert response.status_code == 403 and customers[0].name.encode() not in response.content
    assert "口座振替の処理" not in client.get("/").content.decode()
