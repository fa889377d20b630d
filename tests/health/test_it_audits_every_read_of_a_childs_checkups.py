"""A child's page names, in the audit log, every category it showed: the child (氏名, 生年月日, 識別番号,
健康) and the checkups (健康, and 要配慮 for the 問診). Nobody but the health staff gets the page."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from tests.health import helpers
from yakuba.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_it_works() -> None:
    staff = helpers.staff()
    child = helpers.child()
    helpers.checkup(child, staff, interview={"harsh_discipline": "ない"})
    client = Client()
    client.force_login(staff)
    before = AuditEntry.objects.count()
    page = client.get(f"/health/children/{child.pk}/")
    assert page.status_code == 200
    reads = AuditEntry.objects.filter(action="health.read").order_by("seq")[0:]
    assert AuditEntry.objects.count() > before
    categories = set().union(*(set(e.categories) for e in reads))
    assert {"name", "birth_date", "identifier", "health", "sensitive"} <= categories
    ids = [e.detail["ids"] for e in reads]
    assert [child.pk] in ids and [child.checkups.get().pk] in ids
    assert "感情的に叩いたり" in page.content.decode()  # the 問診 is shown to the health staff


@pytest.mark.parametrize("role", ["city_staff", "center_worker", "council_member", "admin"])
def test_no_other_role_gets_a_childs_page(role: str) -> None:
    child = helpers.child()
    client = Client()
    client.force_login(factories.user(role))
    response = client.get(f"/health/children/{child.pk}/")
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="health.read").exists()
