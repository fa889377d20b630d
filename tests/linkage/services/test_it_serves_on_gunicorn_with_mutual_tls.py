"""The hub and two 中間サーバー on gunicorn with mutual TLS on loopback: the health app registers a
副本 at city A, city B enrols the child and asks through the hub, gets the allowed items; the
witnesses cosign over HTTPS; `yakuba linkage verify` checks the served log and finds the family's
entries; a refusal comes back as its reason; a client without a certificate is refused."""

from __future__ import annotations

import http.client
import ssl
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.linkage.querykit import parts
from tests.linkage.services.gunicorn import serving
from tests.linkage.services.kit import CHILD, ITEMS, JIMU, Clock, fukuhon_bytes, services
from yakuba.cli import main
from yakuba.linkage.errors import LogError, Refused
from yakuba.linkage.hub.app import HubClient
from yakuba.linkage.http import Client
from yakuba.linkage.intermediate.app import IntermediateClient
from yakuba.linkage.query import make_query, verify_answer
from yakuba.linkage.tlog import Verifier, open_checkpoint
from yakuba.relay.certs import make_pki


def test_it_works(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    pki = make_pki(tmp_path / "pki", clients=["city-a", "city-b", "hub", "health-app"])
    s = services(tmp_path, Clock(int(time.time())))
    a_public, b_institution = s.a.institution.public(), s.b.institution
    log_key = s.hub.log_verifier.key_string()
    witnesses = [Verifier.parse(m["witness_key"]) for m in (s.a.public_json(), s.b.public_json())]
    s.close()
    tls = ["--cert", str(pki.server_cert), "--key", str(pki.server_key), "--ca", str(pki.ca)]

    def client(kind, url, name):  # type: ignore[no-untyped-def]
        return kind(url, cert=pki.client_cert(name), key=pki.client_key(name), ca=pki.ca)

    with ExitStack() as stack:
        url_a = stack.enter_context(serving("intermediate", "--data", str(tmp_path / "city-a"), *tls))
        url_b = stack.enter_context(serving("intermediate", "--data", str(tmp_path / "city-b"), *tls))
        url = stack.enter_context(serving("hub", "--data", str(tmp_path / "hub"), *tls, "--client-cert",
                                          str(pki.client_cert("hub")), "--client-key", str(pki.client_key("hub")),
                                          "--provider", f"city-a={url_a}", "--provider", f"city-b={url_b}",
                                          "--witness-every", "0.2"))
        as_a, as_b = client(HubClient, url, "city-a"), client(HubClient, url, "city-b")
        fugo_a, _ = as_a.enrol(CHILD)
        fugo_b, view_key = as_b.enrol(CHILD)
        local_id, data, doc = fukuhon_bytes()
        client(IntermediateClient, url_a, "health-app").register(local_id, fugo_a, data)

        token = make_query(b_institution, jimu_code=JIMU, items=ITEMS, fugo=fugo_b, provider_id="city-a")
        answer = as_b.query(token)
        opened = verify_answer(answer, a_public.signing_key, expected_nonce=parts(token)[1]["nonce"],
                               query_token=token, now=int(time.time()), provider_id="city-a",
                               open_with=b_institution)
        y3 = next(c for c in doc["checkups"] if c["kind"] == "y3")["items"]
        assert opened.items == {code: y3[code] for code in ITEMS}

        with pytest.raises(Refused) as caught:
            as_b.query(token)
        assert caught.value.reason == "replayed"
        with pytest.raises(Refused) as caught:  # only the hub may ask a 中間サーバー
            client(Client, url_a, "health-app").call("POST", "/provide", {})
        assert caught.value.reason == "forbidden"

        deadline = time.monotonic() + 20
        while True:  # the hub's witnessing thread gathers both cosignatures of the size-3 checkpoint
            try:
                signed = open_checkpoint(as_b.checkpoint(), Verifier.parse(log_key), witnesses=witnesses, quorum=2)
                if signed.size == 3:
                    break
            except LogError:
                pass
            assert time.monotonic() < deadline, "the witnesses did not cosign"
            time.sleep(0.1)
        assert as_b.inclusion(0, 3) and as_b.consistency(1, 3)

        capsys.readouterr()
        args = ["linkage", "verify", "--log", url, "--log-key", log_key, "--view-key", view_key,
                "--cert", str(pki.client_cert("city-b")), "--key", str(pki.client_key("city-b")), "--ca", str(pki.ca)]
        for w in witnesses:
            args += ["--witness", w.key_string()]
        assert main(args) == 0, capsys.readouterr().err
        out = capsys.readouterr().out
        assert "size 3" in out and "3 entries for this view key" in out  # query, provide, the replay's refusal

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # no client certificate
        context.load_verify_locations(cafile=str(pki.ca))
        conn = http.client.HTTPSConnection("127.0.0.1", int(url.rsplit(":", 1)[1]), context=context, timeout=10)
        with pytest.raises((ssl.SSLError, ConnectionError)):
            conn.request("GET", "/checkpoint")
            conn.getresponse()
        conn.close()
        for c in (as_a, as_b):
            c.close()
