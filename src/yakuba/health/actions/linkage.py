"""A child's 副本 registered on the city's 中間サーバー: enrolled at the hub once (its 符号, the family's
view key), then the 副本 — only the items some allow-list row names, never the 問診's 要配慮 answers —
sent whenever it changed (its SHA-256 differs from the one last registered).

`do_register` records one audit entry per registration (ids and the hash, never values); a failure is kept
on the child's `LinkageRecord` as its one-line reason and re-raised for the job to count.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone

from yakuba.audit.log import record
from yakuba.errors import YakubaError
from yakuba.health.linkage import Transport, person_handle
from yakuba.health.errors import HealthError
from yakuba.health.models import Child, LinkageRecord, ReceivedCheckup
from yakuba.linkage import fukuhon
from yakuba.linkage.allowlist import load_allowlist, row_for
from yakuba.linkage.checkup import CheckupKind
from yakuba.linkage.errors import Refused
from yakuba.linkage.intermediate.core import JIMU_CHECKUP

__all__ = ["fukuhon_of", "do_register", "ensure_enrolled", "jimu_of", "items_to_ask", "do_ask"]

REQUESTER_KIND = "市町村"  # a 健康増進センター is a city's: the kind its 中間サーバー has in the registry


def fukuhon_of(child: Child) -> bytes:
    """The child's 副本 as registered: canonical bytes of the items the allow-list ever allows."""
    return fukuhon.dumps(fukuhon.to_document(child.to_record(), items=load_allowlist().items_ever_allowed()))


def ensure_enrolled(child: Child, transport: Transport, *, actor: Any = None) -> LinkageRecord:
    """The child's `LinkageRecord`: enrolled at the hub the first time (this city's 符号, the view key)."""
    link = LinkageRecord.objects.filter(child=child).first()
    if link is None:
        fugo, view_key = transport.enrol(person_handle(child.name_kana or child.name, child.birth_date.isoformat(),
                                                       child.sex))
        link, created = LinkageRecord.objects.get_or_create(child=child, defaults={
            "fugo": fugo, "view_key": view_key, "enrolled_at": timezone.now()})
        if created:
            record("health.linkage.enrolled", actor=actor, target=child, detail={"linkage": link.pk})
    return link


def do_register(child: Child, transport: Transport, *, actor: Any = None) -> bool:
    """Enrol (once) and register the child's 副本; False when the 中間サーバー already has these very bytes."""
    data = fukuhon_of(child)
    digest = hashlib.sha256(data).hexdigest()
    link = LinkageRecord.objects.filter(child=child).first()
    try:
        link = ensure_enrolled(child, transport, actor=actor)
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


def jimu_of(kind: CheckupKind) -> str:
    """The 事務 (jimu_code) under which a city asks for this checkup."""
    return next(code for code, k in JIMU_CHECKUP.items() if k == kind.value)


def items_to_ask(kind: CheckupKind, provider_kind: str, on: dt.date) -> tuple[str, ...]:
    """The items the allow-list's row in force on `on` allows for this checkup: what the city asks, no more."""
    try:
        return row_for(load_allowlist(), jimu_of(kind), REQUESTER_KIND, provider_kind, on).items
    except Refused:
        raise HealthError(f"許可リストに、{kind.label}を{provider_kind}へ照会できる行がありません"
                          f" (no allow-list row in force for this checkup)", where="kind") from None


def do_ask(child: Child, *, provider: str, kind: CheckupKind, transport: Transport, actor: Any,
           request: Any = None) -> ReceivedCheckup:
    """Ask the child's former city (`provider`) for one checkup by 情報照会 (母子保健法第19条の2), through this
    city's 中間サーバー; keep what was provided. The hub logs the query and the 提供 (or the refusal), tagged
    for the family. A refusal is a `HealthError` with the hub's or the provider's reason, audited too."""
    known = {i["id"]: i for i in transport.institutions()}
    if provider not in known:
        raise HealthError("照会先が登録簿にありません (the provider is not in the registry)", where="provider")
    jimu = jimu_of(kind)
    items = items_to_ask(kind, str(known[provider].get("kind", "")), timezone.localdate())
    link = ensure_enrolled(child, transport, actor=actor)
    try:
        answer = transport.ask(provider=provider, jimu=jimu, items=list(items), fugo=link.fugo)
    except Refused as refusal:
        record("health.linkage.refused", request=request, actor=actor, target=child,
               detail={"provider": provider, "jimu": jimu, "reason": refusal.reason})
        raise HealthError(f"照会は断られました: {REFUSALS.get(refusal.reason, refusal.reason)}"
                          f" ({refusal.reason})", where="provider") from None
    got = {code: value for code, value in dict(answer.get("items") or {}).items() if code in items}
    with transaction.atomic():
        received = ReceivedCheckup.objects.create(
            child=child, provider=provider, provider_name=str(known[provider].get("name", provider))[:100], jimu=jimu,
            kind=kind.value, items=got, query_sha256=str(answer.get("query_sha256", ""))[:64], received_by=actor)
        record("health.linkage.received", request=request, actor=actor, target=child,
               detail={"received": received.pk, "provider": provider, "jimu": jimu, "items": sorted(got),
                       "query_sha256": received.query_sha256})
    return received


REFUSALS = {
    "fukuhon-none": "照会先にこの方の副本がありません",
    "checkup-none": "照会先にこの健診の記録がありません",
    "fugo-unknown": "この方はハブに登録されていません",
    "items-not-allowed": "許可リストにない項目を照会しました",
    "jimu-not-in-force": "この事務は施行されていません",
    "kinds-not-allowed": "この機関の種類の間では照会できません",
    "unreachable": "ハブか中間サーバーに接続できません",
    "institution-unknown": "照会先が登録簿にありません",
}
"""What staff read for a refusal's reason code (docs/linkage/queries.md lists them all)."""
