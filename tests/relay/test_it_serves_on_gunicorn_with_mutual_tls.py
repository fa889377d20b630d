"""`yakuba relay serve` runs the relay on gunicorn with mutual TLS: a client without a certificate,
or with one from another CA, is refused; a verified client sees only its own files; the protocol
and the client (`RelayClient`) work as on the loopback server."""

from __future__ import annotations

import http.client
import ssl
from pathlib import Path
from typing import Iterator

import pytest

from tests.relay.gunicorn import serving
from tests.zengin.test_simulate_split_merge import request as debit_request
from yakuba.relay.certs import Pki, make_pki
from yakuba.relay.client import RelayClient
from yakuba.relay.errors import RelayError


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"), clients=["city", "other"])


@pytest.fixture(scope="module")
def url(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(tmp_path_factory.mktemp("store"), "--cert", str(pki.server_cert), "--key", str(pki.server_key),
                 "--ca", str(pki.ca), "--simulate-bank") as running:
        yield running


def _client(url: str, pki: Pki, name: str) -> RelayClient:
    return RelayClient(url, cert=pki.client_cert(name), key=pki.client_key(name), ca=pki.ca, retries=0)


def test_it_works(url: str, pki: Pki) -> None:
    city, other = _client(url, pki, "city"), _client(url, pki, "other")
    request = debit_request(8)
    up = city.upload("request.txt", request)
    assert not up.duplicate
    result = city.wait_result(up.id, timeout=20)  # the bank simulator answered in gunicorn's worker
    assert result[:1] == b"1" and result != request
    assert city.upload("again.txt", request).duplicate
    for attempt in (lambda: other.status(up.id), lambda: other.fetch_result(up.id)):
        with pytest.raises(RelayError) as caught:
            attempt()
        assert caught.value.status == 404
    city.close()
    other.close()


def test_it_refuses_a_client_without_a_certificate(url: str, pki: Pki) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cafile=str(pki.ca))
    port = int(url.rsplit(":", 1)[1])
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
    with pytest.raises((ssl.SSLError, ConnectionError)):
        conn.request("GET", "/uploads/" + "0" * 32)
        conn.getresponse()
    conn.close()


def test_it_refuses_a_certificate_from_another_ca(url: str, pki: Pki, tmp_path: Path) -> None:
    rogue = make_pki(tmp_path / "rogue", clients=["city"])  # the same CN, another CA
    client = RelayClient(url, cert=rogue.client_cert("city"), key=rogue.client_key("city"), ca=pki.ca, retries=0)
    with pytest.raises(RelayError, match="client certificate"):
        client.status("0" * 32)

