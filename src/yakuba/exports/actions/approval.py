"""Ask for an export, and approve or reject it.

The file is built once, at the request: watermarked (``exports.watermark``), kept encrypted in the
vault, its SHA-256 recorded. Bulk personal data (≥ ``YAKUBA_BULK_EXPORT_ROWS`` persons, any declared
category) needs a reason and waits for a second person: the approver of the requester's
organisation (市: 所属長, 委託先: 責任者), never the requester — or a routine pre-approval of its kind
for today (``actions.routine``). Anything else is approved at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from yakuba.accounts.roles import Role
from yakuba.audit.log import record
from yakuba.exports import watermark
from yakuba.exports.actions.keeping import drop
from yakuba.exports.actions.routine import APPROVERS, covering
from yakuba.exports.errors import ExportRefused
from yakuba.exports.models import Export
from yakuba.exports.registry import EXPORTERS, Exporter
from yakuba.vault import service as vault
from yakuba.vault.models import StoredObject

__all__ = ["APPROVERS", "can_decide", "check_decide", "check_request_export", "do_decide", "do_request_export",
           "ttl"]


def ttl() -> dt.timedelta:
    """How long a built file waits in the vault for its download (``YAKUBA_EXPORT_TTL_H``)."""
    return dt.timedelta(hours=getattr(settings, "YAKUBA_EXPORT_TTL_H", 24))


def check_request_export(user: Any, kind: str, params: dict, reason: str = "") -> tuple[Exporter, int, list[str]]:
    """The exporter of `kind`, the persons the file names and its categories, when this user may ask
    for it; a bulk one needs a reason. Builds nothing."""
    exporter = EXPORTERS.get(kind)
    org = getattr(user, "organisation", None)
    if exporter is None or user.role not in exporter.roles or org is None or (
            exporter.departments and org.code not in exporter.departments):
        raise ExportRefused(gettext("この出力を申請する権限がありません。"))
    persons = exporter.count(user, params)
    categories = exporter.categories(user)
    if exporter.needs_approval and not reason.strip():
        raise ExportRefused("この出力には承認が必要です。出力の理由を入力してください。")
    if is_bulk(persons, categories) and not reason.strip():
        raise ExportRefused(gettext("%(rows)s 件の個人情報を含む出力です。出力の理由を入力してください。") % {"rows": persons})
    return exporter, persons, categories


def is_bulk(persons: int, categories: list[str]) -> bool:
    return bool(categories) and persons >= settings.YAKUBA_BULK_EXPORT_ROWS


def do_request_export(user: Any, kind: str, params: dict | None = None, reason: str = "") -> Export:
    """Build the file once, keep it encrypted, record the request: approved at once (not bulk, or a
    routine pre-approval covers it), or pending the approver."""
    params = params or {}
    exporter, persons, categories = check_request_export(user, kind, params, reason)
    bulk = exporter.needs_approval or is_bulk(persons, categories)
    org = user.organisation
    now = timezone.now()
    routine = covering(kind, org.code, user, timezone.localdate()) if bulk and not exporter.needs_approval else None
    with transaction.atomic():
        export = Export.objects.create(
            kind=kind, params=params, requested_by=user, organisation=org.code, reason=reason.strip()[:200],
            row_count=persons, categories=categories, purposes=exporter.purposes(), bulk=bulk,
            status=Export.Status.PENDING if (bulk and routine is None) or exporter.needs_approval
            else Export.Status.APPROVED,
            content_type=exporter.content_type, created_at=now, expires_at=now + ttl(), routine=routine,
            decided_at=now if routine is not None else None,
        )
        mark = watermark.Mark(export.pk, user.username, timezone.localtime(now))
        content = watermark.stamp(exporter.build(user, params), exporter.format, mark)
        export.stored = vault.store(io.BytesIO(content), kind=StoredObject.Kind.EXPORT, organisation=org, user=user,
                                    description=f"出力 {export.pk}({exporter.label})", categories=categories,
                                    batch=f"export-{export.pk}")
        export.sha256 = hashlib.sha256(content).hexdigest()
        export.filename = f"{exporter.stem(params)}-export{export.pk}.{exporter.format}"
        export.watermark = mark.line
        export.save(update_fields=["params", "stored", "sha256", "filename", "watermark"])
        record("export.requested", actor=user, target=export, categories=categories,
               detail={"kind": kind, "rows": persons, "bulk": bulk, "sha256": export.sha256,
                       "approver_role": str(APPROVERS.get(org.kind, Role.CITY_SUPERVISOR)),
                       "routine": routine.pk if routine is not None else None})
        if routine is not None:
            record("export.approved", actor=routine.approved_by, target=export, categories=categories,
                   detail={"requested_by": user.pk, "routine": routine.pk})
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
    """Approve or reject a pending export; audited with the requester's id. A rejected file is erased."""
    with transaction.atomic():
        export = Export.objects.select_for_update().get(pk=export.pk)
        check_decide(user, export)
        export.status = Export.Status.APPROVED if approve else Export.Status.REJECTED
        export.decided_by, export.decided_at = user, timezone.now()
        export.save(update_fields=["status", "decided_by", "decided_at"])
        record("export.approved" if approve else "export.rejected", actor=user, target=export,
               categories=export.categories, detail={"requested_by": export.requested_by_id, "rows": export.row_count})
        if not approve:
            drop(export, user, summary=f"却下された出力 {export.pk}")
    return export
