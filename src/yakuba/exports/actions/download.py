"""The one download of an approved export: exactly the bytes built at the request (their SHA-256
checked against the recorded one), for the requester, once; then the vault copy is erased."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from yakuba.audit.log import record
from yakuba.exports.actions.keeping import erase_stored, expire_one
from yakuba.exports.errors import ExportRefused
from yakuba.exports.models import Export
from yakuba.vault import service as vault

__all__ = ["ExportFile", "check_download", "do_download"]


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes
    content_type: str
    watermark: str


def check_download(user: Any, export: Export) -> None:
    """Only the requester, only once, only when approved and not past its time."""
    if export.requested_by_id != user.pk:
        raise ExportRefused(gettext("出力できるのは申請者本人だけです。"))
    if export.status == Export.Status.DOWNLOADED:
        raise ExportRefused(gettext("この出力は既にダウンロード済みです。もう一度必要な場合は改めて申請してください。"))
    if export.status == Export.Status.EXPIRED or (export.expires_at and export.expires_at <= timezone.now()):
        raise ExportRefused(gettext("この出力は保管期限を過ぎたため消去されました。改めて申請してください。"))
    if export.status != Export.Status.APPROVED:
        raise ExportRefused(gettext("この出力はまだ承認されていません。"))
    if export.stored is None or export.stored.erased:
        raise ExportRefused(gettext("この出力のファイルは消去されています。改めて申請してください。"))


def do_download(user: Any, export: Export) -> ExportFile:
    """The stored file, once, for the requester; audited with its SHA-256; the vault copy erased."""
    export = Export.objects.select_related("stored").get(pk=export.pk)
    if export.status == Export.Status.APPROVED and export.expires_at and export.expires_at <= timezone.now():
        expire_one(export)
    with transaction.atomic():
        export = Export.objects.select_for_update(of=("self",)).select_related("stored").get(pk=export.pk)
        check_download(user, export)
        content = vault.read_bytes(export.stored, user=user)
        if hashlib.sha256(content).hexdigest() != export.sha256:
            raise ExportRefused(gettext("保管中のファイルが申請時のものと一致しません。出力を中止しました。"))
        export.status, export.downloaded_at = Export.Status.DOWNLOADED, timezone.now()
        export.save(update_fields=["status", "downloaded_at"])
        record("export.file", actor=user, target=export, categories=export.categories,
               detail={"sha256": export.sha256, "rows": export.row_count, "routine": export.routine_id})
        erase_stored(export, user, summary=f"ダウンロード済みの出力 {export.pk}")
    return ExportFile(export.filename, content, export.content_type, export.watermark)
