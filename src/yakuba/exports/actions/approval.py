"""Ask for an export, and approve or reject it. Bulk personal data waits for a second person: the
approver of the requester's organisation (市: 所属長, 委託先: 責任者), never the requester."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from yakuba.accounts.roles import Role
from yakuba.audit.log import record
from yakuba.audit.reveal import visible_fields
from yakuba.exports.errors import ExportRefused
from yakuba.exports.models import Export
from yakuba.exports.registry import EXPORTERS, Exporter
from yakuba.personal import declaration_for

__all__ = ["APPROVERS", "can_decide", "check_decide", "check_request_export", "do_decide", "do_request_export"]

# Who approves a bulk export for an organisation of each kind.
APPROVERS = {"city_department": Role.CITY_SUPERVISOR, "vendor": Role.VENDOR_RESPONSIBLE, "council": Role.CITY_SUPERVISOR}


def check_request_export(user: Any, kind: str) -> Exporter:
    """The exporter of `kind`, when this user's role may ask for it."""
    exporter = EXPORTERS.get(kind)
    if exporter is None or user.role not in exporter.roles:
        raise ExportRefused(gettext("この出力を申請する権限がありません。"))
    return exporter


def do_request_export(user: Any, kind: str, params: dict | None = None, reason: str = "") -> Export:
    """Record the request: approved at once, or pending when it holds bulk personal data."""
    exporter = check_request_export(user, kind)
    params = params or {}
    rows = list(exporter.rows(user, params))
    shown = visible_fields(user, exporter.model, exporter.fields)
    categories = sorted({d.category.value for f in shown if (d := declaration_for(exporter.model, f))})
    bulk = bool(categories) and len(rows) >= settings.YAKUBA_BULK_EXPORT_ROWS
    approver_role = APPROVERS.get(user.organisation.kind if user.organisation else "", Role.CITY_SUPERVISOR)
    # A request by someone who is themselves the approver still needs a second person.
    with transaction.atomic():
        export = Export.objects.create(
            kind=kind, params=params, requested_by=user,
            organisation=user.organisation.code if user.organisation else "",
            reason=reason[:200], row_count=len(rows), categories=categories, bulk=bulk,
            status=Export.Status.PENDING if bulk else Export.Status.APPROVED,
        )
        record("export.requested", actor=user, target=export, categories=categories,
               detail={"kind": kind, "rows": len(rows), "bulk": bulk, "approver_role": str(approver_role)})
    return export


def can_decide(user: Any, export: Export) -> bool:
    """Pending, asked by someone else of the user's organisation, and the user is its approver."""
    if export.status != Export.Status.PENDING or export.requested_by_id == user.pk:
        return False
    org = user.organisation
    return bool(org) and org.code == export.organisation and user.role == APPROVERS.get(org.kind)


def check_decide(user: Any, export: Export) -> None:
    if not can_decide(user, export):
        raise ExportRefused(gettext("この出力を承認・却下する権限がないか、既に処理済みです。"))


def do_decide(user: Any, export: Export, approve: bool) -> Export:
    """Approve or reject a pending export; audited with the requester's id."""
    with transaction.atomic():
        export = Export.objects.select_for_update().get(pk=export.pk)
        check_decide(user, export)
        export.status = Export.Status.APPROVED if approve else Export.Status.REJECTED
        export.decided_by, export.decided_at = user, timezone.now()
        export.save(update_fields=["status", "decided_by", "decided_at"])
        record("export.approved" if approve else "export.rejected", actor=user, target=export,
               categories=export.categories, detail={"requested_by": export.requested_by_id})
    return export
