"""The one export step: request → (approval) → one download, each step audited."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from yakuba.errors import YakubaError
from yakuba.accounts.roles import Role
from yakuba.audit.log import record
from yakuba.audit.reveal import reveal_rows, visible_fields
from yakuba.exports.models import Export
from yakuba.exports.registry import EXPORTERS
from yakuba.personal import declaration_for

# Who approves a bulk export for an organisation of each kind.
APPROVERS = {"city_department": Role.CITY_SUPERVISOR, "vendor": Role.VENDOR_RESPONSIBLE, "council": Role.CITY_SUPERVISOR}


class ExportRefused(YakubaError):
    """The request cannot go on; the message is shown to the user as it is."""


def request_export(user, kind: str, params: dict | None = None, reason: str = "") -> Export:  # type: ignore[no-untyped-def]
    exporter = EXPORTERS.get(kind)
    if exporter is None or user.role not in exporter.roles:
        raise ExportRefused(gettext("この出力を申請する権限がありません。"))
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


def can_decide(user, export: Export) -> bool:  # type: ignore[no-untyped-def]
    if export.status != Export.Status.PENDING or export.requested_by_id == user.pk:
        return False
    org = user.organisation
    return bool(org) and org.code == export.organisation and user.role == APPROVERS.get(org.kind)


def decide(user, export: Export, approve: bool) -> Export:  # type: ignore[no-untyped-def]
    with transaction.atomic():
        export = Export.objects.select_for_update().get(pk=export.pk)
        if not can_decide(user, export):
            raise ExportRefused(gettext("この出力を承認・却下する権限がないか、既に処理済みです。"))
        export.status = Export.Status.APPROVED if approve else Export.Status.REJECTED
        export.decided_by, export.decided_at = user, timezone.now()
        export.save(update_fields=["status", "decided_by", "decided_at"])
        record("export.approved" if approve else "export.rejected", actor=user, target=export,
               categories=export.categories, detail={"requested_by": export.requested_by_id})
    return export


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes
    content_type: str
    watermark: str


def download(user, export: Export) -> ExportFile:  # type: ignore[no-untyped-def]
    """Make the file, once, for the requester; the audit entry names every record in it."""
    with transaction.atomic():
        export = Export.objects.select_for_update().get(pk=export.pk)
        if export.requested_by_id != user.pk:
            raise ExportRefused(gettext("出力できるのは申請者本人だけです。"))
        if export.status == Export.Status.DOWNLOADED:
            raise ExportRefused(gettext("この出力は既にダウンロード済みです。もう一度必要な場合は改めて申請してください。"))
        if export.status != Export.Status.APPROVED:
            raise ExportRefused(gettext("この出力はまだ承認されていません。"))
        exporter = EXPORTERS[export.kind]
        now = timezone.localtime()
        watermark = f"出力者 {user.username} / 出力日時 {now:%Y-%m-%d %H:%M:%S} / 出力番号 {export.pk}"
        rows = reveal_rows(None, exporter.rows(user, export.params), exporter.fields, user=user,
                           action="export.downloaded", target_type=exporter.model._meta.label_lower)
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow([str(exporter.model._meta.get_field(f).verbose_name) for f in exporter.fields])
        for row in rows:
            writer.writerow(["" if row[f] is None else row[f] for f in exporter.fields])
        content = buf.getvalue().encode("utf-8")
        filename = f"{export.kind}-{export.pk}-{user.username}-{now:%Y%m%d%H%M%S}.csv"
        export.status, export.downloaded_at = Export.Status.DOWNLOADED, timezone.now()
        export.filename, export.sha256 = filename, hashlib.sha256(content).hexdigest()
        export.save(update_fields=["status", "downloaded_at", "filename", "sha256"])
        record("export.file", actor=user, target=export, categories=export.categories,
               detail={"sha256": export.sha256, "rows": len(rows)})
    return ExportFile(filename, content, "text/csv; charset=utf-8", watermark)
