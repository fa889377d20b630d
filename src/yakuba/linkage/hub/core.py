"""The hub (情報提供ネットワークシステム) as a service core: keys, registry, 符号, decisions, the log.
Pure: no Django, no HTTP (`yakuba.linkage.hub.app` serves it).

The hub issues each institution its own 符号 for a person (`enrol`), checks every 情報照会
(`query`: the signature, the TLS client that sent it, the allow-list, the 符号), tells the provider
what it needs (`ProvideRequest`: the provider's 符号, never the requester's), checks and relays the
provider's signed, sealed answer (`relay_answer`), and appends every query, 提供, refusal and
reported staff read to its Merkle tree log (`yakuba.linkage.entries` on `yakuba.linkage.tlog`),
whose checkpoints it signs and the cities' 中間サーバー cosign as witnesses (`add_cosignature`).

The data directory (0700, not a link, not removable media)::

    hub.json         origin of the log, the hub's id, the allow-list file (None: the shipped one)
    hub.key          the 符号 key (`pseudonym.HubKey`, 0600, never replaced)
    log.key          the log's note signer key (0600, never replaced)
    registry.json    the institutions (`yakuba.linkage.registry`), public keys only
    hub.sqlite       persons, the 符号 issued, the replay cache, cosignatures
    log/             the Merkle tree (`tlog.FileHashStore`)

What the hub keeps of a person is a random handle of its own, mapped from an HMAC of the
enrolment handle (`enrol`): never the 個人番号, never an item value (answers are sealed to the
requester). One process owns the directory (the log's lock file keeps a second one out).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence, TypeVar

from yakuba.linkage.allowlist import Allowlist, check, load_allowlist
from yakuba.linkage.datadir import Database, open_data_dir, read_private, write_private, write_public
from yakuba.linkage.entries import encode_entry, make_entry, view_key, view_secret
from yakuba.linkage.errors import LinkageError, LogError, Refused
from yakuba.linkage.pseudonym import INSTITUTION_PATTERN, FugoTable, HubKey, length_prefixed, translate
from yakuba.linkage.query import HUB_ID, verify_answer, verify_query
from yakuba.linkage.registry import Registry, load_registry
from yakuba.linkage.tlog import (EXAMPLE_ORIGIN, Checkpoint, MerkleLog, Signer, Verifier, add_cosignatures,
                                 open_checkpoint, parse_note, parse_tile_path, sign_checkpoint, verify_cosignature)
from yakuba.linkage.tlog import export as export_tiles
from yakuba.linkage.tlog.tiles import TILE_HEIGHT, TILE_WIDTH, entry_bundle, tile_bytes

__all__ = ["Hub", "GroupCommit", "Enrolment", "ProvideRequest", "SqliteReplayCache", "StoredFugoTable", "JST", "CONFIG_FORMAT"]

CONFIG_FORMAT = "yakuba-linkage-hub/1"
JST = dt.timezone(dt.timedelta(hours=9), "JST")
NATIONAL_DOMAIN = b"yakuba-linkage/enrolment-handle/1"
_REASON = re.compile(r"^[a-z0-9][a-z0-9.-]{0,63}$")
_ITEM = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
log = logging.getLogger("yakuba.linkage.hub")

SCHEMA = """
CREATE TABLE IF NOT EXISTS persons (handle_mac TEXT PRIMARY KEY, person TEXT NOT NULL UNIQUE) STRICT;
CREATE TABLE IF NOT EXISTS fugo (institution TEXT NOT NULL, person TEXT NOT NULL,
                                 PRIMARY KEY (institution, person)) STRICT;
CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) STRICT;
CREATE INDEX IF NOT EXISTS nonces_expiry ON nonces (expires_at);
CREATE TABLE IF NOT EXISTS cosignatures (size INTEGER NOT NULL, root BLOB NOT NULL, witness TEXT NOT NULL,
                                         line TEXT NOT NULL, timestamp INTEGER NOT NULL,
                                         PRIMARY KEY (size, witness)) STRICT;
"""


class StoredFugoTable(FugoTable):
    """`FugoTable` whose issues are kept in the hub's database (loaded again on opening)."""

    def __init__(self, hub_key: HubKey, db: Database) -> None:
        super().__init__(hub_key)
        self._db = db
        for institution, person in db.query("SELECT institution, person FROM fugo"):
            super().issue(str(institution), str(person))

    def issue(self, institution_id: str, person: str) -> str:
        fugo = super().issue(institution_id, person)  # checks the id first
        with self._db.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO fugo VALUES (?, ?)", (institution_id, person))
        return fugo


class SqliteReplayCache:
    """`query.ReplayCache` in the hub's database: a nonce is remembered until its query expires.
    Expired nonces are swept at most once a second; the number of live ones is kept as a count."""

    def __init__(self, db: Database, capacity: int = 1_000_000) -> None:
        self._db, self.capacity = db, capacity
        self._live = int(db.query("SELECT count(*) FROM nonces")[0][0])
        self._swept = -1

    def first_use(self, nonce: str, expires_at: int, now: int) -> bool:
        with self._db.transaction() as conn:
            if now != self._swept:
                self._live -= conn.execute("DELETE FROM nonces WHERE expires_at <= ?", (now,)).rowcount
                self._swept = now
            if conn.execute("SELECT 1 FROM nonces WHERE nonce = ? AND expires_at > ?", (nonce, now)).fetchone():
                return False
            if self._live >= self.capacity:
                raise Refused("replay-cache-full", "照会が多すぎます。しばらくしてから照会してください"
                              " (too many live queries: try again later)")
            conn.execute("INSERT OR REPLACE INTO nonces VALUES (?, ?)", (nonce, expires_at))
            self._live += 1
        return True


class GroupCommit:
    """Appends to the log from many threads, made durable together (group commit): each entry joins the
    open batch; the first caller finding no batch being written writes the whole batch as one
    `MerkleLog.append_many` (one set of fsyncs, under the hub's lock), while the others wait for it.
    Each caller gets its own entry's index once its batch is durable, or the batch's error."""

    def __init__(self, log: MerkleLog, lock: threading.RLock) -> None:
        self.log, self.lock = log, lock
        self._cv = threading.Condition()
        self._waiting: list[tuple[int, bytes]] = []
        self._done: dict[int, int | BaseException] = {}
        self._writing = False
        self._tickets = 0
        self.batches = 0  # how many batches were written (for the benchmark)

    def append(self, entry: bytes) -> int:
        with self._cv:
            ticket, self._tickets = self._tickets, self._tickets + 1
            self._waiting.append((ticket, entry))
            while ticket not in self._done and self._writing:
                self._cv.wait()
            if ticket not in self._done:  # no batch is being written: this caller writes the one waiting
                batch, self._waiting, self._writing = self._waiting, [], True
        if ticket not in self._done:
            results: dict[int, int | BaseException] = {}
            try:
                with self.lock:
                    first = self.log.append_many([e for _, e in batch])
                results = {t: first + i for i, (t, _) in enumerate(batch)}
            except BaseException as exc:  # every caller of the batch learns it failed
                results = {t: exc for t, _ in batch}
            with self._cv:
                self._done.update(results)
                self._writing = False
                self.batches += 1
                self._cv.notify_all()
        with self._cv:
            result = self._done.pop(ticket)
        if isinstance(result, BaseException):
            raise result
        return result


class _Peek:
    """A replay cache that remembers nothing: `verify_query` checks everything else first; the nonce
    is used up only once the query passed every check (a refused query does not use it up)."""

    def first_use(self, nonce: str, expires_at: int, now: int) -> bool:
        return True


@dataclass(frozen=True)
class Enrolment:
    """What a city gets for a resident: its 符号, and the family's view key for the log."""

    institution: str
    fugo: str
    view_key: bytes

    def __repr__(self) -> str:
        return f"Enrolment({self.institution})"


@dataclass(frozen=True)
class ProvideRequest:
    """What the hub asks the provider: the provider's 符号, never the requester's."""

    requester: str
    provider: str
    jimu_code: str
    items: tuple[str, ...]
    fugo: str  # the provider's 符号
    nonce: str
    query_sha256: str
    expires_at: int

    def as_json(self) -> dict[str, Any]:
        return {"requester": self.requester, "provider": self.provider, "jimu": self.jimu_code,
                "items": list(self.items), "fugo": self.fugo, "nonce": self.nonce,
                "query_sha256": self.query_sha256, "expires_at": self.expires_at}

    @classmethod
    def from_json(cls, doc: Any) -> ProvideRequest:
        keys = {"requester", "provider", "jimu", "items", "fugo", "nonce", "query_sha256", "expires_at"}
        if not isinstance(doc, dict) or set(doc) != keys or not isinstance(doc["items"], list) \
                or not all(isinstance(doc[k], str) for k in keys - {"items", "expires_at"}) \
                or not all(isinstance(i, str) for i in doc["items"]) \
                or not isinstance(doc["expires_at"], int) or isinstance(doc["expires_at"], bool):
            raise Refused("malformed", "提供の依頼の形式が不正です (malformed provide request)")
        return cls(doc["requester"], doc["provider"], doc["jimu"], tuple(doc["items"]), doc["fugo"], doc["nonce"],
                   doc["query_sha256"], doc["expires_at"])


@dataclass(frozen=True)
class _Pending:
    request: ProvideRequest
    query_token: str
    requester_fugo: str
    allowlist: str


_F = TypeVar("_F", bound=Callable[..., Any])


def _locked(method: _F) -> _F:
    """Run `method` under the hub's lock: one writer of the log at a time, reads see whole appends."""
    def run(self: Hub, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)
    run.__name__, run.__doc__ = method.__name__, method.__doc__
    return run  # type: ignore[return-value]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class Hub:
    """The hub over its data directory (see the module). Thread-safe; `close` it when done."""

    def __init__(self, directory: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.directory = open_data_dir(directory, create=False)
        self.clock = clock
        config = self._config()
        self.hub_id: str = config["hub_id"]
        self.origin: str = config["origin"]
        self.allowlist: Allowlist = load_allowlist(config["allowlist"])
        self.key = HubKey.load(self.directory / "hub.key")
        self._view_secret = view_secret(self.key)
        self.signer = Signer.parse(read_private(self.directory / "log.key").decode("ascii").strip())
        self.log_verifier: Verifier = self.signer.verifier()
        self.registry: Registry = load_registry(self.directory / "registry.json")
        self.db = Database(self.directory / "hub.sqlite", SCHEMA)
        self.fugo = StoredFugoTable(self.key, self.db)
        self.replay = SqliteReplayCache(self.db)
        self.log = MerkleLog.open(self.directory / "log")
        self._lock = threading.RLock()
        self._commits = GroupCommit(self.log, self._lock)
        # queries awaiting their answer: in memory, as an exchange is one request of this process (a query
        # whose answer never came stays in the log as a query without its 提供)
        self._pending: dict[str, tuple[_Pending, int]] = {}
        self._pending_lock = threading.Lock()

    # --- life cycle -------------------------------------------------------------------------------

    @classmethod
    def init(cls, directory: Path | str, *, registry: Path | str, origin: str = EXAMPLE_ORIGIN,
             hub_id: str = HUB_ID, allowlist: Path | str | None = None,
             clock: Callable[[], float] = time.time) -> Hub:
        """Make a new hub's data directory: its keys, its config, a copy of `registry`; then open it."""
        directory = open_data_dir(directory, create=True)
        if (directory / "hub.json").exists():
            raise LinkageError(f"{directory} には既にハブがあります (a hub is already there: not replaced)",
                               where=str(directory))
        if not INSTITUTION_PATTERN.match(hub_id):
            raise LinkageError(f"ハブの識別子が不正です (invalid hub id): {hub_id!r}")
        load_registry(registry)  # refused before anything is written
        signer = Signer.generate(origin)
        if allowlist is not None:
            load_allowlist(allowlist)
        HubKey.generate().save(directory / "hub.key")
        write_private(directory / "log.key", (signer.key_string() + "\n").encode("ascii"))
        write_public(directory / "registry.json", Path(registry).read_bytes())
        config = {"format": CONFIG_FORMAT, "hub_id": hub_id, "origin": origin,
                  "allowlist": str(Path(allowlist).absolute()) if allowlist else None}
        write_public(directory / "hub.json", (json.dumps(config, ensure_ascii=False, indent=2) + "\n").encode())
        return cls(directory, clock=clock)

    def _config(self) -> dict[str, Any]:
        path = self.directory / "hub.json"
        try:
            doc = json.loads(path.read_bytes())
        except (OSError, ValueError):
            raise LinkageError(f"ハブの設定 {path} を読めません (cannot read the hub's config)", where=str(path)) from None
        if not isinstance(doc, dict) or doc.get("format") != CONFIG_FORMAT:
            raise LinkageError(f"ハブの設定 {path} の形式が違います (expected {CONFIG_FORMAT})", where=str(path))
        return doc

    def update_registry(self, registry: Path | str) -> None:
        """Replace the registry (a new institution, a new key): checked, written whole, reloaded."""
        self.registry = load_registry(registry)
        write_public(self.directory / "registry.json", Path(registry).read_bytes())

    def close(self) -> None:
        self.log.close()
        self.db.close()

    def __enter__(self) -> Hub:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _now(self, now: int | None) -> int:
        return int(self.clock()) if now is None else int(now)

    # --- enrolment ----------------------------------------------------------------------------------

    def enrol(self, institution_id: str, person_handle: str) -> Enrolment:
        """Issue `institution_id` its 符号 for the person of `person_handle`, and the family's view key.

        `person_handle` stands in for what 住基ネット gives the real network: an identifier of the
        person that every city enrolling the same person presents alike (a 住民票コード-derived link).
        The hub keeps only an HMAC of it, mapped to a random person handle of its own."""
        if self.registry.get(institution_id) is None:
            raise Refused("institution-unknown", f"機関 {institution_id} は登録されていません (unknown institution)",
                          where=institution_id)
        if not isinstance(person_handle, str) or not person_handle or len(person_handle) > 256:
            raise LinkageError("個人の識別子が空か長すぎます (empty or overlong person handle)", where=institution_id)
        mac = _b64(hmac.new(self.key.secret, length_prefixed(NATIONAL_DOMAIN, person_handle.encode("utf-8")),
                            hashlib.sha256).digest())
        with self.db.transaction() as conn:
            row = conn.execute("SELECT person FROM persons WHERE handle_mac = ?", (mac,)).fetchone()
            person = str(row[0]) if row else "p-" + secrets.token_hex(16)
            if not row:
                conn.execute("INSERT INTO persons VALUES (?, ?)", (mac, person))
        fugo = self.fugo.issue(institution_id, person)
        return Enrolment(institution_id, fugo, view_key(self._view_secret, institution_id, fugo))

    def _view(self, institution_id: str, fugo: str) -> bytes:
        return view_key(self._view_secret, institution_id, fugo)

    # --- the log ------------------------------------------------------------------------------------

    def _append(self, kind: str, at: int, keys: Iterable[bytes], **fields: Any) -> int:
        return self._commits.append(encode_entry(make_entry(kind, time=at, keys=keys, **fields)))

    def _refuse(self, refusal: Refused, at: int, requester: str, keys: Sequence[bytes], known: dict[str, Any]) -> None:
        reason = refusal.reason if _REASON.match(refusal.reason or "") else "unknown"
        index = self._append("refuse", at, keys, requester=requester, reason=reason, **known)
        log.warning("linkage hub refused: requester=%s reason=%s entry=%d: %s", requester, reason, index,
                    " ".join(str(refusal).split()))

    # --- 情報照会 ---------------------------------------------------------------------------------------

    def query(self, token: str, tls_client_cn: str, *, now: int | None = None) -> ProvideRequest:
        """Check the query in `token`, sent by the TLS client `tls_client_cn`; log it, or log the
        refusal and raise `Refused`. What the provider needs to answer."""
        at = self._now(now)
        member = self.registry.by_cn(tls_client_cn) if isinstance(tls_client_cn, str) else None
        requester = member.id if member else "unknown"
        known: dict[str, Any] = {}
        keys: list[bytes] = []
        try:
            if member is None:
                raise Refused("client-unknown", "TLS クライアントはどの機関でもありません (the TLS client is no registered"
                              " institution)", where=str(tls_client_cn)[:64])
            q = verify_query(token, self.registry.signing_keys(), now=at, replay_cache=_Peek(), audience=self.hub_id)
            if q.requester != member.id:
                raise Refused("tls-client-mismatch", f"照会の署名者 {q.requester} と TLS クライアント {member.id} が"
                              f"違います (the query's issuer is not the TLS client)", where=member.id)
            known.update(jimu=q.jimu_code, provider=q.provider, items=list(q.items), ref=q.sha256)
            provider = self.registry.get(q.provider)
            if provider is None or provider.id == member.id:
                raise Refused("institution-unknown", f"照会先 {q.provider} は登録されていません (unknown provider)",
                              where=q.provider)
            try:  # tag the entry for the family whatever is decided next
                person = self.fugo.person_of(member.id, q.fugo)
                keys.append(self._view(member.id, q.fugo))
                keys.append(self._view(provider.id, self.fugo.fugo_of(provider.id, person)))
            except Refused:
                pass
            known["allowlist"] = self.allowlist.version
            check(self.allowlist, q.jimu_code, member.kind, provider.kind, q.items, dt.datetime.fromtimestamp(at, JST).date())
            provider_fugo = translate(self.fugo, member.id, q.fugo, provider.id)
            if not self.replay.first_use(q.nonce, q.expires_at, at):
                raise Refused("replayed", "この照会は既に受け付けています（再送） (replayed: the nonce was seen before)",
                              where=member.id)
        except Refused as refusal:
            self._refuse(refusal, at, requester, keys, known)
            raise
        request = ProvideRequest(member.id, provider.id, q.jimu_code, q.items, provider_fugo, q.nonce, q.sha256,
                                 q.expires_at)
        index = self._append("query", at, keys, requester=member.id, **known)
        with self._pending_lock:
            for nonce in [n for n, (_, until) in self._pending.items() if until <= at]:
                del self._pending[nonce]
            self._pending[q.nonce] = (_Pending(request, token, q.fugo, self.allowlist.version), q.expires_at)
        log.info("linkage hub query: %s -> %s jimu=%s items=%s entry=%d", member.id, provider.id, q.jimu_code,
                 ",".join(q.items), index)
        return request

    def _take_pending(self, nonce: str, at: int) -> _Pending:
        with self._pending_lock:
            found = self._pending.pop(str(nonce), None)
        if found is None:
            raise Refused("answer-unexpected", "待っている照会に対する回答ではありません (no query awaits this answer)")
        return found[0]

    def _exchange_keys(self, pending: _Pending) -> list[bytes]:
        r = pending.request
        return [self._view(r.requester, pending.requester_fugo), self._view(r.provider, r.fugo)]

    def _exchange_fields(self, r: ProvideRequest) -> dict[str, Any]:
        return {"jimu": r.jimu_code, "provider": r.provider, "items": list(r.items), "ref": r.query_sha256}

    def relay_answer(self, nonce: str, answer_token: str, *, now: int | None = None) -> str:
        """Check the provider's answer to the query of `nonce` (its signature, the query and the
        provider's 符号 it is bound to), log the 提供, and return the answer for the requester
        unchanged (its values sealed to the requester). A refused answer is logged, then `Refused`."""
        at = self._now(now)
        try:
            pending = self._take_pending(nonce, at)
        except Refused as refusal:
            self._refuse(refusal, at, "unknown", [], {})
            raise
        r = pending.request
        keys = self._exchange_keys(pending)
        try:
            provider = self.registry.get(r.provider)
            if provider is None:
                raise Refused("institution-unknown", "照会先が登録簿から消えています (the provider left the registry)")
            verify_answer(answer_token, provider.public.signing_key, expected_nonce=r.nonce,
                          query_token=pending.query_token, now=at, provider_id=r.provider, expected_fugo=r.fugo)
        except Refused as refusal:
            self._refuse(refusal, at, r.requester, keys, self._exchange_fields(r))
            raise
        index = self._append("provide", at, keys, requester=r.requester, **self._exchange_fields(r))
        log.info("linkage hub provide: %s -> %s jimu=%s entry=%d", r.provider, r.requester, r.jimu_code, index)
        return answer_token

    def provider_refused(self, nonce: str, reason: str, *, now: int | None = None) -> None:
        """The provider answered with a refusal (no 副本, no such checkup…): log it."""
        at = self._now(now)
        pending = self._take_pending(nonce, at)
        r = pending.request
        self._refuse(Refused(reason if _REASON.match(str(reason)) else "provider-refused", "照会先が提供を拒否しました"
                             " (the provider refused)"), at, r.requester, self._exchange_keys(pending),
                     self._exchange_fields(r))

    def exchange(self, token: str, tls_client_cn: str, provide: Callable[[ProvideRequest], str], *,
                 now: int | None = None) -> str:
        """A whole 情報照会: `query`, ask the provider (`provide` returns its answer token or raises
        `Refused`), `relay_answer`. The answer for the requester."""
        request = self.query(token, tls_client_cn, now=now)
        try:
            answer = provide(request)
        except Refused as refusal:
            self.provider_refused(request.nonce, refusal.reason, now=now)
            raise
        return self.relay_answer(request.nonce, answer, now=now)

    # --- staff reads ----------------------------------------------------------------------------------

    def append_read(self, tls_client_cn: str, fugo: str, jimu_code: str, items: Sequence[str], *,
                    now: int | None = None) -> int:
        """Log that staff of the city `tls_client_cn` read the 副本 of the person it knows as `fugo`
        (for `jimu_code`, `items`); the entry's index."""
        at = self._now(now)
        member = self.registry.by_cn(tls_client_cn) if isinstance(tls_client_cn, str) else None
        requester = member.id if member else "unknown"
        try:
            if member is None:
                raise Refused("client-unknown", "TLS クライアントはどの機関でもありません (unknown TLS client)")
            self.fugo.person_of(member.id, fugo)
            fields = {"jimu": jimu_code, "requester": member.id, "provider": member.id, "items": list(items)}
            entry = make_entry("read", time=at, keys=[self._view(member.id, fugo)], **fields)
        except Refused as refusal:
            self._refuse(refusal, at, requester, [], {})
            raise
        except LogError:
            self._refuse(Refused("malformed", "閲覧の記録の形式が不正です (malformed read report)"), at, requester, [], {})
            raise
        return self._commits.append(encode_entry(entry))

    @_locked
    def entry(self, index: int) -> bytes:
        return self.log.entry(index)

    @_locked
    def size(self) -> int:
        return self.log.size

    def last_cosigned(self, witness_id: str) -> int:
        """The largest size `witness_id` has cosigned (0: none yet)."""
        rows = self.db.query("SELECT max(size) FROM cosignatures WHERE witness = ?", (witness_id,))
        return int(rows[0][0] or 0)

    def witness_round(self, ask: Callable[[str, bytes, list[bytes]], bytes]) -> dict[str, str]:
        """Ask each registered witness to cosign the checkpoint now: `ask(witness_id, checkpoint,
        consistency proof from the size it last cosigned)` returns the cosigned checkpoint. What
        happened per witness ("cosigned" or the reason it did not)."""
        out: dict[str, str] = {}
        for witness_id in self.registry.witnesses():
            with self._lock:
                note, size = self.checkpoint(), self.log.size
                old = self.last_cosigned(witness_id)
                proof = self.log.consistency_proof(old, size) if 0 < old < size else []
            try:
                self.add_cosignature(witness_id, ask(witness_id, note, proof))
                out[witness_id] = "cosigned"
            except LinkageError as error:
                out[witness_id] = getattr(error, "reason", error.code)
                log.warning("linkage hub witness %s did not cosign size %d: %s", witness_id, size, out[witness_id])
        return out

    # --- checkpoints, proofs, tiles -------------------------------------------------------------------

    @_locked
    def checkpoint(self) -> bytes:
        """The signed checkpoint of the log now, with the cosignatures gathered for it."""
        size = self.log.size
        root = self.log.root(size)
        note = sign_checkpoint(Checkpoint(self.origin, size, root), self.signer)
        lines = [str(line) for (line,) in self.db.query(
            "SELECT line FROM cosignatures WHERE size = ? AND root = ? ORDER BY witness", (size, root))]
        return add_cosignatures(note, lines) if lines else note

    @_locked
    def inclusion(self, index: int, size: int) -> list[bytes]:
        return self.log.inclusion_proof(index, size)

    @_locked
    def consistency(self, old: int, new: int) -> list[bytes]:
        return self.log.consistency_proof(old, new)

    @_locked
    def tile(self, path: str) -> bytes:
        """The bytes at `path` (``tile/<L>/<N>[.p/<W>]``, ``tile/entries/<N>[.p/<W>]``) for the log
        now; `LogError` for a tile the log does not (yet) hold."""
        tile = parse_tile_path(path)
        count = self.log.size >> (TILE_HEIGHT * (tile.level or 0))
        if tile.index * TILE_WIDTH + tile.width > count:
            raise LogError(f"そのタイルはまだありません (no such tile in a log of {self.log.size}): {path}", where=path)
        if tile.level is None:
            return entry_bundle(self.log, tile.index, tile.width)
        return tile_bytes(self.log, tile.level, tile.index, tile.width)

    @_locked
    def add_cosignature(self, witness_id: str, cosigned: bytes) -> int:
        """Keep the cosignature by `witness_id` (verified with its key in the registry) of one of
        this log's checkpoints; the cosignature's timestamp."""
        member = self.registry.get(witness_id)
        if member is None or member.witness is None:
            raise Refused("witness-unknown", f"{witness_id} は証人として登録されていません (not a registered witness)",
                          where=str(witness_id)[:64])
        signed = open_checkpoint(cosigned, self.log_verifier, origin=self.origin)
        cp = signed.checkpoint
        if cp.size > self.log.size or self.log.root(cp.size) != cp.root_hash:
            raise Refused("checkpoint-not-ours", "このログのチェックポイントではありません (not a checkpoint of this log)",
                          where=witness_id)
        cosigner = member.witness.for_cosignatures()
        lines = [f"\u2014 {s.name} {s.encoded}\n" for s in parse_note(cosigned).signatures
                 if (s.name, s.key_id) == (cosigner.name, cosigner.key_id)]
        if not lines:
            raise Refused("cosignature-missing", f"{witness_id} の連署がありません (no cosignature by the witness)",
                          where=witness_id)
        # a checkpoint cosigned again (same size) carries the witness's earlier line too: keep the newest,
        # each one verified
        timestamp, line = max((verify_cosignature(signed.text, candidate, cosigner), candidate) for candidate in lines)
        with self.db.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO cosignatures VALUES (?, ?, ?, ?, ?)",
                         (cp.size, cp.root_hash, witness_id, line, timestamp))
        log.info("linkage hub cosigned: witness=%s size=%d", witness_id, cp.size)
        return timestamp

    @_locked
    def export(self, directory: Path | str) -> list[str]:
        """Write the log's tlog-tiles layout (checkpoint last) into `directory`; the paths written."""
        return export_tiles(self.log, self.checkpoint(), directory, log_key=self.log_verifier)
