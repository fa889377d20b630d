"""Signed 情報照会 and their answers: JWS compact, alg EdDSA (Ed25519), replay-proof. Pure: no Django.

A requester (a city's 中間サーバー) signs a query to the hub: who asks (``iss``), the hub
(``aud``), the 事務 (``jimu``), the item codes (``items``), the person as the requester knows them
(``sub``: the requester's 符号), the institution asked (``provider``), a random ``nonce`` (128 bits
or more), ``iat`` and ``exp``; the header names the signing key (``kid``: its RFC 7638 thumbprint)
and the type (``typ``). `verify_query` refuses, each with a `Refused` reason (docs/linkage/queries.md):
``alg`` (anything but EdDSA, ``none`` and HS256 included), ``malformed``, ``institution-unknown``,
``signature``, ``issuer-mismatch``, ``audience``, ``ttl-too-long``, ``not-yet-valid``, ``expired``
and ``replayed`` (a nonce seen within its lifetime, kept by a `ReplayCache`).

The provider answers with `make_answer`: a JWS by its own key that binds the query's nonce and the
SHA-256 of the query token (so it answers that query and no other), and a hash of the provider's
符号 with the nonce (which the hub, which knows that 符号, checks; the requester learns nothing from
it). The values themselves are sealed to the requester's X25519 key as a JWE (ECDH-ES with an
ephemeral key, A256GCM; RFC 7518, RFC 8037): the hub relays the answer without reading them.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import heapq
import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Protocol, Sequence

from joserfc import jwe, jws
from joserfc.errors import JoseError, UnsupportedAlgorithmError
from joserfc.jwk import OKPKey

from yakuba.linkage.errors import LinkageError, Refused
from yakuba.linkage.pseudonym import INSTITUTION_PATTERN, is_fugo, length_prefixed

__all__ = ["Institution", "PublicInstitution", "Query", "Answer", "ReplayCache", "MemoryReplayCache",
           "make_query", "verify_query", "make_answer", "verify_answer", "key_directory", "token_sha256",
           "HUB_ID", "ALG", "QUERY_TYPE", "ANSWER_TYPE", "SKEW_S", "MAX_TTL_S"]

HUB_ID = "hub"
ALG = "EdDSA"
QUERY_TYPE = "yakuba-linkage-query+jwt"
ANSWER_TYPE = "yakuba-linkage-answer+jwt"
SEAL = {"alg": "ECDH-ES", "enc": "A256GCM"}
SKEW_S = 30  # how far ahead another institution's clock may be
MAX_TTL_S = 300
NONCE_BYTES = 16
_HEADER = {"alg", "kid", "typ"}
_QUERY_CLAIMS = {"iss", "aud", "jimu", "items", "sub", "provider", "nonce", "iat", "exp"}
_ANSWER_CLAIMS = {"iss", "aud", "query_nonce", "query_sha256", "fugo_binding", "iat", "exp", "sealed"}
_NONCE = re.compile(r"^[A-Za-z0-9_-]{22,86}$")
_CODE = re.compile(r"^[a-z0-9][a-z0-9.-]{0,63}$")
_ITEM = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_SHA = re.compile(r"^[A-Za-z0-9_-]{43}$")
MAX_TOKEN = 64 * 1024


class _EdDSAOnly(jws.JWSRegistry):
    """joserfc's registry allowing EdDSA alone (its RFC 9864 deprecation warning left out: the
    alg is checked here)."""

    def get_alg(self, name: str) -> jws.JWSAlgModel:
        if name != ALG:
            raise UnsupportedAlgorithmError(f"Algorithm of '{name}' is not allowed")
        return self.algorithms[ALG]


_REGISTRY = _EdDSAOnly(algorithms=[ALG])


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def token_sha256(token: str) -> str:
    """SHA-256 of a token's ASCII text, base64url without padding (what an answer binds)."""
    return _b64(hashlib.sha256(token.encode("ascii")).digest())


def _fugo_binding(nonce: str, fugo: str) -> str:
    return _b64(hashlib.sha256(length_prefixed(b"yakuba-linkage/answer-fugo/1", nonce.encode("ascii"),
                                               fugo.encode("ascii"))).digest())


def _epoch(now: dt.datetime | int | float | None) -> int:
    if now is None:
        return int(dt.datetime.now(dt.timezone.utc).timestamp())
    if isinstance(now, dt.datetime):
        if now.tzinfo is None:
            raise LinkageError("時刻にタイムゾーンがありません (a naive datetime: give the time zone)")
        return int(now.timestamp())
    return int(now)


@dataclass(frozen=True)
class PublicInstitution:
    """What others know of an institution: its id, kind (市町村 …), name and public keys."""

    id: str
    kind: str
    name: str
    signing_key: OKPKey = field(repr=False)  # Ed25519, public
    sealing_key: OKPKey = field(repr=False)  # X25519, public: answers to it are sealed to this key

    @property
    def kid(self) -> str:
        return self.signing_key.thumbprint()


@dataclass(frozen=True)
class Institution:
    """An institution with its private keys: signs its queries and answers, opens answers to it."""

    id: str
    kind: str
    name: str
    signing_key: OKPKey = field(repr=False)  # Ed25519, private
    sealing_key: OKPKey = field(repr=False)  # X25519, private

    def __post_init__(self) -> None:
        if not INSTITUTION_PATTERN.match(self.id):
            raise LinkageError(f"機関の識別子が不正です (invalid institution id): {self.id!r}")
        for key, curve in ((self.signing_key, "Ed25519"), (self.sealing_key, "X25519")):
            if not isinstance(key, OKPKey) or key.curve_name != curve or not key.is_private:
                raise LinkageError(f"機関 {self.id} の鍵は {curve} の秘密鍵です (expected a private {curve} key)")

    @classmethod
    def generate(cls, id: str, kind: str, name: str) -> Institution:
        return cls(id, kind, name, OKPKey.generate_key("Ed25519"), OKPKey.generate_key("X25519"))

    @property
    def kid(self) -> str:
        return self.signing_key.thumbprint()

    def public(self) -> PublicInstitution:
        def public_of(key: OKPKey) -> OKPKey:
            return OKPKey.import_key(key.as_dict(private=False))

        return PublicInstitution(self.id, self.kind, self.name, public_of(self.signing_key),
                                 public_of(self.sealing_key))


def key_directory(*institutions: Institution | PublicInstitution) -> dict[str, tuple[OKPKey, ...]]:
    """Institution id → its public signing keys, as `verify_query` takes them."""
    out: dict[str, tuple[OKPKey, ...]] = {}
    for inst in institutions:
        key = inst.public().signing_key if isinstance(inst, Institution) else inst.signing_key
        out[inst.id] = out.get(inst.id, ()) + (key,)
    return out


class ReplayCache(Protocol):
    """Where the hub remembers the nonces of the queries it accepted, until each one expires."""

    def first_use(self, nonce: str, expires_at: int, now: int) -> bool:
        """Remember `nonce` until `expires_at`; False (and nothing changed) when it is remembered
        already. Atomic: of two callers with one nonce, one gets True."""
        ...


class MemoryReplayCache:
    """A `ReplayCache` in memory, thread-safe, holding at most `capacity` live nonces. It forgets a
    nonce once its query has expired; when full of live ones it refuses new queries
    (``replay-cache-full``) rather than forget a nonce that could still be replayed."""

    def __init__(self, capacity: int = 100_000) -> None:
        self.capacity = capacity
        self._expiry: dict[str, int] = {}
        self._heap: list[tuple[int, str]] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._expiry)

    def first_use(self, nonce: str, expires_at: int, now: int) -> bool:
        with self._lock:
            while self._heap and self._heap[0][0] <= now:
                _, old = heapq.heappop(self._heap)
                if self._expiry.get(old, now + 1) <= now:
                    del self._expiry[old]
            if nonce in self._expiry:
                return False
            if len(self._expiry) >= self.capacity:
                raise Refused("replay-cache-full", "照会が多すぎます。しばらくしてから照会してください"
                              " (too many live queries: try again later)")
            self._expiry[nonce] = expires_at
            heapq.heappush(self._heap, (expires_at, nonce))
            return True


@dataclass(frozen=True)
class Query:
    """A verified 情報照会 (what `verify_query` returns)."""

    requester: str
    audience: str
    jimu_code: str
    items: tuple[str, ...]
    fugo: str  # the requester's 符号
    provider: str
    nonce: str
    issued_at: int
    expires_at: int
    kid: str
    sha256: str  # token_sha256 of the token


@dataclass(frozen=True)
class Answer:
    """A verified answer; `items` is None unless it was opened with the requester's key."""

    provider: str
    requester: str
    query_nonce: str
    query_sha256: str
    issued_at: int
    expires_at: int
    sealed: str = field(repr=False)
    items: Mapping[str, Any] | None = field(default=None, repr=False)


def _malformed(what: str, english: str) -> Refused:
    return Refused("malformed", f"照会または回答の形式が不正です: {what} (malformed token: {english})")


def _sign(signer: Institution, typ: str, claims: Mapping[str, Any]) -> str:
    payload = json.dumps(claims, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return jws.serialize_compact({"alg": ALG, "kid": signer.kid, "typ": typ}, payload.encode("utf-8"),
                                 signer.signing_key, registry=_REGISTRY)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise ValueError("duplicate key")
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _open(token: object, typ: str, key_of: Callable[[str], tuple[str, OKPKey] | None]
          ) -> tuple[str, str, dict[str, Any]]:
    """Check a compact JWS — alg, header, key, signature — and return (signer's id, kid, claims)."""
    if not isinstance(token, str) or not token.isascii() or len(token) > MAX_TOKEN:
        raise _malformed("文字列ではないか長すぎます", "not an ASCII token of sane size")
    try:
        obj = jws.extract_compact(token.encode("ascii"), registry=_REGISTRY)
        header = obj.headers()
    except (JoseError, ValueError, TypeError, AttributeError):  # joserfc takes a JSON list for a header
        raise _malformed("JWS として読めません", "not a JWS compact serialization") from None
    if not isinstance(header, dict):
        raise _malformed("ヘッダーがオブジェクトではありません", "the header is not an object")
    if header.get("alg") != ALG:
        raise Refused("alg", f"署名方式 {str(header.get('alg'))[:20]!r} は使えません。EdDSA だけです"
                      f" (only alg EdDSA is accepted)")
    if set(header) != _HEADER or header["typ"] != typ:
        raise _malformed("ヘッダーが違います", f"the header must be exactly alg, kid and typ {typ}")
    found = key_of(header["kid"]) if isinstance(header["kid"], str) else None
    if found is None:
        raise Refused("institution-unknown", "署名した鍵はどの機関のものでもありません (unknown institution or kid)")
    try:
        valid = jws.validate_compact(obj, found[1], registry=_REGISTRY)
    except (JoseError, ValueError):
        valid = False
    if not valid:
        raise Refused("signature", "署名が一致しません。改ざんされているか別の鍵で署名されています"
                      " (bad signature: tampered, or signed by another key)", where=found[0])
    try:
        claims = json.loads(obj.payload.decode("utf-8"), object_pairs_hook=_no_duplicates,
                            parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError):
        raise _malformed("内容が JSON として読めません", "the payload is not JSON") from None
    if not isinstance(claims, dict):
        raise _malformed("内容がオブジェクトではありません", "the payload is not an object")
    return found[0], header["kid"], claims


def _claims(claims: dict[str, Any], expected: set[str], checks: Mapping[str, Callable[[Any], bool]]) -> None:
    if set(claims) != expected:
        odd = sorted(set(claims) ^ expected)[0]
        raise _malformed(f"クレーム {odd[:40]} が欠けているか余分です", f"claim {odd[:40]!r} missing or unexpected")
    for name, ok in checks.items():
        if not ok(claims[name]):
            raise _malformed(f"クレーム {name} の値が不正です", f"bad value of claim {name!r}")


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2**53


def _matches(pattern: re.Pattern[str]) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, str) and bool(pattern.match(v))


def _is_items(v: Any) -> bool:
    return isinstance(v, list) and 0 < len(v) <= 64 and len(set(map(str, v))) == len(v) \
        and all(_matches(_ITEM)(i) for i in v)


def _times(claims: dict[str, Any], now: int, max_ttl_s: int, skew_s: int) -> None:
    iat, exp = claims["iat"], claims["exp"]
    if exp <= iat:
        raise _malformed("exp が iat より後ではありません", "exp is not after iat")
    if exp - iat > max_ttl_s:
        raise Refused("ttl-too-long", f"有効期間 {exp - iat} 秒は長すぎます（上限 {max_ttl_s} 秒）"
                      f" (lifetime longer than {max_ttl_s} s)")
    if iat > now + skew_s:
        raise Refused("not-yet-valid", "発行時刻が未来です。時計を確かめてください (issued in the future: check the clock)")
    if now >= exp:
        raise Refused("expired", "有効期限が切れています (expired)")


def _new_nonce(nonce: str | None) -> str:
    nonce = secrets.token_urlsafe(NONCE_BYTES) if nonce is None else nonce
    if not _matches(_NONCE)(nonce):
        raise LinkageError("nonce は base64url で 22 文字以上です (a nonce is 128 bits or more, base64url)")
    return nonce


def make_query(requester: Institution, *, jimu_code: str, items: Sequence[str], fugo: str, provider_id: str,
               nonce: str | None = None, ttl_s: int = 60, now: dt.datetime | int | None = None,
               audience: str = HUB_ID) -> str:
    """A query signed by `requester` for `items` of the person it knows as `fugo`, to `provider_id`."""
    iat = _epoch(now)
    claims = {"iss": requester.id, "aud": audience, "jimu": jimu_code, "items": list(items), "sub": fugo,
              "provider": provider_id, "nonce": _new_nonce(nonce), "iat": iat, "exp": iat + ttl_s}
    checks = _query_checks()
    bad = [name for name, ok in checks.items() if not ok(claims[name])]
    if bad or not (isinstance(ttl_s, int) and ttl_s > 0):
        raise LinkageError(f"照会を作れません: {(bad or ['ttl_s'])[0]} が不正です (cannot make the query: bad value)")
    return _sign(requester, QUERY_TYPE, claims)


def _query_checks() -> dict[str, Callable[[Any], bool]]:
    ids = _matches(INSTITUTION_PATTERN)
    return {"iss": ids, "aud": ids, "provider": ids, "jimu": _matches(_CODE), "items": _is_items, "sub": is_fugo,
            "nonce": _matches(_NONCE), "iat": _is_int, "exp": _is_int}


def _owner_of(keys_by_institution: Mapping[str, OKPKey | Iterable[OKPKey]]) -> Callable[[str], tuple[str, OKPKey] | None]:
    def owner(kid: str) -> tuple[str, OKPKey] | None:
        for institution, keys in keys_by_institution.items():
            for key in (keys,) if isinstance(keys, OKPKey) else keys:
                if key.thumbprint() == kid:
                    return institution, key
        return None

    return owner


def verify_query(token: str, keys_by_institution: Mapping[str, OKPKey | Iterable[OKPKey]], *,
                 now: dt.datetime | int, replay_cache: ReplayCache, max_ttl_s: int = MAX_TTL_S,
                 audience: str = HUB_ID, skew_s: int = SKEW_S) -> Query:
    """The query in `token` if it is signed by a key of the institution it names, meant for
    `audience`, in its lifetime and not seen before; else `Refused` (see the module)."""
    signer, kid, claims = _open(token, QUERY_TYPE, _owner_of(keys_by_institution))
    _claims(claims, _QUERY_CLAIMS, _query_checks())
    if claims["iss"] != signer:
        raise Refused("issuer-mismatch", "照会元と署名した機関が一致しません (iss is not the institution that signed)",
                      where=signer)
    if claims["aud"] != audience:
        raise Refused("audience", "この照会は別の宛先へのものです (the query is meant for another hub)", where=signer)
    at = _epoch(now)
    _times(claims, at, max_ttl_s, skew_s)
    if not replay_cache.first_use(claims["nonce"], claims["exp"], at):
        raise Refused("replayed", "この照会は既に受け付けています（再送） (replayed: the nonce was seen before)",
                      where=signer)
    return Query(claims["iss"], claims["aud"], claims["jimu"], tuple(claims["items"]), claims["sub"],
                 claims["provider"], claims["nonce"], claims["iat"], claims["exp"], kid,
                 token_sha256(token))


def _canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode("utf-8")


def make_answer(provider: Institution, *, requester: PublicInstitution, query_nonce: str, query_sha256: str,
                fugo: str, items: Mapping[str, Any], now: dt.datetime | int | None = None, ttl_s: int = 60) -> str:
    """The provider's answer to one query: `items` (code → value) sealed to `requester`, signed by
    `provider`, bound to the query's nonce and hash and to `fugo` (the provider's 符号)."""
    if not (_matches(_NONCE)(query_nonce) and _matches(_SHA)(query_sha256) and is_fugo(fugo)
            and isinstance(items, Mapping) and all(_matches(_ITEM)(k) for k in items)):
        raise LinkageError("回答を作れません: 照会の nonce・ハッシュ・符号・項目のいずれかが不正です"
                           " (cannot make the answer: bad nonce, hash, 符号 or item code)")
    try:
        inner = _canonical({"query_nonce": query_nonce, "query_sha256": query_sha256, "items": dict(items)})
    except (TypeError, ValueError):
        raise LinkageError("回答の値を JSON にできません (answer values must be JSON)") from None
    sealed = jwe.encrypt_compact(dict(SEAL), inner, requester.sealing_key, algorithms=[SEAL["alg"], SEAL["enc"]])
    iat = _epoch(now)
    return _sign(provider, ANSWER_TYPE, {
        "iss": provider.id, "aud": requester.id, "query_nonce": query_nonce, "query_sha256": query_sha256,
        "fugo_binding": _fugo_binding(query_nonce, fugo), "iat": iat, "exp": iat + ttl_s, "sealed": sealed})


def _mismatch(what: str) -> Refused:
    return Refused("answer-mismatch", f"回答が照会と対応しません: {what} (the answer is not for this query)")


def _unseal(sealed: str, requester: Institution, claims: Mapping[str, Any]) -> dict[str, Any]:
    try:
        plain = jwe.decrypt_compact(sealed, requester.sealing_key, algorithms=[SEAL["alg"], SEAL["enc"]]).plaintext
        inner = json.loads(plain or b"", object_pairs_hook=_no_duplicates)
    except (JoseError, ValueError, TypeError):
        raise Refused("sealed", "回答の内容を復号できません (cannot open the sealed answer)") from None
    if not isinstance(inner, dict) or set(inner) != {"query_nonce", "query_sha256", "items"} \
            or not isinstance(inner["items"], dict):
        raise Refused("sealed", "復号した回答の形式が不正です (the sealed answer is malformed)")
    if (inner["query_nonce"], inner["query_sha256"]) != (claims["query_nonce"], claims["query_sha256"]):
        raise _mismatch("封入された内容が別の照会のものです")
    return inner["items"]


def verify_answer(token: str, provider_public_key: OKPKey, *, expected_nonce: str, query_token: str,
                  now: dt.datetime | int, provider_id: str | None = None, open_with: Institution | None = None,
                  expected_fugo: str | None = None, max_ttl_s: int = MAX_TTL_S, skew_s: int = SKEW_S) -> Answer:
    """The answer in `token` if the provider's key signed it for the query `query_token` (nonce
    `expected_nonce`); the hub gives `expected_fugo` (the provider's 符号), the requester
    `open_with` (itself) to read the values. Else `Refused`."""
    kid = provider_public_key.thumbprint()
    signer, _, claims = _open(token, ANSWER_TYPE, lambda k: (provider_id or "", provider_public_key) if k == kid else None)
    ids = _matches(INSTITUTION_PATTERN)
    _claims(claims, _ANSWER_CLAIMS, {"iss": ids, "aud": ids, "query_nonce": _matches(_NONCE),
                                     "query_sha256": _matches(_SHA), "fugo_binding": _matches(_SHA),
                                     "iat": _is_int, "exp": _is_int, "sealed": lambda v: isinstance(v, str)})
    if provider_id is not None and claims["iss"] != provider_id:
        raise Refused("issuer-mismatch", "回答元と署名した機関が一致しません (iss is not the provider)", where=signer)
    if claims["query_nonce"] != expected_nonce:
        raise _mismatch("nonce が違います")
    if claims["query_sha256"] != token_sha256(query_token):
        raise _mismatch("照会のハッシュが違います")
    if expected_fugo is not None and claims["fugo_binding"] != _fugo_binding(expected_nonce, expected_fugo):
        raise _mismatch("別の方についての回答です")
    if open_with is not None and claims["aud"] != open_with.id:
        raise _mismatch("別の機関あての回答です")
    _times(claims, _epoch(now), max_ttl_s, skew_s)
    items = _unseal(claims["sealed"], open_with, claims) if open_with is not None else None
    return Answer(claims["iss"], claims["aud"], claims["query_nonce"], claims["query_sha256"], claims["iat"],
                  claims["exp"], claims["sealed"], items)
