"""The one download of an approved export: made once, for the requester, watermarked; the audit
entry names every record in the file."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from yakuba.audit.log import record
from yakuba.audit.reveal import reveal_rows
from yakuba.exports.errors import ExportRefused
from yakuba.exports.models import Export
from yakuba.exports.registry import EXPORTERS

__all__ = ["ExportFile", "check_download", "do_download"]


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes
    content_type: str
    watermark: str


def check_download(user: Any, export: Export) -> None:
    """Only the requester, only once, only when approved."""
    if export.requested_by_id != user.pk:
        raise ExportRefused(gettext("出力できるのは申請者本人だけです。"))
    if export.status == Export.Status.DOWNLOADED:
        raise ExportRefused(gettext("この出力は既にダウンロード済みです。もう一度必要な場合は改めて申請してください。"))
    if export.status != Export.Status.APPROVED:
        raise ExportRefused(gettext("この出力はまだ承認されていません。"))


def do_download(user: Any, export: Export) -> ExportFile:
    """Make the file, once, for the requester; the audit entry names every record in it."""
    with transaction.atomic():
        export = Export.objects.select_for_update().get(pk=export.pk)
        check_download(user, export)
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
