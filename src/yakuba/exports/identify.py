"""Which export a file is (``yakuba exports identify FILE``): by its SHA-256 first — the very file
delivered — or else by its watermark (PDF metadata or page text, the CSV/XML line, the file name):
the export it names, but the file was changed since."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from yakuba.audit.log import record
from yakuba.exports import watermark
from yakuba.exports.errors import ExportRefused
from yakuba.exports.models import Export

__all__ = ["Identified", "NotIdentified", "identify", "identify_file"]


class NotIdentified(ExportRefused):
    code = "export.not_identified"
    exit_code = 1


@dataclass(frozen=True)
class Identified:
    export: Export
    exact: bool
    """True: the SHA-256 is the delivered file's; False: only the watermark names it (altered)."""

    def lines(self) -> list[str]:
        e = self.export
        if e.routine_id:
            approver = f"事前承認 {e.routine_id}({e.routine.approved_by.username}、{e.routine.valid_from}〜{e.routine.valid_until})"
        elif e.decided_by_id:
            approver = f"{e.decided_by.username}({timezone.localtime(e.decided_at):%Y-%m-%d %H:%M})"
        else:
            approver = "不要(大量出力ではない)"
        match = ("一致: SHA-256 が出力したファイルと同じです" if self.exact else
                 "一部一致: 透かしだけが一致しました。ファイルは出力後に変更されています")
        return [
            f"出力番号: {e.pk}",
            f"種類: {e.label} ({e.kind})",
            f"申請者: {e.requested_by.username}({e.organisation})",
            f"申請日時: {timezone.localtime(e.created_at):%Y-%m-%d %H:%M:%S}",
            f"出力日時: {timezone.localtime(e.downloaded_at):%Y-%m-%d %H:%M:%S}" if e.downloaded_at else "出力日時: 未ダウンロード",
            f"理由: {e.reason or '(なし)'}",
            f"承認: {approver}",
            f"件数: {e.row_count}",
            f"区分: {', '.join(e.categories) or '(なし)'}",
            f"SHA-256: {e.sha256}",
            f"照合: {match}",
        ]


def identify(content: bytes, filename: str = "") -> Identified:
    digest = hashlib.sha256(content).hexdigest()
    related = Export.objects.select_related("requested_by", "decided_by", "routine__approved_by")
    found = related.filter(sha256=digest).first()
    if found is not None:
        result = Identified(found, exact=True)
    else:
        pk = watermark.find(content, filename)
        found = related.filter(pk=pk).first() if pk is not None else None
        if found is None:
            raise NotIdentified("このファイルに該当する出力は見つかりません(ハッシュ・透かしとも一致なし)。")
        result = Identified(found, exact=False)
    record("export.identified", target=result.export, detail={"sha256": digest, "exact": result.exact})
    return result


def identify_file(path: Path) -> Identified:
    return identify(path.read_bytes(), path.name)
