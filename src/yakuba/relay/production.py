"""The relay on a production server: `yakuba.relay.app.RelayApp` on gunicorn (`yakuba relay serve`).

Two layouts (docs/relay-production.md):

- **gunicorn terminates the mutual TLS itself**: `certfile`, `keyfile`, `ca_certs`,
  `cert_reqs=CERT_REQUIRED`, TLS 1.2 or newer; a client without a certificate signed by the CA
  never reaches the app, and the app reads the verified CN from the socket
  (`environ["gunicorn.socket"].getpeercert()`).
- **behind a TLS-terminating proxy** (nginx, HAProxy, the LGWAN gateway): gunicorn listens in
  plain HTTP on an address only the proxy reaches; the proxy verifies the client certificate
  and sets `X-Client-Verified-Name`; the app believes that header only from `trusted_proxies`.

One worker process with threads (`gthread`): the store keeps its index in memory and serialises
writes with thread locks, so one process owns it; gunicorn restarts that worker if it dies, and a
restart is the store's ordinary recovery (`RelayApp.recover`). Pure: no Django.
"""

from __future__ import annotations

import logging
import ssl
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from yakuba.relay.app import Bank, RelayApp
from yakuba.relay.errors import RelayError
from yakuba.relay.media import refuse_removable
from yakuba.relay.server import check_files
from yakuba.relay.store import Store


def _at_least_tls_1_2(config: Any, default_ssl_context_factory: Callable[[], ssl.SSLContext]) -> ssl.SSLContext:
    """gunicorn's `ssl_context` hook: its default context (CA, chain, `cert_reqs`), TLS 1.2 or newer."""
    context = default_ssl_context_factory()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def options(*, host: str, port: int, cert: Path | None = None, key: Path | None = None, ca: Path | None = None,
            threads: int = 8, announce: Callable[[str], None] | None = None) -> dict[str, Any]:
    """gunicorn's settings for the relay: mutual TLS when `cert`, `key` and `ca` are given, else plain HTTP
    (behind a proxy)."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    settings: dict[str, Any] = {
        "bind": [bind], "workers": 1, "worker_class": "gthread", "threads": threads, "keepalive": 60,
        "timeout": 120, "graceful_timeout": 30, "proc_name": "yakuba-relay", "accesslog": None,
        "errorlog": "-", "loglevel": "warning", "forwarded_allow_ips": "",
        "limit_request_line": 4094, "limit_request_fields": 50,
    }
    if cert or key or ca:
        if not (cert and key and ca):
            raise RelayError("--cert、--key、--ca は3つとも指定してください (give all of --cert, --key and --ca)")
        check_files(cert, key, ca)
        settings.update(certfile=str(cert), keyfile=str(key), ca_certs=str(ca), cert_reqs=ssl.CERT_REQUIRED,
                        ssl_context=_at_least_tls_1_2, do_handshake_on_connect=True)
    scheme = "https" if cert else "http"
    if announce is not None:
        def when_ready(server: Any) -> None:
            for listener in server.LISTENERS:
                address = listener.sock.getsockname()
                shown = f"[{address[0]}]" if ":" in str(address[0]) else address[0]
                announce(f"{scheme}://{shown}:{address[1]}")
        settings["when_ready"] = when_ready
    return settings


WORKER_BOOT_ERROR = Arbiter.WORKER_BOOT_ERROR


class GunicornRelay(BaseApplication):  # type: ignore[misc]  # gunicorn has no type hints
    """gunicorn's arbiter serving a `RelayApp` made in the worker (after the fork: its own store, its bank threads)."""

    def __init__(self, make_app: Callable[[], RelayApp], settings: dict[str, Any]) -> None:
        self.make_app, self.settings = make_app, settings
        self.app: RelayApp | None = None
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.settings.items():
            self.cfg.set(name, value)

        def worker_exit(server: Any, worker: Any) -> None:  # let a running bank hook finish
            if self.app is not None:
                self.app.join()
        self.cfg.set("worker_exit", worker_exit)

    def load(self) -> RelayApp:
        try:
            self.app = self.make_app()
            self.app.recover()
        except Exception:  # the worker cannot start: gunicorn halts instead of restarting it for ever
            logging.getLogger("yakuba.relay").exception("relay worker failed to start")
            sys.exit(WORKER_BOOT_ERROR)
        return self.app


def serve(store_dir: Path, *, host: str, port: int, cert: Path | None = None, key: Path | None = None,
          ca: Path | None = None, trusted_proxies: Sequence[str] = (), bank: Bank | None = None, threads: int = 8,
          announce: Callable[[str], None] | None = None) -> None:
    """Run the relay on gunicorn until SIGTERM or SIGINT."""
    store_dir = Path(store_dir)
    refuse_removable(store_dir)
    if not cert and not trusted_proxies:
        raise RelayError("TLS なしで待ち受けるのは信頼するプロキシの後ろだけです。--cert/--key/--ca か --trusted-proxy を"
                         "指定してください (without TLS the relay only serves behind a trusted proxy)")
    settings = options(host=host, port=port, cert=cert, key=key, ca=ca, threads=threads, announce=announce)
    log = logging.getLogger("yakuba.relay")
    RelayApp(Store(store_dir), trusted_proxies=trusted_proxies)  # a bad store or address: one line here, not in the worker
    # The log goes to stderr once the relay really serves (a refusal above configures nothing).
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)
    GunicornRelay(lambda: RelayApp(Store(store_dir), bank=bank, log=log, trusted_proxies=trusted_proxies),
                  settings).run()
