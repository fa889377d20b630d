from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from yakuba.accounts.roles import Role
from yakuba.audit.models import AuditEntry


@pytest.mark.django_db
def test_admin_screens_of_users_log_the_reads() -> None:
    admin = factories.user(Role.ADMIN)
    staff = factories.user(Role.CITY_STAFF)
    client = Client()
    client.force_login(admin)
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get(f"/admin/accounts/user/{staff.pk}/change/").status_code == 200
    listed = AuditEntry.objects.get(action="personal.list", target_type="accounts.user")
    read = AuditEntry.objects.get(action="personal.read", target_type="accounts.user")
    assert read.target_id == str(staff.pk) and read.actor_id == admin.pk
    assert {"name", "contact"} <= set(listed.categories)


@pytest.mark.django_db
def test_city_staff_cannot_reach_the_admin_site() -> None:
    client = Client()
    client.force_login(factories.user(Role.CITY_SUPERVISOR))
    assert client.get("/admin/accounts/user/").status_code == 403
