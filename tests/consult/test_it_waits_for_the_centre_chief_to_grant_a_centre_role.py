"""A center_worker role given in the shell is in force only once the centre's センター長 approves it
(SUPERVISOR_OF_KIND["center"]); another organisation's supervisor cannot decide it."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from yakuba.accounts.models import RoleGrant
from yakuba.accounts.roles import Role


@pytest.mark.django_db
def test_it_waits_for_the_centre_chief_to_grant_a_centre_role() -> None:
    member = factories.user(Role.AGENCY_STAFF, "newcomer")  # a role without personal data: in force at once
    chief = factories.user(Role.CENTER_SUPERVISOR, "chief")
    city_chief = factories.user(Role.CITY_SUPERVISOR, "city-chief")
    member.role, member.organisation = Role.CENTER_WORKER, factories.org("center")
    member.save()
    member.refresh_from_db()
    assert member.role == Role.AGENCY_STAFF  # sees names: waits for a second person
    grant = RoleGrant.objects.get(user=member, status=RoleGrant.Status.PENDING)

    other = Client()
    other.force_login(city_chief)
    other.post(f"/accounts/grants/{grant.pk}/", {"decision": "approve"})
    member.refresh_from_db()
    assert member.role == Role.AGENCY_STAFF

    client = Client()
    client.force_login(chief)
    assert client.post(f"/accounts/grants/{grant.pk}/", {"decision": "approve"}).status_code == 302
    member.refresh_from_db()
    assert member.role == Role.CENTER_WORKER and member.organisation.code == "center"
