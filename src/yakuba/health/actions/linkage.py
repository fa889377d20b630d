"""A child's 副本 registered on the city's 中間サーバー: enrolled at the hub once (its 符号, the family's
view key), then the 副本 — only the items some allow-list row names, never the 問診's 要配慮 answers —
sent whenever it changed (its SHA-256 differs from the one last registered).

`do_register` records one audit entry per registration (ids and the hash, never values); a failure is kept
on the child's `LinkageRecord` as its one-line reason and re-raised for the job to count.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone

from yakuba.audit.log import record
from yakuba.errors import YakubaError
from yakuba.health.linkage import Transport, person_handle
from yakuba.health.models import Child, LinkageRecord
from yakuba.linkage import fukuhon
from yakuba.linkage.allowlist import load_allowlist

__all__ = ["fukuhon_of", "do_register"]


def fukuhon_of(child: Child) -> bytes:
    """The child's 副本 as registered: canonical bytes of the items the allow-list ever allows."""
    return fukuhon.dumps(fukuhon.to_document(child.to_record(), items=load_allowlist().items_ever_allowed()))


def do_register(child: Child, transport: Transport, *, actor: Any = None) -> bool:
    """Enrol (once) and register the child's 副本; False when the 中間サーバー already has these very bytes."""
    data = fukuhon_of(child)
    digest = hashlib.sha256(data).hexdigest()
    link = LinkageRecord.objects.filter(child=child).first()
    try:
        if link is None:
            fugo, view_key = transport.enrol(person_handle(child.name_kana or child.name, child.birth_date.isoformat(),
                                                           child.sex))
            link = LinkageRecord.objects.create(child=child, fugo=fugo, view_key=view_key, enrolled_at=timezone.now())
            record("health.linkage.enrolled", actor=actor, target=child, detail={"linkage": link.pk})
        if link.fukuhon_sha256 == digest:
            return False
        transport.register(child.resident_key, link.fugo, data)
    except YakubaError as exc:
        if link is not None:
            LinkageRecord.objects.filter(pk=link.pk).update(last_error=exc.one_line()[:200])
        raise
    with transaction.atomic():
        LinkageRecord.objects.filter(pk=link.pk).update(fukuhon_sha256=digest, registered_at=timezone.now(),
                                                        last_error="")
        record("health.fukuhon.registered", actor=actor, target=child, detail={"sha256": digest, "bytes": len(data)})
    return True
