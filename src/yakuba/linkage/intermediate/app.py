"""A city's 中間サーバー over HTTPS: a WSGI app of small explicit routes over `Intermediate` (served by
gunicorn with mutual TLS, `yakuba.linkage.http.serve`). Pure: no Django.

The caller is the CN of its verified TLS client certificate::

    POST /provide   the hub only (CN `hub_cn`)   a ProvideRequest      → {"answer"}
    POST /witness   the hub only                 {"checkpoint", "proof"} → {"checkpoint": cosigned}
    POST /register  the city's health app only   {"local_id", "fugo", "fukuhon": base64} → {}

Refusals: ``{"error": reason, "message": …}``, logged on ``yakuba.linkage.intermediate``.
"""

from __future__ import annotations

import json
from typing import Iterable

from yakuba.linkage.errors import Refused
from yakuba.linkage.http import Answer, Client, ServiceApp, b64, json_body, unb64
from yakuba.linkage.hub.core import ProvideRequest
from yakuba.linkage.intermediate.core import Intermediate

__all__ = ["intermediate_app", "IntermediateClient"]


def intermediate_app(server: Intermediate, *, hub_cn: str = "hub", app_cns: Iterable[str] = ("health-app",)
                     ) -> ServiceApp:
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

    return ServiceApp("intermediate", {("POST", "/provide"): provide, ("POST", "/witness"): witness,
                                       ("POST", "/register"): register}, max_body=2 * 1024 * 1024)


class IntermediateClient(Client):
    """The city's health app's (or the hub's) client of a 中間サーバー."""

    def register(self, local_id: str, fugo: str, fukuhon: bytes) -> None:
        self.call("POST", "/register", {"local_id": local_id, "fugo": fugo, "fukuhon": b64(fukuhon)})
