from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from yakuba.accounts.roles import Role
from yakuba.audit.models import AuditEntry


@pytest.mark.django_db
@pytest.mark.smoke
def test_it_logs_a_login_and_a_failed_login_without_the_typed_name() -> None:
    user = factories.user(Role.CITY_STAFF, username="staff-x")
    client = Client()
    assert client.post("/login/", {"username": "staff-x", "password": factories.PASSWORD}).status_code == 302
    assert AuditEntry.objects.filter(action="login", actor_id=user.pk).exists()

    Client().post("/login/", {"username": "somebody-typed-this", "password": "wrong"})
    failed = AuditEntry.objects.filter(action="login.failed").latest("seq")
    assert "username_pseudonym" in failed.detail
    assert "somebody-typed-this" not in str(failed.chain_fields())


@pytest.mark.django_db
def test_it_locks_out_after_repeated_failures(settings) -> None:  # type: ignore[no-untyped-def]
    factories.user(Role.CITY_STAFF, username="staff-y")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "staff-y", "password": "wrong-password"})
    response = client.post("/login/", {"username": "staff-y", "password": factories.PASSWORD})
    assert response.status_code == 429
    assert "一時的に停止" in response.content.decode()
