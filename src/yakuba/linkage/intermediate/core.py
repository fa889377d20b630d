"""A city's 中間サーバー as a service core: its keys, its 副本 encrypted at rest, its answers to the hub,
and its witness of the hub's log. Pure: no Django, no HTTP (`yakuba.linkage.intermediate.app`).

The city's 健康情報システム registers each child's 副本 here (`register`: the 副本 as opaque JSON
bytes, keyed by the city's 団体内統合宛名番号 `local_id` and the child's 符号 at this city). When
the hub asks (`provide`), the server answers with the items asked, from the checkup the 事務 names,
signed with its Ed25519 key and sealed to the requester's X25519 key taken from its own copy of the
registry (never from the hub). It erases a 副本 on request or after the retention period
(`erase`, `retain`) by destroying its data key, and issues the product's erasure certificate
(`yakuba.privacy.erasure`). As a witness (`witness`) it cosigns a checkpoint of the hub's log only
if it extends the last one it saw: a hub that rewrote its log cannot get it cosigned.

The data directory (0700, not a link, not removable media)::

    intermediate.json  id, kind, name, TLS CN, retention, the hub's id and log key (public)
    institution.json   the private Ed25519 and X25519 keys (JWK, 0600, never replaced)
    master.key         the key that wraps each 副本's data key (0600, never replaced)
    witness.key        the note signer key that cosigns the hub's checkpoints (0600)
    public.json        this server's registry entry (public keys only), for the hub's operator
    registry.json      the registry of institutions (`yakuba.linkage.registry`)
    store.sqlite       one row per 副本: wrapped data key, nonce, ciphertext (AES-256-GCM)
    witness/last       the last checkpoint cosigned; witness/refused-*: checkpoints refused
    erasures/          the erasure certificates of the retention runs (`Retention`), one JSON file each

Each 副本 has its own random 256-bit data key; the ciphertext is bound to its `local_id` and 符号
(AES-GCM associated data), the data key is wrapped by the master key and bound to the `local_id`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from joserfc.jwk import OKPKey

from yakuba.files import write_bytes_atomic
from yakuba.linkage.allowlist import Allowlist, check, load_allowlist
from yakuba.linkage.datadir import Database, open_data_dir, read_private, write_private, write_public
from yakuba.linkage.errors import LinkageError, LogError, Refused
from yakuba.linkage.hub.core import JST, ProvideRequest
from yakuba.linkage.pseudonym import INSTITUTION_PATTERN, is_fugo, length_prefixed
from yakuba.linkage.query import HUB_ID, NONCE_BYTES, Answer, Institution, make_answer, make_query, verify_answer
from yakuba.linkage.registry import Registry, load_registry, member_json
from yakuba.linkage.tlog import (Signer, Verifier, add_cosignatures, cosign, open_checkpoint, verify_consistency)

__all__ = ["Intermediate", "Retention", "CONFIG_FORMAT", "JIMU_CHECKUP", "RETENTION_DAYS", "validate_fukuhon"]

CONFIG_FORMAT = "yakuba-linkage-intermediate/1"
RETENTION_DAYS = 5 * 365 + 1  # 5 years
LOCAL_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$")
DATA_DOMAIN = b"yakuba-linkage/fukuhon-data/1"
WRAP_DOMAIN = b"yakuba-linkage/fukuhon-key/1"
MAX_FUKUHON = 1024 * 1024
JIMU_CHECKUP = {"boshi-13-infant-checkup": "m3_4", "boshi-12-1y6m-checkup": "m18", "boshi-12-3y-checkup": "y3"}
"""Which checkup (副本 `kind`) each 事務 of the allow-list asks for."""
log = logging.getLogger("yakuba.linkage.intermediate")

SCHEMA = """
CREATE TABLE IF NOT EXISTS fukuhon (local_id TEXT PRIMARY KEY, fugo TEXT NOT NULL UNIQUE,
    key_nonce BLOB NOT NULL, wrapped_key BLOB NOT NULL, nonce BLOB NOT NULL, ciphertext BLOB NOT NULL,
    registered_at INTEGER NOT NULL) STRICT;
"""


def validate_fukuhon(data: bytes, local_id: str) -> dict[str, Any]:
    """The 副本 in `data` as a document: `yakuba.linkage.fukuhon` reads and checks it against its
    schema when that module offers `loads` and `from_document`; else it is read as strict JSON
    with the few keys this server relies on. Its `local_id` must be the one it is registered under."""
    if not isinstance(data, (bytes, bytearray)) or len(data) > MAX_FUKUHON:
        raise LinkageError("副本がバイト列でないか大きすぎます (the fukuhon is not bytes, or over 1 MiB)", where=local_id)
    try:
        from yakuba.linkage import fukuhon
        loads, from_document = fukuhon.loads, fukuhon.from_document
    except (ImportError, AttributeError):
        loads = from_document = None
    if loads is not None and from_document is not None:
        doc = loads(bytes(data))
        from_document(doc)
    else:
        try:
            doc = json.loads(bytes(data).decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise LinkageError("副本が JSON ではありません (the fukuhon is not JSON)", where=local_id) from None
        if not isinstance(doc, dict) or not isinstance(doc.get("checkups"), list):
            raise LinkageError("副本に checkups がありません (the fukuhon has no checkups)", where=local_id)
    if doc.get("local_id") != local_id:
        raise LinkageError("副本の local_id が登録先と違います (the fukuhon's local_id is not the one given)",
                           where=local_id)
    return doc


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class Erased:
    """One 副本 erased: its local_id, the size and SHA-256 of its ciphertext as it was stored."""

    local_id: str
    size: int
    cipher_sha256: str


class Intermediate:
    """A city's 中間サーバー over its data directory (see the module). Thread-safe; `close` it."""

    def __init__(self, directory: Path | str, *, clock: Callable[[], float] = time.time) -> None:
        self.directory = open_data_dir(directory, create=False)
        self.clock = clock
        config = self._config()
        self.config = config
        keys = json.loads(read_private(self.directory / "institution.json"))
        self.institution = Institution(config["id"], config["kind"], config["name"],
                                       OKPKey.import_key(keys["signing_key"]), OKPKey.import_key(keys["sealing_key"]))
        self.id = self.institution.id
        self.tls_cn: str = config["tls_cn"]
        self.hub_id: str = config["hub_id"]
        self.retention_s = int(config["retention_days"]) * 86400
        self._master = AESGCM(self._key_file("master.key"))
        self.witness_signer = Signer.parse(read_private(self.directory / "witness.key").decode("ascii").strip())
        self.allowlist: Allowlist = load_allowlist(config.get("allowlist"))
        self.registry: Registry | None = None
        self.hub_log_key: Verifier | None = None
        if (self.directory / "registry.json").exists():
            self.registry = load_registry(self.directory / "registry.json")
        if config.get("hub_log_key"):
            self.hub_log_key = Verifier.parse(config["hub_log_key"])
        self.db = Database(self.directory / "store.sqlite", SCHEMA)
        (self.directory / "witness").mkdir(mode=0o700, exist_ok=True)

    # --- life cycle -------------------------------------------------------------------------------

    @classmethod
    def init(cls, directory: Path | str, *, id: str, kind: str, name: str, tls_cn: str | None = None,
             url: str | None = None, hub_id: str = HUB_ID, retention_days: int = RETENTION_DAYS,
             clock: Callable[[], float] = time.time) -> Intermediate:
        """Make a new 中間サーバー's data directory: its keys (private files 0600) and `public.json`."""
        if not INSTITUTION_PATTERN.match(id):
            raise LinkageError(f"機関の識別子が不正です (invalid institution id): {id!r}")
        directory = open_data_dir(directory, create=True)
        if (directory / "intermediate.json").exists():
            raise LinkageError(f"{directory} には既に中間サーバーがあります (already initialised: not replaced)",
                               where=str(directory))
        institution = Institution.generate(id, kind, name)
        witness = Signer.generate(f"{id}.witness")
        keys = {"signing_key": institution.signing_key.as_dict(private=True),
                "sealing_key": institution.sealing_key.as_dict(private=True)}
        write_private(directory / "institution.json", json.dumps(keys).encode("ascii"))
        write_private(directory / "master.key", (_b64(secrets.token_bytes(32)) + "\n").encode("ascii"))
        write_private(directory / "witness.key", (witness.key_string() + "\n").encode("ascii"))
        public = member_json(institution, tls_cn=tls_cn or id, witness=witness.verifier(), url=url)
        write_public(directory / "public.json", (json.dumps(public, ensure_ascii=False, indent=2) + "\n").encode())
        config = {"format": CONFIG_FORMAT, "id": id, "kind": kind, "name": name, "tls_cn": tls_cn or id,
                  "hub_id": hub_id, "retention_days": retention_days, "hub_log_key": None, "allowlist": None}
        write_public(directory / "intermediate.json", (json.dumps(config, ensure_ascii=False, indent=2) + "\n").encode())
        return cls(directory, clock=clock)

    def connect(self, *, registry: Path | str, hub_log_key: str) -> None:
        """Take the registry of institutions and the hub's log key (its note verifier key)."""
        self.registry = load_registry(registry)
        self.hub_log_key = Verifier.parse(hub_log_key)
        write_public(self.directory / "registry.json", Path(registry).read_bytes())
        self.config = {**self.config, "hub_log_key": self.hub_log_key.key_string()}
        write_public(self.directory / "intermediate.json",
                     (json.dumps(self.config, ensure_ascii=False, indent=2) + "\n").encode())

    def _config(self) -> dict[str, Any]:
        path = self.directory / "intermediate.json"
        try:
            doc = json.loads(path.read_bytes())
        except (OSError, ValueError):
            raise LinkageError(f"中間サーバーの設定 {path} を読めません (cannot read the config)", where=str(path)) from None
        if not isinstance(doc, dict) or doc.get("format") != CONFIG_FORMAT:
            raise LinkageError(f"中間サーバーの設定 {path} の形式が違います (expected {CONFIG_FORMAT})", where=str(path))
        return doc

    def _key_file(self, name: str) -> bytes:
        text = read_private(self.directory / name).decode("ascii").strip()
        key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        if len(key) != 32:
            raise LinkageError(f"{name} の鍵の長さが違います (expected 32 bytes)", where=name)
        return key

    def public_json(self) -> dict[str, Any]:
        return json.loads((self.directory / "public.json").read_bytes())

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Intermediate:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _now(self, now: int | None) -> int:
        return int(self.clock()) if now is None else int(now)

    # --- the store ------------------------------------------------------------------------------------

    def register(self, local_id: str, fukuhon: bytes, fugo: str, *, now: int | None = None) -> None:
        """Keep (or replace) the 副本 of the child `local_id`, known to the hub by `fugo`, encrypted."""
        if not isinstance(local_id, str) or not LOCAL_ID.match(local_id):
            raise LinkageError(f"団体内統合宛名番号の形式が不正です (invalid local_id): {str(local_id)[:64]!r}")
        if not is_fugo(fugo):
            raise LinkageError("符号の形式が不正です (invalid 符号)", where=local_id)
        validate_fukuhon(fukuhon, local_id)
        data_key = AESGCM.generate_key(bit_length=256)
        nonce, key_nonce = secrets.token_bytes(12), secrets.token_bytes(12)
        ciphertext = AESGCM(data_key).encrypt(nonce, bytes(fukuhon), self._aad(local_id, fugo))
        wrapped = self._master.encrypt(key_nonce, data_key, length_prefixed(WRAP_DOMAIN, local_id.encode()))
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM fukuhon WHERE local_id = ? OR fugo = ?", (local_id, fugo))
            conn.execute("INSERT INTO fukuhon VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (local_id, fugo, key_nonce, wrapped, nonce, ciphertext, self._now(now)))

    @staticmethod
    def _aad(local_id: str, fugo: str) -> bytes:
        return length_prefixed(DATA_DOMAIN, local_id.encode(), fugo.encode())

    def _open_row(self, row: tuple[Any, ...]) -> bytes:
        local_id, fugo, key_nonce, wrapped, nonce, ciphertext = row[:6]
        try:
            data_key = self._master.decrypt(key_nonce, wrapped, length_prefixed(WRAP_DOMAIN, local_id.encode()))
            return AESGCM(data_key).decrypt(nonce, ciphertext, self._aad(local_id, fugo))
        except InvalidTag:
            raise LinkageError("副本を復号できません。改ざんされているか鍵が違います (cannot decrypt the fukuhon: tampered,"
                               " or another master key)", where=local_id) from None

    def read(self, local_id: str) -> bytes:
        """The 副本 of `local_id` (for the city's own staff; report the read to the hub)."""
        rows = self.db.query("SELECT * FROM fukuhon WHERE local_id = ?", (local_id,))
        if not rows:
            raise Refused("fukuhon-none", "その副本はありません (no fukuhon for this local_id)", where=str(local_id)[:64])
        return self._open_row(rows[0])

    def fugo_of(self, local_id: str) -> str:
        rows = self.db.query("SELECT fugo FROM fukuhon WHERE local_id = ?", (local_id,))
        if not rows:
            raise Refused("fukuhon-none", "その副本はありません (no fukuhon for this local_id)", where=str(local_id)[:64])
        return str(rows[0][0])

    # --- answering the hub ------------------------------------------------------------------------------

    def provide(self, request: ProvideRequest, *, now: int | None = None) -> str:
        """The signed answer to the hub's `request`: only the items asked, from the latest checkup of
        the kind its 事務 names, sealed to the requester. `Refused` (logged) otherwise."""
        at = self._now(now)
        try:
            return self._provide(request, at)
        except Refused as refusal:
            log.warning("linkage intermediate refused: %s requester=%s jimu=%s reason=%s: %s", self.id,
                        request.requester, request.jimu_code, refusal.reason, " ".join(str(refusal).split()))
            raise

    def _provide(self, request: ProvideRequest, at: int) -> str:
        if request.provider != self.id:
            raise Refused("wrong-provider", "この中間サーバーへの依頼ではありません (the request is for another provider)")
        if at >= request.expires_at:
            raise Refused("expired", "照会の有効期限が切れています (the query has expired)")
        member = self.registry.get(request.requester) if self.registry else None
        if member is None:
            raise Refused("institution-unknown", "照会元が登録簿にありません (the requester is not in the registry)")
        check(self.allowlist, request.jimu_code, member.kind, self.institution.kind, request.items,
              dt.datetime.fromtimestamp(at, JST).date())
        kind = JIMU_CHECKUP.get(request.jimu_code)
        if kind is None:
            raise Refused("jimu-no-checkup", "この事務に対応する健診がありません (no checkup for this jimu)")
        rows = self.db.query("SELECT * FROM fukuhon WHERE fugo = ?", (request.fugo,))
        if not rows:
            raise Refused("fukuhon-none", "この方の副本はありません (no fukuhon for this person)")
        doc = json.loads(self._open_row(rows[0]))
        checkups = [c for c in doc.get("checkups", []) if isinstance(c, dict) and c.get("kind") == kind]
        if not checkups:
            raise Refused("checkup-none", "この健診の記録はありません (no record of this checkup)")
        latest = max(checkups, key=lambda c: str(c.get("items", {}).get("checkup_date", "")))
        items = {code: latest["items"][code] for code in request.items if code in latest.get("items", {})}
        answer = make_answer(self.institution, requester=member.public, query_nonce=request.nonce,
                             query_sha256=request.query_sha256, fugo=request.fugo, items=items, now=at)
        log.info("linkage intermediate provided: %s -> %s jimu=%s items=%s", self.id, request.requester,
                 request.jimu_code, ",".join(items))
        return answer

    # --- asking another city (情報照会) ----------------------------------------------------------------------

    def ask(self, *, provider: str, jimu: str, items: Sequence[str], fugo: str, send: Callable[[str], str],
            now: int | None = None) -> Answer:
        """A 情報照会 for this city's health app: the query signed with this server's key (the city's 符号
        `fugo` for the person), sent to the hub by `send` (the token → the provider's answer token, relayed);
        the answer verified with the provider's key from this server's own registry — never a key the hub
        gives — and opened. `Refused` when the hub, the provider or the answer's check refuses."""
        at = self._now(now)
        member = self.registry.get(provider) if self.registry else None
        if member is None or member.id == self.id:
            raise Refused("institution-unknown", f"照会先 {str(provider)[:64]} は登録簿にありません"
                          f" (the provider is not in the registry)", where=str(provider)[:64])
        nonce = secrets.token_urlsafe(NONCE_BYTES)
        token = make_query(self.institution, jimu_code=jimu, items=list(items), fugo=fugo, provider_id=member.id,
                           nonce=nonce, now=at, audience=self.hub_id)
        answer_token = send(token)
        answer = verify_answer(answer_token, member.public.signing_key, expected_nonce=nonce, query_token=token,
                               now=self._now(now), provider_id=member.id, open_with=self.institution)
        log.info("linkage intermediate asked: %s -> %s jimu=%s items=%s got=%s", self.id, member.id, jimu,
                 ",".join(items), ",".join(answer.items or {}))
        return answer

    def institutions(self) -> list[dict[str, str]]:
        """The other institutions of the registry (id, kind, name), for the health app's choice of a provider."""
        if self.registry is None:
            return []
        return [{"id": m.id, "kind": m.kind, "name": m.public.name}
                for m in sorted(self.registry.members.values(), key=lambda m: m.id) if m.id != self.id]

    def log_keys(self) -> dict[str, Any]:
        """What a family needs to check the hub's log: its verifier key and the witnesses' keys (public)."""
        witnesses = self.registry.witnesses() if self.registry else {}
        return {"log_key": self.hub_log_key.key_string() if self.hub_log_key else None,
                "witnesses": {k: v.key_string() for k, v in sorted(witnesses.items())}}

    # --- erasure ----------------------------------------------------------------------------------------

    def erase(self, local_id: str, *, operator: str = "yakuba linkage intermediate",
              reason: str = "erasure requested", now: int | None = None) -> bytes:
        """Destroy the data key of `local_id`'s 副本 and remove it; the signed erasure certificate."""
        return self._erase_where("local_id = ?", (local_id,), operator=operator, reason=reason, now=now) \
            or self._none(local_id)

    @staticmethod
    def _none(local_id: str) -> bytes:
        raise Refused("fukuhon-none", "その副本はありません (no fukuhon for this local_id)", where=str(local_id)[:64])

    def retain(self, now: int | None = None, *, operator: str = "yakuba linkage intermediate (retention)") -> bytes | None:
        """Erase every 副本 registered more than the retention period (5 years) ago; the certificate,
        or None when none was due."""
        at = self._now(now)
        return self._erase_where("registered_at <= ?", (at - self.retention_s,), operator=operator,
                                 reason=f"retention period of {self.retention_s // 86400} days ended", now=at)

    def _erase_where(self, where: str, args: tuple[Any, ...], *, operator: str, reason: str,
                     now: int | None) -> bytes | None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        from yakuba.privacy.erasure import ErasedItem, issue_certificate

        with self.db.transaction() as conn:
            rows = conn.execute(f"SELECT local_id, ciphertext FROM fukuhon WHERE {where}", args).fetchall()
            erased = [Erased(str(r[0]), len(r[1]), hashlib.sha256(r[1]).hexdigest()) for r in rows]
            conn.execute(f"DELETE FROM fukuhon WHERE {where}", args)
        if not erased:
            return None
        self.db.checkpoint()  # secure_delete zeroed the pages; the WAL is folded in and truncated
        left = self.db.query(f"SELECT count(*) FROM fukuhon WHERE local_id IN ({','.join('?' * len(erased))})",
                             tuple(e.local_id for e in erased))[0][0]
        if left:
            raise LinkageError("副本の削除を確認できません (erasure could not be verified)")
        key = self.institution.signing_key.private_key
        assert isinstance(key, Ed25519PrivateKey)
        at = self._now(now)
        for e in erased:
            log.info("linkage intermediate erased: %s local_id=%s: %s", self.id, e.local_id, reason)
        return issue_certificate(
            [ErasedItem(e.local_id, "fukuhon", "副本 (乳幼児健診) / linkage copy of checkup records", e.size,
                        e.cipher_sha256) for e in erased],
            operator=operator, organisation=self.institution.name, tool="yakuba.linkage.intermediate",
            verification=f"data key rows absent after deletion, WAL truncated: verified {len(erased)}/{len(erased)}",
            signing_key=key, issued_at=dt.datetime.fromtimestamp(at, JST), notes=reason)

    # --- witness ----------------------------------------------------------------------------------------

    def last_checkpoint(self) -> bytes | None:
        path = self.directory / "witness" / "last"
        return path.read_bytes() if path.exists() else None

    def witness(self, checkpoint: bytes, proof: list[bytes], *, now: int | None = None) -> bytes:
        """Cosign the hub's `checkpoint` if it extends the last one this server cosigned
        (`proof`: the consistency proof from that size); the checkpoint with the cosignature added.
        A checkpoint that does not is refused, logged, and kept in ``witness/refused-*``."""
        at = self._now(now)
        if self.hub_log_key is None:
            raise LinkageError("ハブのログの鍵が設定されていません。connect してください (no hub log key: connect first)")
        try:
            try:
                new = open_checkpoint(checkpoint, self.hub_log_key)
            except LogError as exc:
                raise Refused("checkpoint-invalid", f"チェックポイントを検証できません (the checkpoint does not verify):"
                              f" {exc.message}") from None
            last_bytes = self.last_checkpoint()
            if last_bytes is not None:
                last = open_checkpoint(last_bytes, self.hub_log_key)
                if new.size < last.size:
                    raise Refused("checkpoint-older", f"前に見た大きさ {last.size} より小さいチェックポイントです"
                                  f" (smaller than the last one seen)")
                if new.size == last.size and new.root_hash != last.root_hash:
                    raise Refused("log-forked", "同じ大きさで根が違います。ログが書き換えられています"
                                  " (same size, another root: the log was rewritten)")
                if 0 < last.size < new.size:
                    try:
                        verify_consistency(last.size, new.size, last.root_hash, new.root_hash, proof)
                    except LogError:
                        raise Refused("log-inconsistent", f"大きさ {last.size} から {new.size} へ追記だけで伸びていません。"
                                      f"ログが書き換えられています (the log did not only grow: history rewritten)") from None
        except Refused as refusal:
            evidence = self.directory / "witness" / f"refused-{at}-{hashlib.sha256(checkpoint).hexdigest()[:12]}"
            write_bytes_atomic(evidence, bytes(checkpoint), mode=0o600)
            log.error("linkage witness refused: %s reason=%s kept=%s: %s", self.id, refusal.reason, evidence.name,
                      " ".join(str(refusal).split()))
            raise
        write_bytes_atomic(self.directory / "witness" / "last", bytes(checkpoint), mode=0o600)
        line = cosign(new.text, self.witness_signer, at)
        log.info("linkage witness cosigned: %s size=%d", self.id, new.size)
        return add_cosignatures(self._without_own_lines(bytes(checkpoint)), [line])

    def _without_own_lines(self, note: bytes) -> bytes:
        """The note less this witness's earlier cosignature lines (a checkpoint cosigned again at the same
        size carries them): one line per key in what it returns."""
        body, sep, signatures = note.partition(b"\n\n")
        mine = f"\u2014 {self.witness_signer.name} ".encode("utf-8")
        kept = [line for line in signatures.split(b"\n") if line and not line.startswith(mine)]
        return body + sep + b"".join(line + b"\n" for line in kept)


class Retention:
    """A thread in the 中間サーバー's worker: every `interval` seconds, erase the 副本 past their
    retention period (`Intermediate.retain`) and keep its signed certificate in ``erasures/``."""

    def __init__(self, server: Intermediate, interval: float) -> None:
        import threading

        self.server, self.interval = server, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="yakuba-linkage-retention", daemon=True)

    def start(self) -> Retention:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def run_once(self, now: int | None = None) -> Path | None:
        """One retention run; the certificate's path, or None when nothing was due."""
        certificate = self.server.retain(now)
        if certificate is None:
            return None
        folder = self.server.directory / "erasures"
        folder.mkdir(mode=0o700, exist_ok=True)
        at = self.server._now(now)
        path = folder / f"retention-{at}-{hashlib.sha256(certificate).hexdigest()[:12]}.json"
        write_bytes_atomic(path, certificate, mode=0o600)
        return path

    def _run(self) -> None:
        while True:
            try:
                self.run_once()
            except (LinkageError, OSError) as exc:  # kept going: the next run tries again
                log.error("linkage retention failed: %s: %s", self.server.id, exc)
            if self._stop.wait(self.interval):
                return
