"""Writing and verifying the audit log.

`record()` appends one entry inside the caller's transaction (so the entry and the action commit
or roll back together); writers queue on the chain head's row lock (PostgreSQL) or the IMMEDIATE
write lock (SQLite), so the chain never forks.
"""

from __future__ import annotations

import hmac
import hashlib
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from yakuba.audit.models import AuditEntry, ChainHead
from yakuba.keyring import get_keyring
from yakuba.privacy.audit_chain import ChainEntry, ChainVerdict, entry_hash, verify_chain


def _actor(request: HttpRequest | None, actor: Any) -> Any:
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
    return actor


def _client_ip(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def record(
    action: str,
    *,
    request: HttpRequest | None = None,
    actor: Any = None,
    target: Any = None,
    target_type: str = "",
    target_id: str | int = "",
    categories: Iterable[str] = (),
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. `detail` must hold ids and counts, never personal values."""
    user = _actor(request, actor)
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
    org = getattr(user, "organisation", None) if user is not None else None
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            seq=head.seq + 1,
            at=timezone.now(),
            action=action,
            actor_id=getattr(user, "pk", None),
            actor_role=getattr(user, "role", "") or "",
            organisation=getattr(org, "code", "") or "",
            target_type=target_type,
            target_id=str(target_id),
            categories=sorted({str(c) for c in categories}),
            detail=detail or {},
            ip=_client_ip(request),
            prev_hash=head.hash,
        )
        entry.hash = entry_hash(get_keyring().audit_key(), entry.prev_hash, entry.chain_fields())
        entry.save()
        head.seq, head.hash = entry.seq, entry.hash
        head.save(update_fields=["seq", "hash"])
    return entry


def pseudonym(text: str) -> str:
    """A keyed hash of a value that must be traceable but not stored (a mistyped username)."""
    return hmac.new(get_keyring().audit_key(), text.encode(), hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True)
class Verification:
    verdict: ChainVerdict
    head_seq: int

    @property
    def ok(self) -> bool:
        return self.verdict.ok

    def message(self) -> str:
        v = self.verdict
        if v.ok:
            return f"OK: {v.checked} 件の監査ログの連鎖は完全です (audit chain intact, {v.checked} entries)"
        return f"NG: 監査ログ #{v.first_broken} が改ざんされています (entry {v.first_broken} broken: {v.reason})"


def _entries(batch: int = 2000) -> Iterator[ChainEntry]:
    for e in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch):
        yield ChainEntry(seq=e.seq, prev_hash=e.prev_hash, hash=e.hash, fields=e.chain_fields())


def verify(progress: Callable[[int, int], None] | None = None) -> Verification:
    """Check the whole chain, then that its last entry is the recorded head (a cut tail)."""
    total = AuditEntry.objects.count()
    head = ChainHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, None)
    last: list[ChainEntry] = []

    def counted() -> Iterator[ChainEntry]:
        for i, entry in enumerate(_entries(), start=1):
            last[:] = [entry]
            if progress is not None and (i % 500 == 0 or i == total):
                progress(i, total)
            yield entry

    verdict = verify_chain(counted(), get_keyring().audit_key())
    if verdict.ok and head is not None:
        last_seq = last[0].seq if last else 0
        last_hash = last[0].hash if last else head_hash
        if last_seq != head_seq or last_hash != head_hash:
            verdict = ChainVerdict(
                ok=False, checked=verdict.checked, first_broken=min(last_seq, head_seq) + 1,
                reason=f"log ends at entry {last_seq} but its head says {head_seq}: entries removed",
            )
    return Verification(verdict=verdict, head_seq=head_seq)
