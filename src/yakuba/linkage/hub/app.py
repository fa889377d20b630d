"""The hub over HTTPS: a WSGI app of small explicit routes over `Hub` (served by gunicorn with
mutual TLS, `yakuba.linkage.http.serve`). Pure: no Django.

The caller is the CN of its verified TLS client certificate, looked up in the registry::

    POST /enrol              {"person"}               → {"fugo", "view_key"}    a city enrols a resident
    POST /query              {"token"}                → {"answer"}              a 情報照会, answered by the provider
    POST /read               {"fugo", "jimu", "items"} → {"index"}              a staff read, for the log
    POST /cosignature        {"checkpoint"}           → {"timestamp"}           a witness's cosigned checkpoint
    GET  /checkpoint                                  → the signed checkpoint (text/plain)
    GET  /tile/<L>/<N>[.p/<W>], /tile/entries/<N>[.p/<W>] → the tlog-tiles bytes
    GET  /proof/inclusion?index=&size=                → {"proof": [base64 hashes]}
    GET  /proof/consistency?old=&new=                 → {"proof": [base64 hashes]}

For a query the hub calls the provider's 中間サーバー (``POST /provide``) with its own client
certificate, and relays the answer. Refusals: ``{"error": reason, "message": …}``, logged.
"""

from __future__ import annotations

import threading
from typing import Callable

from yakuba.linkage.entries import format_view_key
from yakuba.linkage.errors import LogError, Refused
from yakuba.linkage.http import Answer, Client, ServiceApp, b64, json_body, one_int, unb64
from yakuba.linkage.hub.core import Hub, ProvideRequest

__all__ = ["hub_app", "HubClient", "Witnessing"]


def hub_app(hub: Hub, provider: Callable[[str], Client]) -> ServiceApp:
    """The WSGI app of `hub`; `provider(institution_id)` is the client of that 中間サーバー."""

    def member_of(cn: str) -> str:
        member = hub.registry.by_cn(cn)
        if member is None:
            raise Refused("client-unknown", "TLS クライアントはどの機関でもありません (the TLS client is no registered institution)")
        return member.id

    def enrol(cn: str, body: bytes, query: dict[str, list[str]]) -> Answer:
        doc = json_body(body, ["person"])
        if not isinstance(doc["person"], str):
            raise Refused("malformed", "person は文字列です (person must be a string)")
        enrolment = hub.enrol(member_of(cn), doc["person"])
        return Answer({"fugo": enrolment.fugo, "view_key": format_view_key(enrolment.view_key)})

    def ask_provider(request: ProvideRequest) -> str:
        answer = provider(request.provider).call("POST", "/provide", request.as_json())
        if not isinstance(answer, dict) or not isinstance(answer.get("answer"), str):
            raise Refused("malformed", "照会先の応答が不正です (malformed answer from the provider)")
        return str(answer["answer"])

    def query(cn: str, body: bytes, params: dict[str, list[str]]) -> Answer:
        doc = json_body(body, ["token"])
        return Answer({"answer": hub.exchange(doc["token"], cn, ask_provider)})

    def read(cn: str, body: bytes, params: dict[str, list[str]]) -> Answer:
        doc = json_body(body, ["fugo", "jimu", "items"])
        if not isinstance(doc["items"], list):
            raise Refused("malformed", "items は一覧です (items must be a list)")
        return Answer({"index": hub.append_read(cn, doc["fugo"], doc["jimu"], doc["items"])})

    def cosignature(cn: str, body: bytes, params: dict[str, list[str]]) -> Answer:
        doc = json_body(body, ["checkpoint"])
        if not isinstance(doc["checkpoint"], str):
            raise Refused("malformed", "checkpoint は文字列です (checkpoint must be text)")
        return Answer({"timestamp": hub.add_cosignature(member_of(cn), doc["checkpoint"].encode("utf-8"))})

    def checkpoint(cn: str, body: bytes, params: dict[str, list[str]]) -> Answer:
        return Answer(body=hub.checkpoint(), content_type="text/plain; charset=utf-8")

    def tile(cn: str, body: bytes, params: dict[str, list[str]]) -> Answer:
        try:
            return Answer(body=hub.tile(params["path"][0]), content_type="application/octet-stream")
        except LogError as error:
            raise Refused("not-found", error.one_line()) from None

    def inclusion(cn: str, body: bytes, params: dict[str, list[str]]) -> Answer:
        proof = hub.inclusion(one_int(params, "index"), one_int(params, "size"))
        return Answer({"proof": [b64(h) for h in proof]})

    def consistency(cn: str, body: bytes, params: dict[str, list[str]]) -> Answer:
        proof = hub.consistency(one_int(params, "old"), one_int(params, "new"))
        return Answer({"proof": [b64(h) for h in proof]})

    return ServiceApp("hub", {
        ("POST", "/enrol"): enrol, ("POST", "/query"): query, ("POST", "/read"): read,
        ("POST", "/cosignature"): cosignature, ("GET", "/checkpoint"): checkpoint,
        ("GET", "/proof/inclusion"): inclusion, ("GET", "/proof/consistency"): consistency,
    }, prefixes={("GET", "/tile/"): tile})


class Witnessing:
    """A thread in the hub's worker that asks every witness to cosign, every `interval` seconds."""

    def __init__(self, hub: Hub, provider: Callable[[str], Client], interval: float) -> None:
        self.hub, self.provider, self.interval = hub, provider, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="yakuba-linkage-witnessing", daemon=True)

    def start(self) -> Witnessing:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def ask(self, witness_id: str, checkpoint: bytes, proof: list[bytes]) -> bytes:
        answer = self.provider(witness_id).call("POST", "/witness", {"checkpoint": checkpoint.decode("utf-8"),
                                                                     "proof": [b64(h) for h in proof]})
        if not isinstance(answer, dict) or not isinstance(answer.get("checkpoint"), str):
            raise Refused("malformed", "証人の応答が不正です (malformed answer from the witness)")
        return str(answer["checkpoint"]).encode("utf-8")

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.hub.witness_round(self.ask)


class HubClient(Client):
    """A city's (or a witness's) client of the hub."""

    def enrol(self, person: str) -> tuple[str, str]:
        doc = self.call("POST", "/enrol", {"person": person})
        return str(doc["fugo"]), str(doc["view_key"])

    def query(self, token: str) -> str:
        return str(self.call("POST", "/query", {"token": token})["answer"])

    def read(self, fugo: str, jimu: str, items: list[str]) -> int:
        return int(self.call("POST", "/read", {"fugo": fugo, "jimu": jimu, "items": items})["index"])

    def checkpoint(self) -> bytes:
        return bytes(self.call("GET", "/checkpoint"))

    def tile(self, path: str) -> bytes:
        return bytes(self.call("GET", "/" + path))

    def log_file(self, path: str) -> bytes | None:
        """A file of the log in the tlog-tiles layout (``checkpoint``, ``tile/…``); None when the log
        does not hold it (yet): what a `TileReader` reads."""
        try:
            return self.checkpoint() if path == "checkpoint" else self.tile(path)
        except Refused as refusal:
            if refusal.reason == "not-found":
                return None
            raise

    def inclusion(self, index: int, size: int) -> list[bytes]:
        return [unb64(h) for h in self.call("GET", f"/proof/inclusion?index={int(index)}&size={int(size)}")["proof"]]

    def consistency(self, old: int, new: int) -> list[bytes]:
        return [unb64(h) for h in self.call("GET", f"/proof/consistency?old={int(old)}&new={int(new)}")["proof"]]
