"""A restart of the relay keeps its state: finished results, and the offset of an unfinished upload."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.relay.conftest import CountingBank, DroppingClient, payload
from yakuba.relay.certs import make_pki
from yakuba.relay.client import RelayClient
from yakuba.relay.errors import RelayError
from yakuba.relay.server import RelayServer


def test_it_keeps_a_finished_result_and_a_partial_upload_across_a_restart(tmp_path: Path) -> None:
    pki = make_pki(tmp_path / "pki")
    store, bank = tmp_path / "store", CountingBank()
    keys = dict(cert=pki.client_cert("city"), key=pki.client_key("city"), ca=pki.ca)
    finished, partial = payload(2000), payload(5000)[::-1]
    with RelayServer(store, cert=pki.server_cert, key=pki.server_key, ca=pki.ca, bank=bank) as server:
        client = RelayClient(server.url, chunk_size=1024, **keys)
        done = client.upload("finished.txt", finished)
        assert client.wait_result(done.id, timeout=5) == finished.upper()
        with pytest.raises(RelayError):
            DroppingClient(server.url, chunk_size=1024, drop_at=2, retries=0, **keys).upload("partial.txt", partial)
        client.close()
    with RelayServer(store, cert=pki.server_cert, key=pki.server_key, ca=pki.ca, bank=bank) as server:
        client = RelayClient(server.url, chunk_size=1024, **keys)  # a new port: a new client
        assert client.fetch_result(done.id) == finished.upper()
        assert client.upload("finished.txt", finished).duplicate
        resumed = client.upload("partial.txt", partial)
        assert resumed.resumed and resumed.bytes_sent == len(partial) - 2 * 1024
        assert client.wait_result(resumed.id, timeout=5) == partial.upper()
        client.close()
    assert bank.calls == [finished, partial]
