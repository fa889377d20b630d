"""Staff see how each child's points were made up (基準点 + each 調整点 = 点数, with 所得割額),
the view of personal data is audited, and another department is refused."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from yakuba.accounts.roles import Role
from yakuba.admission.models import Application
from yakuba.audit.models import AuditEntry


@pytest.mark.django_db
def test_it_shows_staff_how_the_points_were_made_up(imported, staff, population) -> None:
    receipt, fact = next((k, v) for k, v in population.facts.items() if v.get("single_parent"))
    app = Application.objects.get(receipt_number=receipt)
    client = Client()
    client.force_login(staff)
    page = client.get(f"/admission/applications/{app.pk}/").content.decode()
    assert f"基準点 {app.base_points}" in page and "ひとり親世帯 +5" in page and app.child_name in page
    assert AuditEntry.objects.filter(action="personal.read", target_id=str(app.pk)).exists()

    factories.org("kodomo")
    from yakuba.accounts.models import Organisation

    Organisation.objects.get_or_create(code="suido", defaults={"name": "上下水道総務課", "kind": "city_department"})
    water = factories.user(Role.CITY_STAFF, username="water-staff", org_code="suido")
    other = Client()
    other.force_login(water)
    assert other.get(f"/admission/applications/{app.pk}/").status_code == 403
