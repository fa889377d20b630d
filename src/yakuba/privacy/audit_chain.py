"""The pure half of the hash-chained audit log (監査ログの連鎖).

Entry number ``seq`` (1, 2, 3, …) carries ``prev_hash`` — the ``hash`` of entry ``seq − 1``, or
``GENESIS`` for entry 1 — and its own ``hash``::

    hash = HMAC-SHA256(key, ASCII(prev_hash) || canonical_json(fields))   (lower-case hex)

``canonical_json`` is UTF-8 JSON with sorted keys, no whitespace, non-ASCII characters as they
are; aware datetimes become ISO-8601 strings in +09:00. The key (``Keyring.audit_key()``) lives
outside the database, so whoever can write the database cannot recompute hashes. The format is in
``docs/formats/audit-chain.md``.

``verify_chain`` walks the entries in order, in constant memory, and names the first entry that is
not intact. A chain alone cannot show that entries were cut off its *end*: compare the last entry
with a head kept elsewhere (the database's chain head row, a printed or signed checkpoint).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Iterable, Mapping

from yakuba.privacy._common import canonical_json

__all__ = ["GENESIS", "ChainEntry", "ChainVerdict", "entry_hash", "verify_chain"]

GENESIS = "0" * 64
"""The ``prev_hash`` of the first entry."""


@dataclass(frozen=True)
class ChainEntry:
    """One stored entry as read back: its number, the hash it links to, its hash, its fields."""

    seq: int
    prev_hash: str
    hash: str
    fields: Mapping[str, object]


@dataclass(frozen=True)
class ChainVerdict:
    """The result of ``verify_chain``.

    ``checked`` counts the entries found intact before the first broken one (all of them when
    ``ok``). ``first_broken`` is the sequence number where the chain stops being trustworthy —
    the number the first failing position should have had (for a deleted entry: its number) —
    or None. ``reason`` says what was found, in English.
    """

    ok: bool
    checked: int
    first_broken: int | None
    reason: str


def entry_hash(key: bytes, prev_hash: str, fields: Mapping[str, object]) -> str:
    """HMAC-SHA256 over ``prev_hash`` (ASCII hex) followed by the canonical JSON of ``fields``."""
    mac = hmac.new(bytes(key), prev_hash.encode("ascii"), hashlib.sha256)
    mac.update(canonical_json(dict(fields)))
    return mac.hexdigest()


def _same(stored: object, expected: str) -> bool:
    return hmac.compare_digest(str(stored).encode("utf-8"), expected.encode("utf-8"))


def verify_chain(
    entries: Iterable[ChainEntry],
    key: bytes,
    *,
    start_seq: int = 1,
    start_prev_hash: str = GENESIS,
) -> ChainVerdict:
    """Check entries in the order given; stop at the first that is not intact.

    Per entry, in this order: its number is the next one (a gap, a duplicate, a deleted or moved
    entry); its ``prev_hash`` is the previous entry's hash (deleted, inserted, reordered); its
    ``hash`` is the HMAC of its ``prev_hash`` and fields (altered fields or hash). To check a tail
    of the chain, give the first entry's number and the hash it must link to.
    """
    expected_seq = start_seq
    prev = start_prev_hash
    checked = 0

    def broken(reason: str) -> ChainVerdict:
        return ChainVerdict(ok=False, checked=checked, first_broken=expected_seq, reason=reason)

    for entry in entries:
        if entry.seq != expected_seq:
            if isinstance(entry.seq, int) and entry.seq > expected_seq:
                what = f"entry {expected_seq} is missing (found {entry.seq} in its place)"
            else:
                what = f"expected entry {expected_seq}, found {entry.seq!r} (reordered or renumbered)"
            return broken(what)
        if not _same(entry.prev_hash, prev):
            return broken(
                f"entry {expected_seq} does not link to the entry before it "
                "(an entry was deleted, inserted or moved)"
            )
        try:
            recomputed = entry_hash(key, prev, entry.fields)
        except (TypeError, ValueError) as exc:
            return broken(f"entry {expected_seq} has fields that cannot be hashed: {exc}")
        if not _same(entry.hash, recomputed):
            return broken(f"entry {expected_seq}: hash mismatch (its fields or its hash were altered)")
        prev = entry.hash
        expected_seq += 1
        checked += 1
    return ChainVerdict(ok=True, checked=checked, first_broken=None, reason="intact")
