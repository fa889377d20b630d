"""A client without a certificate, or with one from another CA, is refused at the TLS handshake, and logged."""

from __future__ import annotations

import http.client
import ssl
from pathlib import Path

import pytest

from tests.relay.conftest import logged, wait_for
from yakuba.relay.certs import make_pki
from yakuba.relay.client import RelayClient
from yakuba.relay.errors import RelayError
from yakuba.relay.testing import RelayHarness


def test_it_refuses_a_client_without_a_certificate(relay: RelayHarness, caplog: pytest.LogCaptureFixture) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cafile=str(relay.pki.ca))
    conn = http.client.HTTPSConnection("127.0.0.1", relay.server.port, context=context, timeout=5)
    with pytest.raises((ssl.SSLError, ConnectionError)):
        conn.request("POST", "/uploads", body=b"{}")
        conn.getresponse()
    conn.close()
    assert wait_for(logged(caplog, "refused", "no client certificate"))


def test_it_refuses_a_certificate_from_another_ca(relay: RelayHarness, tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    rogue = make_pki(tmp_path / "rogue", clients=["city"])  # same CN, wrong CA
    client = RelayClient(relay.server.url, cert=rogue.client_cert("city"), key=rogue.client_key("city"),
                         ca=relay.pki.ca, retries=0)
    with pytest.raises(RelayError, match="client certificate"):
        client.upload("a.txt", b"data")
    assert wait_for(logged(caplog, "refused", "not signed by the relay CA"))
    assert list((relay.store / "uploads").iterdir()) == []


def test_it_refuses_a_server_the_client_does_not_trust(relay: RelayHarness, tmp_path: Path) -> None:
    rogue = make_pki(tmp_path / "rogue", clients=["city"])
    client = RelayClient(relay.server.url, cert=relay.pki.client_cert("city"), key=relay.pki.client_key("city"),
                         ca=rogue.ca, retries=0)
    with pytest.raises(RelayError, match="relay's certificate"):
        client.status("0" * 32)


def test_it_speaks_tls_1_2_at_least(relay: RelayHarness) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cafile=str(relay.pki.ca))
    context.load_cert_chain(str(relay.pki.client_cert("city")), str(relay.pki.client_key("city")))
    context.minimum_version = context.maximum_version = ssl.TLSVersion.TLSv1_2
    conn = http.client.HTTPSConnection("127.0.0.1", relay.server.port, context=context, timeout=5)
    conn.request("GET", "/uploads/" + "0" * 32)
    assert conn.getresponse().status == 404
    assert relay.server.context.minimum_version >= ssl.TLSVersion.TLSv1_2
    conn.close()
