"""Every view of a share by an agency is one audit entry naming the disclosure and exactly the
categories of the fields shown; a refused view (another agency, after expiry) reveals nothing."""

from __future__ import annotations

import pytest

from tests.consult.helpers import logged_in, sharing_world
from yakuba.audit.models import AuditEntry
from yakuba.consult.actions import sharing


@pytest.mark.django_db
def test_it_audits_every_agency_view_with_its_categories() -> None:
    s = sharing_world()
    case, worker = s.w.case, s.w.worker
    d = sharing.do_share(case, worker, organisation_id=s.agency_a.pk, basis="statute", statute="life_protection",
                         fields=["person.name", "person.address", "assessment.health_details"], form="view", days=5)
    created = AuditEntry.objects.get(action="consult.disclosure.created")
    assert created.categories == ["address", "health", "name"] and created.detail["fields"] == d.fields
    a = logged_in(s.staff_a)
    for _ in range(2):
        assert a.get(f"/consult/shared/{d.pk}/").status_code == 200
    views = AuditEntry.objects.filter(action="consult.shared.read").order_by("seq")
    assert views.count() == 2
    for entry in views:
        assert entry.categories == ["address", "health", "name"]
        assert entry.target_type == "consult.disclosure" and entry.detail["ids"] == [d.pk]
        assert entry.actor_id == s.staff_a.pk and entry.organisation == s.agency_a.code
    assert logged_in(s.staff_b).get(f"/consult/shared/{d.pk}/").status_code == 403
    assert AuditEntry.objects.filter(action="consult.shared.read").count() == 2
