"""A built file waits at most YAKUBA_EXPORT_TTL_H hours: `expire` (run by the worker and by
`yakuba exports expire`) erases it from the vault; a download after that is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests import factories
from tests.exports.conftest import logged_in
from yakuba.accounts.roles import Role
from yakuba.audit.models import AuditEntry
from yakuba.cli import main
from yakuba.exports.actions.keeping import expire
from yakuba.exports.models import Export


@pytest.fixture
def waiting(db, settings):  # type: ignore[no-untyped-def]
    settings.YAKUBA_BULK_EXPORT_ROWS = 10
    settings.YAKUBA_EXPORT_TTL_H = 2
    vendor = factories.org("vendor-entry")
    for n in range(1, 13):
        factories.application(vendor, n)
    client = logged_in(factories.user(Role.VENDOR_RESPONSIBLE))
    client.post("/exports/request/", {"kind": "intake.applications", "reason": "市への報告"})
    return client, Export.objects.select_related("stored").get()


@pytest.mark.django_db
def test_it_erases_an_export_past_its_time(waiting) -> None:  # type: ignore[no-untyped-def]
    client, export = waiting
    assert dt.timedelta(hours=1, minutes=59) < export.expires_at - export.created_at <= dt.timedelta(hours=2)
    assert expire(timezone.now()) == 0  # not yet
    assert expire(export.expires_at + dt.timedelta(seconds=1)) == 1
    export.refresh_from_db()
    export.stored.refresh_from_db()
    assert export.status == Export.Status.EXPIRED and export.stored.erased and not export.stored.path.exists()
    assert AuditEntry.objects.filter(action="export.expired", target_id=str(export.pk)).exists()
    r = client.post(f"/exports/{export.pk}/download/", follow=True)
    assert "保管期限を過ぎた" in r.content.decode()


@pytest.mark.django_db
def test_an_approved_export_past_its_time_is_not_delivered(waiting) -> None:  # type: ignore[no-untyped-def]
    client, export = waiting
    logged_in(factories.user(Role.VENDOR_RESPONSIBLE, username="resp-2")).post(
        f"/exports/{export.pk}/decide/", {"decision": "approve"})
    Export.objects.filter(pk=export.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    r = client.post(f"/exports/{export.pk}/download/", follow=True)
    assert "保管期限を過ぎた" in r.content.decode()
    export.refresh_from_db()
    export.stored.refresh_from_db()
    assert export.status == Export.Status.EXPIRED and export.stored.erased


@pytest.mark.django_db
def test_the_command_erases_them(waiting, capsys) -> None:  # type: ignore[no-untyped-def]
    _, export = waiting
    Export.objects.filter(pk=export.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert main(["exports", "expire"]) == 0
    assert "1 件を消去しました" in capsys.readouterr().out
    export.refresh_from_db()
    assert export.status == Export.Status.EXPIRED
