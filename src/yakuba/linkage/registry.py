"""The registry of institutions that the hub and every 中間サーバー share: who they are and their
public keys. Pure: no Django.

One file, JSON (``{"institutions": [...]}``) or TOML (``[[institutions]]``), each institution with
exactly these keys:

- ``id``, ``kind`` (an allow-list kind: 市町村 …), ``name``;
- ``signing_key`` (public Ed25519 JWK: its queries and answers), ``sealing_key`` (public X25519
  JWK: answers to it are sealed to this key);
- ``tls_cn``: the CN of its TLS client certificate (what the HTTP services authenticate);
- optional ``witness_key``: its tlog note verifier key (``name+id+key``), when it cosigns the log;
- optional ``url``: where its 中間サーバー listens (``https://host:port``), for the hub to call.

A 中間サーバー writes its own entry on `init` (``public.json``); the operator of the hub gathers them
into the registry. A 中間サーバー reads the same registry to find a requester's sealing key itself,
never from the hub's request (so the hub cannot slip in a key of its own). Read strictly: an
unknown or missing key, a private key, a repeated id or CN is refused with one located line.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from yakuba.linkage.errors import LinkageError
from yakuba.linkage.pseudonym import INSTITUTION_PATTERN
from yakuba.linkage.query import Institution, PublicInstitution
from yakuba.linkage.tlog import Verifier

__all__ = ["Member", "Registry", "load_registry", "parse_registry", "member_json", "registry_json"]

_REQUIRED = {"id", "kind", "name", "signing_key", "sealing_key", "tls_cn"}
_OPTIONAL = {"witness_key", "url"}


@dataclass(frozen=True)
class Member:
    """One institution of the registry."""

    public: PublicInstitution
    tls_cn: str
    witness: Verifier | None = None
    url: str | None = None

    @property
    def id(self) -> str:
        return self.public.id

    @property
    def kind(self) -> str:
        return self.public.kind


@dataclass(frozen=True)
class Registry:
    members: Mapping[str, Member]
    source: str = field(default="registry")

    def get(self, institution_id: str) -> Member | None:
        return self.members.get(institution_id)

    def by_cn(self, cn: str) -> Member | None:
        for member in self.members.values():
            if member.tls_cn == cn:
                return member
        return None

    def signing_keys(self) -> dict[str, tuple[OKPKey, ...]]:
        """Institution id → its signing keys, as `verify_query` takes them."""
        return {m.id: (m.public.signing_key,) for m in self.members.values()}

    def witnesses(self) -> dict[str, Verifier]:
        return {m.id: m.witness for m in self.members.values() if m.witness is not None}


def member_json(institution: Institution | PublicInstitution, *, tls_cn: str, witness: Verifier | None = None,
                url: str | None = None) -> dict[str, Any]:
    """The registry entry of `institution` (public keys only)."""
    public = institution.public() if isinstance(institution, Institution) else institution
    doc: dict[str, Any] = {"id": public.id, "kind": public.kind, "name": public.name,
                           "signing_key": public.signing_key.as_dict(private=False),
                           "sealing_key": public.sealing_key.as_dict(private=False), "tls_cn": tls_cn}
    if witness is not None:
        doc["witness_key"] = witness.key_string()
    if url is not None:
        doc["url"] = url
    return doc


def _bad(source: str, where: str, ja: str, en: str) -> LinkageError:
    return LinkageError(f"機関の登録簿 {source} の {where} が不正です: {ja} (invalid registry, {where}: {en})",
                        where=f"{source}: {where}")


def _key(value: Any, curve: str, source: str, where: str) -> OKPKey:
    if not isinstance(value, dict) or set(value) - {"kty", "crv", "x", "kid", "use", "alg"}:
        raise _bad(source, where, f"{curve} の公開鍵 (JWK) ではありません", f"not a public {curve} JWK")
    try:
        key = OKPKey.import_key(dict(value))
    except (JoseError, ValueError, TypeError):
        raise _bad(source, where, "鍵を読めません", "cannot import the JWK") from None
    if key.curve_name != curve or key.is_private:
        raise _bad(source, where, f"{curve} の公開鍵ではありません", f"not a public {curve} key")
    return key


def _member(doc: Any, source: str, where: str) -> Member:
    if not isinstance(doc, dict):
        raise _bad(source, where, "表ではありません", "not a table")
    unknown = sorted(set(doc) - _REQUIRED - _OPTIONAL)
    missing = sorted(_REQUIRED - set(doc))
    if unknown or missing:
        name = (unknown or missing)[0]
        raise _bad(source, where, f"項目 {name} が{'不明' if unknown else 'ありません'}",
                   f"{'unknown' if unknown else 'missing'} key {name!r}")
    for name in ("id", "kind", "name", "tls_cn", "url", "witness_key"):
        if name in doc and (not isinstance(doc[name], str) or not doc[name] or not doc[name].isprintable()):
            raise _bad(source, f"{where}.{name}", "空でない一行の文字列です", "a non-empty one-line string")
    if not INSTITUTION_PATTERN.match(doc["id"]):
        raise _bad(source, f"{where}.id", "識別子が不正です", "bad institution id")
    if "url" in doc and not doc["url"].startswith("https://"):
        raise _bad(source, f"{where}.url", "https:// で始まる URL です", "url must be https://")
    witness = None
    if "witness_key" in doc:
        try:
            witness = Verifier.parse(doc["witness_key"])
        except LinkageError:
            raise _bad(source, f"{where}.witness_key", "検証鍵を読めません", "not a note verifier key") from None
    public = PublicInstitution(doc["id"], doc["kind"], doc["name"],
                               _key(doc["signing_key"], "Ed25519", source, f"{where}.signing_key"),
                               _key(doc["sealing_key"], "X25519", source, f"{where}.sealing_key"))
    return Member(public, doc["tls_cn"], witness, doc.get("url"))


def parse_registry(data: Mapping[str, Any], *, source: str = "registry") -> Registry:
    if not isinstance(data, dict) or set(data) != {"institutions"} or not isinstance(data["institutions"], list):
        raise _bad(source, "top level", "institutions の一覧だけを書きます", "exactly a list 'institutions'")
    members: dict[str, Member] = {}
    cns: set[str] = set()
    for n, doc in enumerate(data["institutions"], start=1):
        member = _member(doc, source, f"institutions[{n}]")
        if member.id in members or member.tls_cn in cns:
            raise _bad(source, f"institutions[{n}]", "識別子か CN が重複しています", "repeated id or tls_cn")
        members[member.id] = member
        cns.add(member.tls_cn)
    return Registry(members, source)


def load_registry(path: Path | str) -> Registry:
    """The registry in the file `path` (``.toml``: TOML, else JSON)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8")) if path.suffix == ".toml" else json.loads(raw)
    except OSError as exc:
        raise LinkageError(f"機関の登録簿 {path} を読めません (cannot read the registry: {exc.strerror})",
                           where=str(path)) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise LinkageError(f"機関の登録簿 {path} を読めません (not JSON or TOML: {type(exc).__name__})",
                           where=str(path)) from None
    return parse_registry(data, source=str(path))


def registry_json(members: Iterable[dict[str, Any]]) -> bytes:
    """A registry file's bytes from entries made by `member_json`."""
    return (json.dumps({"institutions": list(members)}, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

