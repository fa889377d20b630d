"""Routine exports: kinds a city marks as routine (``YAKUBA_ROUTINE_EXPORTS``, read through
``routine_kinds``), which the approver of an organisation pre-approves for a period. A bulk request
of that kind inside the period, by anyone else of the organisation, is approved by the pre-approval
(the export names it). Granting and revoking are audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from yakuba.accounts.roles import Role
from yakuba.audit.log import record
from yakuba.exports.errors import ExportRefused
from yakuba.exports.models import RoutineApproval
from yakuba.exports.registry import EXPORTERS

__all__ = ["APPROVERS", "check_preapprove", "check_revoke", "covering", "do_preapprove", "do_revoke", "routine_kinds"]

# Who approves a bulk export (and pre-approves a routine one) for an organisation of each kind.
APPROVERS = {"city_department": Role.CITY_SUPERVISOR, "vendor": Role.VENDOR_RESPONSIBLE, "council": Role.CITY_SUPERVISOR,
             "center": Role.CENTER_SUPERVISOR}
LONGEST = dt.timedelta(days=366)


def routine_kinds() -> frozenset[str]:
    """The kinds of export this city treats as routine (today a setting; later the city profile)."""
    value = getattr(settings, "YAKUBA_ROUTINE_EXPORTS", ())
    kinds = value.split(",") if isinstance(value, str) else value
    return frozenset(k.strip() for k in kinds if k and k.strip())


def _is_approver(user: Any) -> bool:
    org = getattr(user, "organisation", None)
    return org is not None and user.role == APPROVERS.get(org.kind)


def check_preapprove(user: Any, kind: str, valid_from: dt.date, valid_until: dt.date) -> None:
    """A routine kind this organisation may export, by its approver, for at most a year."""
    exporter = EXPORTERS.get(kind)
    if not _is_approver(user):
        raise ExportRefused(gettext("定例出力を事前承認できるのは所属の承認者だけです。"))
    if kind not in routine_kinds() or exporter is None or (
            exporter.departments and user.organisation.code not in exporter.departments):
        raise ExportRefused(gettext("この出力は定例出力として事前承認できません。"))
    if valid_until < valid_from or valid_until - valid_from > LONGEST:
        raise ExportRefused(gettext("期間は開始日から1年以内の終了日までで指定してください。"))


def do_preapprove(user: Any, kind: str, valid_from: dt.date, valid_until: dt.date, reason: str = "") -> RoutineApproval:
    check_preapprove(user, kind, valid_from, valid_until)
    with transaction.atomic():
        pre = RoutineApproval.objects.create(kind=kind, organisation=user.organisation.code, valid_from=valid_from,
                                             valid_until=valid_until, reason=reason.strip()[:200], approved_by=user)
        record("export.routine.approved", actor=user, target=pre,
               detail={"kind": kind, "from": valid_from.isoformat(), "until": valid_until.isoformat()})
    return pre


def check_revoke(user: Any, pre: RoutineApproval) -> None:
    if pre.revoked_at is not None or not _is_approver(user) or user.organisation.code != pre.organisation:
        raise ExportRefused(gettext("この事前承認を取り消す権限がないか、既に取り消されています。"))


def do_revoke(user: Any, pre: RoutineApproval) -> RoutineApproval:
    with transaction.atomic():
        pre = RoutineApproval.objects.select_for_update().get(pk=pre.pk)
        check_revoke(user, pre)
        pre.revoked_at, pre.revoked_by = timezone.now(), user
        pre.save(update_fields=["revoked_at", "revoked_by"])
        record("export.routine.revoked", actor=user, target=pre, detail={"kind": pre.kind})
    return pre


def covering(kind: str, organisation: str, requester: Any, day: dt.date) -> RoutineApproval | None:
    """The live pre-approval of `kind` for the organisation on `day`, not made by the requester."""
    if kind not in routine_kinds():
        return None
    return (RoutineApproval.objects.filter(kind=kind, organisation=organisation, revoked_at__isnull=True,
                                           valid_from__lte=day, valid_until__gte=day)
            .exclude(approved_by=requester).order_by("valid_until").first())
