"""The one export step: bulk personal data waits for a second person; one download; all logged."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from yakuba.accounts.roles import Role
from yakuba.audit.models import AuditEntry
from yakuba.exports.models import Export
from yakuba.privacy.masking import MASK


def _login(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def applications(db):  # type: ignore[no-untyped-def]
    vendor = factories.org("vendor-entry")
    return [factories.application(vendor, n) for n in range(1, 13)]


@pytest.mark.django_db
@pytest.mark.smoke
def test_a_bulk_export_needs_approval_by_the_responsible_person(applications, settings) -> None:  # type: ignore[no-untyped-def]
    settings.YAKUBA_BULK_EXPORT_ROWS = 10
    responsible = factories.user(Role.VENDOR_RESPONSIBLE)
    other_responsible = factories.user(Role.VENDOR_RESPONSIBLE, username="resp-2")
    requester = _login(responsible)
    requester.post("/exports/request/", {"kind": "intake.applications"})
    export = Export.objects.get()
    assert export.status == Export.Status.PENDING and export.bulk and export.row_count == 12

    # Not yet: the file does not leave before approval.
    assert requester.post(f"/exports/{export.pk}/download/").status_code == 302
    # Nobody approves their own request.
    requester.post(f"/exports/{export.pk}/decide/", {"decision": "approve"})
    export.refresh_from_db()
    assert export.status == Export.Status.PENDING

    _login(other_responsible).post(f"/exports/{export.pk}/decide/", {"decision": "approve"})
    export.refresh_from_db()
    assert export.status == Export.Status.APPROVED and export.decided_by == other_responsible

    response = requester.post(f"/exports/{export.pk}/download/")
    assert response.status_code == 200
    assert "responsible" not in response["Content-Disposition"] or responsible.username in response["Content-Disposition"]
    body = response.content.decode()
    assert applications[0].child_name in body
    assert responsible.username in response["X-Yakuba-Watermark"].encode("latin-1").decode()

    # Only once.
    again = requester.post(f"/exports/{export.pk}/download/")
    assert again.status_code == 302
    actions = list(AuditEntry.objects.filter(target_id=str(export.pk)).exclude(target_type="accounts.user").values_list("action", flat=True))
    assert actions[:3] == ["export.requested", "export.approved", "export.file"]
    downloaded = AuditEntry.objects.get(action="export.downloaded")
    assert sorted(downloaded.detail["ids"]) == sorted(a.pk for a in applications)


@pytest.mark.django_db
def test_an_operators_export_carries_the_masks_and_needs_no_approval_for_non_personal_columns(applications) -> None:  # type: ignore[no-untyped-def]
    operator = _login(factories.user(Role.VENDOR_OPERATOR))
    operator.post("/exports/request/", {"kind": "intake.applications"})
    export = Export.objects.get()
    # birth dates and need reasons are still personal: bulk, so it waits.
    assert export.status == Export.Status.PENDING
    _login(factories.user(Role.VENDOR_RESPONSIBLE)).post(f"/exports/{export.pk}/decide/", {"decision": "approve"})
    body = operator.post(f"/exports/{export.pk}/download/").content.decode()
    assert MASK in body
    assert applications[0].child_name not in body and applications[0].address not in body


@pytest.mark.django_db
def test_a_small_export_goes_straight_through_but_is_logged(settings) -> None:  # type: ignore[no-untyped-def]
    vendor = factories.org("vendor-entry")
    factories.application(vendor)
    client = _login(factories.user(Role.VENDOR_RESPONSIBLE))
    client.post("/exports/request/", {"kind": "intake.applications"})
    export = Export.objects.get()
    assert export.status == Export.Status.APPROVED and not export.bulk
    assert client.post(f"/exports/{export.pk}/download/").status_code == 200
    assert AuditEntry.objects.filter(action="export.file", target_id=str(export.pk)).exists()


@pytest.mark.django_db
def test_a_city_user_cannot_export_the_vendors_list() -> None:
    client = _login(factories.user(Role.CITY_STAFF))
    client.post("/exports/request/", {"kind": "intake.applications"})
    assert not Export.objects.exists()


@pytest.mark.django_db
def test_someone_else_cannot_download_an_approved_export(applications) -> None:  # type: ignore[no-untyped-def]
    client = _login(factories.user(Role.VENDOR_RESPONSIBLE))
    client.post("/exports/request/", {"kind": "intake.applications"})
    export = Export.objects.get()
    _login(factories.user(Role.VENDOR_RESPONSIBLE, username="resp-2")).post(f"/exports/{export.pk}/decide/", {"decision": "approve"})
    thief = _login(factories.user(Role.VENDOR_OPERATOR))
    assert thief.post(f"/exports/{export.pk}/download/").status_code == 404
