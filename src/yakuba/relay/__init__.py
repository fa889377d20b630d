"""The relay (仲介機関): one data transmission between the city's 口座振替 system and the banks.

It replaces the floppy disks of the water bureau (上下水道) debit: the city uploads a request
file over HTTPS with mutual TLS, the relay checks its sha256 and hands it to the bank, and the
city later fetches the bank's result file. Pure: no Django.

- `yakuba.relay.certs.make_pki` — a private CA, the server certificate, client certificates;
- `yakuba.relay.app.RelayApp` — the service as a WSGI application (protocol, store, bank hook,
  the verified sender);
- `yakuba.relay.production` — `RelayApp` on gunicorn with mutual TLS or behind a trusted proxy
  (`yakuba relay serve`, docs/relay-production.md);
- `yakuba.relay.server.RelayServer` — the same app on loopback inside this process (gunicorn's
  HTTP parser, one thread per connection), for tests and the demo;
- `yakuba.relay.client.RelayClient` — upload (resumable), status, result;
- `yakuba.relay.testing.running_relay` — a loopback relay for tests and the demo.

The protocol is described in `docs/formats/relay.md`.
"""

from __future__ import annotations

from yakuba.relay.errors import RelayError

__all__ = ["RelayError"]
