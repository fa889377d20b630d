"""The new city's health app asks through its own 中間サーバー (`POST /ask`): the query is signed there with
the city's key, sent to the hub over mutual TLS, answered by the former city's 中間サーバー and opened
there; the health app gets the items, never a key. Outside the allow-list, the hub's reason comes back;
the health app learns the registry and the log's public keys from the same server."""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.linkage.services.gunicorn import serving
from tests.linkage.services.kit import CHILD, ITEMS, JIMU, Clock, fukuhon_bytes, services
from yakuba.linkage.entries import find, parse_entry
from yakuba.linkage.errors import Refused
from yakuba.linkage.hub import Hub
from yakuba.linkage.hub.app import HubClient
from yakuba.linkage.intermediate.app import IntermediateClient
from yakuba.relay.certs import make_pki


def test_it_works(tmp_path: Path):
    pki = make_pki(tmp_path / "pki", clients=["city-a", "city-b", "hub"])
    s = services(tmp_path, Clock(int(time.time())))
    log_key = s.hub.log_verifier.key_string()
    witness_a = s.a.public_json()["witness_key"]
    s.close()
    tls = ["--cert", str(pki.server_cert), "--key", str(pki.server_key), "--ca", str(pki.ca)]

    def client(kind, url, name):  # type: ignore[no-untyped-def]
        return kind(url, cert=pki.client_cert(name), key=pki.client_key(name), ca=pki.ca)

    with ExitStack() as stack:
        url_a = stack.enter_context(serving("intermediate", "--data", str(tmp_path / "city-a"), *tls,
                                            "--app-cn", "city-a"))
        hub_port = stack.enter_context(_free_port())
        hub_url = f"https://127.0.0.1:{hub_port}"
        url_b = stack.enter_context(serving("intermediate", "--data", str(tmp_path / "city-b"), *tls,
                                            "--app-cn", "city-b", "--hub", hub_url,
                                            "--client-cert", str(pki.client_cert("city-b")),
                                            "--client-key", str(pki.client_key("city-b"))))
        stack.enter_context(serving("hub", "--data", str(tmp_path / "hub"), *tls,
                                    "--client-cert", str(pki.client_cert("hub")), "--client-key",
                                    str(pki.client_key("hub")), "--provider", f"city-a={url_a}",
                                    "--provider", f"city-b={url_b}", "--witness-every", "0",
                                    port=hub_port))
        fugo_a, _ = client(HubClient, hub_url, "city-a").enrol(CHILD)
        fugo_b, view_key = client(HubClient, hub_url, "city-b").enrol(CHILD)
        local_id, data, doc = fukuhon_bytes()
        client(IntermediateClient, url_a, "city-a").register(local_id, fugo_a, data)

        b = client(IntermediateClient, url_b, "city-b")
        got = b.ask(provider="city-a", jimu=JIMU, items=ITEMS, fugo=fugo_b)
        y3 = next(c for c in doc["checkups"] if c["kind"] == "y3")["items"]
        assert got["provider"] == "city-a" and got["items"] == {code: y3[code] for code in ITEMS}

        with pytest.raises(Refused) as caught:  # 問診 answers are in no allow-list row
            b.ask(provider="city-a", jimu=JIMU, items=["interview"], fugo=fugo_b)
        assert caught.value.reason.startswith("item")
        with pytest.raises(Refused) as caught:  # a 符号 of the other city is not B's
            b.ask(provider="city-a", jimu=JIMU, items=ITEMS, fugo=fugo_a)
        assert caught.value.reason == "fugo-other-institution", caught.value.reason
        with pytest.raises(Refused) as caught:  # only the city's own health app may ask
            client(IntermediateClient, url_b, "city-a").ask(provider="city-a", jimu=JIMU, items=ITEMS, fugo=fugo_b)
        assert caught.value.reason == "forbidden"

        assert [i["id"] for i in b.institutions()] == ["city-a"]
        keys = b.log_keys()
        assert keys["log_key"] == log_key and keys["witnesses"]["city-a"] == witness_a
    with Hub(tmp_path / "hub") as hub:
        entries = [hub.log.entry(i) for i in range(hub.log.size)]
    # the query, the 提供 and the item refusal are the family's; the query under another city's 符号 was not
    assert [parse_entry(entries[i]).type for i in find(entries, _key(view_key))] == ["query", "provide", "refuse"]
    assert parse_entry(entries[-1]).get("reason") == "fugo-other-institution" and len(entries) == 4


def _key(text: str) -> bytes:
    from yakuba.linkage.entries import parse_view_key

    return parse_view_key(text)


def _free_port():  # type: ignore[no-untyped-def]
    import socket
    from contextlib import contextmanager

    @contextmanager
    def port():  # type: ignore[no-untyped-def]
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            number = sock.getsockname()[1]
        yield number

    return port()
