"""The download is the file built at the request — byte for byte, its SHA-256 the recorded one, not
made again from the records as they are now — and only once; then the vault copy is erased."""

from __future__ import annotations

import hashlib

import pytest

from tests import factories
from tests.exports.conftest import logged_in
from yakuba.accounts.roles import Role
from yakuba.audit.models import AuditEntry
from yakuba.exports.models import Export


@pytest.fixture
def applications(db):  # type: ignore[no-untyped-def]
    vendor = factories.org("vendor-entry")
    return [factories.application(vendor, n) for n in range(1, 13)]


def _approved(settings):  # type: ignore[no-untyped-def]
    settings.YAKUBA_BULK_EXPORT_ROWS = 10
    requester = logged_in(factories.user(Role.VENDOR_RESPONSIBLE))
    requester.post("/exports/request/", {"kind": "intake.applications", "reason": "市への報告"})
    export = Export.objects.select_related("stored").get()
    logged_in(factories.user(Role.VENDOR_RESPONSIBLE, username="resp-2")).post(
        f"/exports/{export.pk}/decide/", {"decision": "approve"})
    return requester, export


@pytest.mark.django_db
def test_it_delivers_the_bytes_built_at_the_request_once(applications, settings) -> None:  # type: ignore[no-untyped-def]
    requester, export = _approved(settings)
    before = applications[0].child_name
    applications[0].child_name = "変更後 花子"  # changed after the request: the approved file does not follow
    applications[0].save()

    r = requester.post(f"/exports/{export.pk}/download/")
    assert r.status_code == 200
    assert hashlib.sha256(r.content).hexdigest() == export.sha256
    body = r.content.decode()
    assert before in body and "変更後" not in body
    assert AuditEntry.objects.filter(action="export.file", target_id=str(export.pk)).get().detail["sha256"] == export.sha256

    export.stored.refresh_from_db()
    assert export.stored.erased  # nothing kept after the download
    again = requester.post(f"/exports/{export.pk}/download/", follow=True)
    assert "既にダウンロード済み" in again.content.decode()
    assert AuditEntry.objects.filter(action="export.file").count() == 1


@pytest.mark.django_db
def test_a_stored_file_that_is_not_the_recorded_one_is_not_delivered(applications, settings) -> None:  # type: ignore[no-untyped-def]
    requester, export = _approved(settings)
    Export.objects.filter(pk=export.pk).update(sha256="0" * 64)
    r = requester.post(f"/exports/{export.pk}/download/", follow=True)
    assert "一致しません" in r.content.decode() and r["Content-Type"].startswith("text/html")
    export.refresh_from_db()
    assert export.status == Export.Status.APPROVED and not AuditEntry.objects.filter(action="export.file").exists()
