"""The relay on loopback, inside this process: the WSGI app on gunicorn's HTTP parser, mutual TLS.

Production serves `yakuba.relay.app.RelayApp` with gunicorn itself (`yakuba.relay.production`,
`yakuba relay serve`). The tests and the demo need the relay inside their own process (their bank
hook is a Python function, their logs are theirs), so `RelayServer` runs the same application on
gunicorn's request parser and response writer, one thread per connection, keep-alive: no
`http.server` anywhere.

Every connection must present a client certificate signed by the relay's CA (TLS 1.2+,
`CERT_REQUIRED`); the certificate's CN is the sender. A refused handshake is logged on the
`yakuba.relay` logger (`relay refused: cn=- peer=…: no client certificate`). Pure: no Django.
"""

from __future__ import annotations

import logging
import selectors
import socket
import ssl
import threading
from pathlib import Path
from typing import Any, Sequence

from gunicorn import http as gunicorn_http
from gunicorn.config import Config
from gunicorn.http import wsgi as gunicorn_wsgi

from yakuba.relay.app import CLOSE, MAX_CHUNK_SIZE, MAX_JSON_SIZE, MAX_UPLOAD_SIZE, Bank, RelayApp, Refusal, cn_of
from yakuba.relay.errors import RelayError
from yakuba.relay.media import refuse_removable
from yakuba.relay.store import Store

__all__ = ["MAX_CHUNK_SIZE", "MAX_JSON_SIZE", "MAX_UPLOAD_SIZE", "Refusal", "RelayServer", "peer_cn", "tls_context"]

HANDSHAKE_TIMEOUT, IDLE_TIMEOUT = 10.0, 60.0


def check_files(cert: Path, key: Path, ca: Path) -> None:
    for label, path in (("certificate", cert), ("key", key), ("CA", ca)):
        if not Path(path).is_file():
            raise RelayError(f"サーバーの証明書・鍵・CA のファイルがありません ({label} file not found): {path}")


def tls_context(cert: Path, key: Path, ca: Path) -> ssl.SSLContext:
    """The server's TLS: TLS 1.2 or newer, a client certificate signed by `ca` required."""
    check_files(cert, key, ca)
    try:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_cert_chain(str(cert), str(key))
        context.load_verify_locations(cafile=str(ca))
    except (OSError, ssl.SSLError) as exc:
        raise RelayError(f"サーバーの証明書・鍵・CA を読めません (cannot load server certificate, key or CA): {exc}") from exc
    return context


def _tls_reason(exc: BaseException) -> str:
    text = str(exc)
    if "PEER_DID_NOT_RETURN_A_CERTIFICATE" in text or "peer did not return a certificate" in text:
        return "no client certificate"
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        return f"client certificate not signed by the relay CA ({getattr(exc, 'verify_message', '') or text})"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "TLS handshake timed out"
    return f"TLS handshake failed ({text})"


def peer_cn(sock: ssl.SSLSocket) -> str | None:
    """The CN of the verified peer certificate."""
    return cn_of(sock.getpeercert())


class RelayServer:
    """The relay service on `host:port` (port 0: any free port), storing everything under `store_dir`.

    `bank` receives each complete, verified upload (in a background thread) and returns the
    result file; when it raises, the upload is `failed`. Without `bank`, uploads stay `received`.
    """

    def __init__(self, store_dir: Path, *, cert: Path, key: Path, ca: Path, host: str = "127.0.0.1",
                 port: int = 0, bank: Bank | None = None, log: logging.Logger | None = None,
                 max_upload_size: int = MAX_UPLOAD_SIZE, trusted_proxies: Sequence[str] = ()) -> None:
        self.log = log or logging.getLogger("yakuba.relay")
        store_dir = Path(store_dir)
        refuse_removable(store_dir)
        self.context = tls_context(cert, key, ca)
        self.store = Store(store_dir)
        self.app = RelayApp(self.store, bank=bank, log=self.log, max_upload_size=max_upload_size,
                            trusted_proxies=trusted_proxies)
        self._config = Config()
        self._host, self._port = host, port
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()

    @property
    def bank(self) -> Bank | None:
        return self.app.bank

    # --- life cycle ---------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._listener is None:
            raise RelayError("サーバーが起動していません (relay server not started)")
        return int(self._listener.getsockname()[1])

    @property
    def url(self) -> str:
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"https://{host}:{self.port}"

    def start(self) -> RelayServer:
        """Listen and serve in a background thread; uploads left `received` by a restart are handed to the bank."""
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        try:
            self._listener = socket.create_server((self._host, self._port), family=family)
        except OSError as exc:
            raise RelayError(f"待ち受けできません (cannot listen on {self._host}:{self._port}): {exc.strerror or exc}") from exc
        self._stopping.clear()
        self._thread = threading.Thread(target=self._accept_loop, name="yakuba-relay", daemon=True)
        self._thread.start()
        self.app.recover()
        self.log.info("relay listening on %s", self.url)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop listening, end the open connections, wait for the bank hooks that are running."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._listener is not None:
            self._listener.close()
        with self._lock:
            open_connections = list(self._connections)
        for conn in open_connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.app.join(timeout)
        self._listener = self._thread = None

    def __enter__(self) -> RelayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- connections --------------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        assert self._listener is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self._listener, selectors.EVENT_READ)
            while not self._stopping.is_set():
                if not selector.select(timeout=0.05):
                    continue
                try:
                    conn, address = self._listener.accept()
                except OSError:
                    continue
                threading.Thread(target=self._connection, args=(conn, address), name="yakuba-relay-connection",
                                 daemon=True).start()

    def _connection(self, conn: socket.socket, address: Any) -> None:
        """The TLS handshake (a refusal is logged), then requests until the client or the answer closes."""
        conn.settimeout(HANDSHAKE_TIMEOUT)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            tls = self.context.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            self.log.warning("relay refused: cn=- peer=%s: %s", address[0], _tls_reason(exc))
            conn.close()
            return
        with self._lock:
            self._connections.add(tls)
        try:
            tls.settimeout(IDLE_TIMEOUT)
            self._requests(tls, address)
        finally:
            with self._lock:
                self._connections.discard(tls)
            try:
                tls.close()
            except OSError:
                pass

    def _requests(self, tls: ssl.SSLSocket, address: Any) -> None:
        try:
            parser = gunicorn_http.get_parser(self._config, tls, address)
            for request in parser:
                response, environ = gunicorn_wsgi.create(request, tls, address, tls.getsockname(), self._config)
                environ["wsgi.multithread"] = True
                for block in self.app(environ, response.start_response):
                    response.write(block)
                response.close()
                if environ.get(CLOSE) or response.should_close() or self._stopping.is_set():
                    return
        except (OSError, ssl.SSLError, StopIteration) as exc:  # the client went away, or idled out
            self.log.debug("relay connection from %s ended: %s", address[0], exc)
        except Exception as exc:  # gunicorn's parser refused the request (malformed HTTP)
            self.log.warning("relay refused: cn=%s peer=%s: malformed request (%s: %s)", peer_cn(tls) or "-",
                             address[0], type(exc).__name__, exc)
