"""The family's page (a マイナポータル「やりとり履歴」 of our own): a one-time code printed on a letter opens it
once, for one child; it lists every entry of the hub's provision log tagged with the child's view key —
who asked for what, when, under which 事務, what was provided or refused — each with its inclusion proof
checked here against the hub's signed checkpoint, and the child's own checkup records.

The log is read whole, from its tiles (`yakuba.linkage.tlog.TileReader` over the hub's HTTPS routes):
every tile is checked against the signed checkpoint, so the list is complete — the hub cannot leave an
entry out without the root failing. The family can check the same themselves with
`yakuba linkage verify` against the city's public copy of the log (`/linkage/log/`), with the view key
printed on their letter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from yakuba.audit.log import record
from yakuba.health.linkage import Transport
from yakuba.health.models import Child, FamilyCode
from yakuba.linkage.entries import Entry, parse_view_key, read_entries
from yakuba.linkage.errors import LinkageError
from yakuba.linkage.tlog import TileReader, Verifier

__all__ = ["CODE_DAYS", "SESSION_KEY", "SESSION_MINUTES", "issue_code", "redeem", "normalise", "FamilyLog",
           "LoggedEntry", "read_family_log"]

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed from paper
CODE_LENGTH = 16  # 16 of 31 symbols: 79 bits
CODE_DAYS = 90
SESSION_KEY = "yakuba.health.family"
SESSION_MINUTES = 30


def normalise(code: str) -> str:
    """The code as typed (spaces, hyphens, lower case, full-width) → its canonical form."""
    import unicodedata

    return "".join(ch for ch in unicodedata.normalize("NFKC", str(code)).upper() if ch.isalnum())[:64]


def _digest(code: str) -> str:
    return hashlib.sha256(b"yakuba-health/family-code/1\x00" + normalise(code).encode("ascii", "replace")).hexdigest()


def issue_code(child: Child, *, actor: Any, request: Any = None) -> tuple[str, FamilyCode]:
    """A new one-time code for the child's family (shown once, on the letter) and its record."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    row = FamilyCode.objects.create(child=child, code_sha256=_digest(code), issued_by=actor,
                                    expires_at=timezone.now() + dt.timedelta(days=CODE_DAYS))
    record("health.family.code_issued", request=request, actor=actor, target=child, detail={"code": row.pk})
    return "-".join(code[i:i + 4] for i in range(0, CODE_LENGTH, 4)), row


def redeem(code: str, *, request: Any = None) -> Child | None:
    """The child whose unused, unexpired code this is — the code is used up — or None (logged)."""
    digest = _digest(code)
    now = timezone.now()
    with transaction.atomic():
        row = FamilyCode.objects.select_for_update().filter(code_sha256=digest).first()
        if row is None or row.used_at is not None or row.expires_at <= now:
            why = "unknown" if row is None else ("used" if row.used_at is not None else "expired")
            record("health.family.code_refused", request=request, detail={"why": why})
            return None
        row.used_at = now
        row.save(update_fields=["used_at"])
        record("health.family.code_used", request=request, target=row.child, detail={"code": row.pk})
        return row.child


@dataclass(frozen=True)
class LoggedEntry:
    """One entry of the provision log that is the family's, with its checked inclusion proof."""

    index: int
    entry: Entry
    leaf_hash: str
    proof: tuple[str, ...]

    @property
    def when(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.entry.time, dt.timezone.utc)

    def get(self, name: str) -> Any:
        return self.entry.get(name)


@dataclass
class FamilyLog:
    """What the family's page shows of the log: its size and root, who cosigned, the family's entries."""

    size: int
    root_hash: str
    checkpoint: str
    cosigned_by: list[str]
    witnesses: list[str]
    log_key: str
    witness_keys: list[str] = field(default_factory=list)
    entries: list[LoggedEntry] = field(default_factory=list)


def read_family_log(transport: Transport, view_key_text: str) -> FamilyLog:
    """The whole log read and checked (signature, every tile, the root), and the entries of this view key
    with their inclusion proofs checked. `LinkageError` names what did not verify."""
    keys = transport.log_keys()
    if not keys.get("log_key"):
        raise LinkageError("ハブのログの鍵がありません (the 中間サーバー has no hub log key)")
    log_key = Verifier.parse(str(keys["log_key"]))
    witnesses = {wid: Verifier.parse(str(k)) for wid, k in dict(keys.get("witnesses") or {}).items()}
    key = parse_view_key(view_key_text)

    class Served(TileReader):
        def _read(self, rel: str) -> bytes | None:
            return transport.log_file(rel)

    reader = Served(Path("hub"), log_key, witnesses=list(witnesses.values()), quorum=0)
    reader.verify()
    _, found = read_entries(reader, key)
    entries = [LoggedEntry(f.index, f.entry, f.leaf.hex(), tuple(h.hex() for h in f.proof)) for f in found]
    names = {v.name: wid for wid, v in witnesses.items()}
    cosigned = sorted(names.get(name, name) for name in reader.signed.cosignatures)
    return FamilyLog(reader.size, reader.root_hash.hex(), reader.signed.text.decode("utf-8", "replace"), cosigned,
                     sorted(witnesses), log_key.key_string(),
                     [witnesses[w].key_string() for w in sorted(witnesses)], entries)
