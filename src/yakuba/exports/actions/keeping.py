"""The built file while it waits: erased from the vault once it is delivered, rejected or past its
time (``YAKUBA_EXPORT_TTL_H``). ``expire`` is what ``yakuba exports expire`` and the worker run."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from yakuba.audit.log import record
from yakuba.exports.models import Export
from yakuba.exports.registry import EXPORTERS
from yakuba.vault import service as vault

__all__ = ["drop", "erase_stored", "expire", "expire_one"]


def erase_stored(export: Export, user: Any, *, summary: str) -> None:
    """Erase the vault copy (a signed erasure certificate; `user` is its operator)."""
    if export.stored is not None and not export.stored.erased:
        vault.erase([export.stored], user=user, summary=summary)
    export.erased_at = timezone.now()
    export.save(update_fields=["erased_at"])


def drop(export: Export, user: Any, *, summary: str) -> None:
    """A file that will not be delivered: erased, and its exporter told (e.g. letters to print again)."""
    erase_stored(export, user, summary=summary)
    exporter = EXPORTERS.get(export.kind)
    if exporter is not None and exporter.dropped is not None:
        exporter.dropped(export.params)


def expire_one(export: Export) -> None:
    """Mark one waiting export expired, erase its file and record it (the caller holds the row)."""
    with transaction.atomic():
        export.status = Export.Status.EXPIRED
        export.save(update_fields=["status"])
        drop(export, export.requested_by, summary=f"保管期限を過ぎた出力 {export.pk}")
        record("export.expired", target=export, categories=export.categories,
               detail={"requested_by": export.requested_by_id, "rows": export.row_count})


def expire(now: Any = None) -> int:
    """Erase every built file past its time that was not downloaded; the number erased.

    The erasure certificate names the requester as operator (the file was theirs); the audit entry
    ``export.expired`` has no actor: the system did it."""
    now = now or timezone.now()
    count = 0
    waiting = (Export.Status.PENDING, Export.Status.APPROVED)
    for pk in Export.objects.filter(status__in=waiting, expires_at__lt=now).values_list("pk", flat=True):
        with transaction.atomic():
            export = Export.objects.select_for_update(of=("self",)).select_related("stored", "requested_by").get(pk=pk)
            if export.status not in waiting:
                continue
            expire_one(export)
            count += 1
    return count
