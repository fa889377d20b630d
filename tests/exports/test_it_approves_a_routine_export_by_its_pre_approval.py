"""A kind the city marks as routine (YAKUBA_ROUTINE_EXPORTS) may be pre-approved by the supervisor
for a period: a bulk request inside it is approved by the pre-approval (the export names it);
outside it, after a revocation, or asked by the pre-approver, it waits as any bulk export."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.debit.conftest import water_user
from tests.exports.conftest import failed_debits, logged_in
from yakuba.accounts.roles import Role
from yakuba.audit.models import AuditEntry
from yakuba.exports.actions import approval, routine
from yakuba.exports.errors import ExportRefused
from yakuba.exports.models import Export, RoutineApproval


@pytest.fixture
def month(db, settings):  # type: ignore[no-untyped-def]
    settings.YAKUBA_BULK_EXPORT_ROWS = 10
    settings.YAKUBA_ROUTINE_EXPORTS = ["debit.notices"]
    staff, _, letters = failed_debits(12)
    return staff, water_user(Role.CITY_SUPERVISOR, "suido-sup"), {"ids": [n.pk for n in letters]}


@pytest.mark.django_db
def test_a_request_inside_the_period_is_approved_by_the_pre_approval(month) -> None:  # type: ignore[no-untyped-def]
    staff, boss, _ = month
    today = timezone.localdate()
    chief = logged_in(boss)
    chief.post(reverse("exports:routine"), {"kind": "debit.notices", "valid_from": today - dt.timedelta(days=1),
                                            "valid_until": today + dt.timedelta(days=30), "reason": "毎月の不能通知"})
    pre = RoutineApproval.objects.get()
    assert AuditEntry.objects.filter(action="export.routine.approved", target_id=str(pre.pk)).exists()
    assert "毎月の不能通知" in chief.get(reverse("exports:list")).content.decode()

    asker = logged_in(staff)
    r = asker.post(reverse("debit:notices_print"), {"reason": "12月の印刷"})
    export = Export.objects.get()
    assert export.bulk and export.status == Export.Status.APPROVED and export.routine == pre
    assert r["Location"] == reverse("exports:list")
    assert asker.post(reverse("exports:download", args=[export.pk])).content.startswith(b"%PDF")
    assert AuditEntry.objects.get(action="export.approved", target_id=str(export.pk)).detail["routine"] == pre.pk


@pytest.mark.django_db
def test_outside_the_period_revoked_or_asked_by_the_pre_approver_it_waits(month) -> None:  # type: ignore[no-untyped-def]
    staff, boss, params = month
    today = timezone.localdate()
    past = routine.do_preapprove(boss, "debit.notices", today - dt.timedelta(days=40), today - dt.timedelta(days=10))
    assert approval.do_request_export(staff, "debit.notices", params, reason="x").status == Export.Status.PENDING

    live = routine.do_preapprove(boss, "debit.notices", today, today + dt.timedelta(days=10))
    assert approval.do_request_export(staff, "debit.notices", params, reason="x").routine == live
    assert approval.do_request_export(boss, "debit.notices", params, reason="x").status == Export.Status.PENDING

    logged_in(boss).post(reverse("exports:routine_revoke", args=[live.pk]))
    live.refresh_from_db()
    assert live.revoked_by == boss and AuditEntry.objects.filter(action="export.routine.revoked").exists()
    assert approval.do_request_export(staff, "debit.notices", params, reason="x").status == Export.Status.PENDING
    assert past.exports.count() == 0


@pytest.mark.django_db
def test_only_a_routine_kind_by_its_supervisor_may_be_pre_approved(month) -> None:  # type: ignore[no-untyped-def]
    staff, boss, _ = month
    today = timezone.localdate()
    with pytest.raises(ExportRefused):
        routine.do_preapprove(boss, "debit.pain008", today, today)  # not marked routine by the city
    with pytest.raises(ExportRefused):
        routine.do_preapprove(staff, "debit.notices", today, today)  # not the approver
    with pytest.raises(ExportRefused):
        routine.do_preapprove(boss, "debit.notices", today, today + dt.timedelta(days=400))  # more than a year
    assert not RoutineApproval.objects.exists()
