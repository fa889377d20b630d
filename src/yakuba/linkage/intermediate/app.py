"""A city's 中間サーバー over HTTPS: a WSGI app of small explicit routes over `Intermediate` (served by
gunicorn with mutual TLS, `yakuba.linkage.http.serve`). Pure: no Django.

The caller is the CN of its verified TLS client certificate::

    POST /provide   the hub only (CN `hub_cn`)   a ProvideRequest      → {"answer"}
    POST /witness   the hub only                 {"checkpoint", "proof"} → {"checkpoint": cosigned}
    POST /register  the city's health app only   {"local_id", "fugo", "fukuhon": base64} → {}
    POST /ask       the city's health app only   {"provider", "jimu", "items", "fugo"} → {"items", …}
    GET  /institutions  the health app only      → {"institutions": [{"id", "kind", "name"}]}
    GET  /log-keys      the health app only      → {"log_key", "witnesses": {id: key}} (public keys)

`/ask` is this city's 情報照会: the query is signed here (the city's private keys never leave this
server), sent to the hub with this server's client certificate (`hub`), and the provider's answer is
verified with the provider's key from this server's own registry and opened here.

Refusals: ``{"error": reason, "message": …}``, logged on ``yakuba.linkage.intermediate``.
"""

from __future__ import annotations

import json
from typing import Callable, Iterable

from yakuba.linkage.errors import Refused
from yakuba.linkage.http import Answer, Client, ServiceApp, b64, json_body, unb64
from yakuba.linkage.hub.core import ProvideRequest
from yakuba.linkage.intermediate.core import Intermediate

__all__ = ["intermediate_app", "IntermediateClient"]


def intermediate_app(server: Intermediate, *, hub_cn: str = "hub", app_cns: Iterable[str] = ("health-app",),
                     hub: Callable[[], Client] | None = None) -> ServiceApp:
    """The WSGI app of `server`; `hub()` is this server's client of the hub (None: it cannot ask)."""
    apps = frozenset(app_cns)

    def only(cn: str, allowed: Iterable[str], what: str) -> None:
        if cn not in allowed:
            raise Refused("forbidden", f"{what}だけが使えます (only {what} may call this)")

    def provide(cn: str, body: bytes, params: dict[str, list[str]]) -> Answer:
        only(cn, {hub_cn}, "ハブ")
        try:
            doc = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise Refused("malformed", "本文が JSON ではありません (the body is not JSON)") from None
        return Answer({"answer": server.provide(ProvideRequest.from_json(doc))})

    def witness(cn: str, body: bytes, params: dict[str, list[str]]) -> Answer:
        only(cn, {hub_cn}, "ハブ")
        doc = json_body(body, ["checkpoint", "proof"])
        if not isinstance(doc["checkpoint"], str) or not isinstance(doc["proof"], list) or len(doc["proof"]) > 128:
            raise Refused("malformed", "checkpoint は文字列、proof は一覧です (checkpoint text, proof list)")
        cosigned = server.witness(doc["checkpoint"].encode("utf-8"), [unb64(h) for h in doc["proof"]])
        return Answer({"checkpoint": cosigned.decode("utf-8")})

    def register(cn: str, body: bytes, params: dict[str, list[str]]) -> Answer:
        only(cn, apps, "健康管理システム")
        doc = json_body(body, ["local_id", "fugo", "fukuhon"])
        server.register(str(doc["local_id"]), unb64(doc["fukuhon"]), str(doc["fugo"]))
        return Answer({})

    def ask(cn: str, body: bytes, params: dict[str, list[str]]) -> Answer:
        only(cn, apps, "健康管理システム")
        doc = json_body(body, ["provider", "jimu", "items", "fugo"])
        if not all(isinstance(doc[k], str) for k in ("provider", "jimu", "fugo")) \
                or not isinstance(doc["items"], list) or not all(isinstance(i, str) for i in doc["items"]):
            raise Refused("malformed", "provider・jimu・fugo は文字列、items は文字列の一覧です (malformed ask)")
        if hub is None:
            raise Refused("no-hub", "この中間サーバーにはハブの接続先がありません (--hub) (no hub configured)")
        client = hub()

        def send(token: str) -> str:
            answer = client.call("POST", "/query", {"token": token})
            if not isinstance(answer, dict) or not isinstance(answer.get("answer"), str):
                raise Refused("malformed", "ハブの応答が不正です (malformed answer from the hub)")
            return str(answer["answer"])

        got = server.ask(provider=doc["provider"], jimu=doc["jimu"], items=doc["items"], fugo=doc["fugo"], send=send)
        return Answer({"provider": got.provider, "items": dict(got.items or {}), "query_sha256": got.query_sha256,
                       "issued_at": got.issued_at})

    def institutions(cn: str, body: bytes, params: dict[str, list[str]]) -> Answer:
        only(cn, apps, "健康管理システム")
        return Answer({"institutions": server.institutions()})

    def log_keys(cn: str, body: bytes, params: dict[str, list[str]]) -> Answer:
        only(cn, apps, "健康管理システム")
        return Answer(server.log_keys())

    return ServiceApp("intermediate", {("POST", "/provide"): provide, ("POST", "/witness"): witness,
                                       ("POST", "/register"): register, ("POST", "/ask"): ask,
                                       ("GET", "/institutions"): institutions, ("GET", "/log-keys"): log_keys},
                      max_body=2 * 1024 * 1024)


class IntermediateClient(Client):
    """The city's health app's (or the hub's) client of a 中間サーバー."""

    def register(self, local_id: str, fugo: str, fukuhon: bytes) -> None:
        self.call("POST", "/register", {"local_id": local_id, "fugo": fugo, "fukuhon": b64(fukuhon)})

    def ask(self, *, provider: str, jimu: str, items: list[str], fugo: str) -> dict:
        """The other city's answer, verified and opened by this city's 中間サーバー: {"provider", "items", …}."""
        answer = self.call("POST", "/ask", {"provider": provider, "jimu": jimu, "items": list(items), "fugo": fugo})
        if not isinstance(answer, dict) or not isinstance(answer.get("items"), dict):
            raise Refused("malformed", "中間サーバーの応答が不正です (malformed answer from the intermediate server)")
        return answer

    def institutions(self) -> list[dict]:
        return list(self.call("GET", "/institutions")["institutions"])

    def log_keys(self) -> dict:
        return dict(self.call("GET", "/log-keys"))
