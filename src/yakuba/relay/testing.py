"""A relay on loopback for tests and the demo: `with running_relay(tmp_path) as relay: relay.client…`.

Pure: no Django.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

from yakuba.relay.certs import Pki, make_pki
from yakuba.relay.client import RelayClient
from yakuba.relay.server import RelayServer


@dataclass
class RelayHarness:
    """A started server, its PKI, and a client for the sender 'city'."""

    server: RelayServer
    pki: Pki
    client: RelayClient
    store: Path

    def client_for(self, name: str, **options: object) -> RelayClient:
        """A client authenticated as `name` (one of the harness's `clients`)."""
        return RelayClient(self.server.url, cert=self.pki.client_cert(name), key=self.pki.client_key(name),
                           ca=self.pki.ca, **options)  # type: ignore[arg-type]


@contextmanager
def running_relay(tmp_path: Path, *, bank: Callable[[bytes], bytes] | None = None,
                  clients: Sequence[str] = ("city", "other"), chunk_size: int = 1 << 20,
                  log: logging.Logger | None = None) -> Iterator[RelayHarness]:
    """Make a PKI in `tmp_path/relay-pki`, serve `tmp_path/relay-store` on 127.0.0.1 (any port), yield the harness."""
    pki = make_pki(Path(tmp_path) / "relay-pki", clients=clients)
    store = Path(tmp_path) / "relay-store"
    server = RelayServer(store, cert=pki.server_cert, key=pki.server_key, ca=pki.ca, bank=bank, log=log).start()
    client = RelayClient(server.url, cert=pki.client_cert("city"), key=pki.client_key("city"), ca=pki.ca,
                         chunk_size=chunk_size)
    try:
        yield RelayHarness(server=server, pki=pki, client=client, store=store)
    finally:
        client.close()
        server.stop()
