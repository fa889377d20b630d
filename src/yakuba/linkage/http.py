"""JSON over HTTPS for the hub and the 中間サーバー: the WSGI plumbing, gunicorn with mutual TLS, and a
small `http.client` + `ssl` client. Pure: no Django.

As the relay (`yakuba.relay.production`): gunicorn terminates the TLS itself, requires a client
certificate signed by the CA (TLS 1.2 or newer), and the app takes the caller's identity from the
verified certificate's CN (`environ["gunicorn.socket"].getpeercert()`). Every answer is JSON (or
the raw bytes of a checkpoint or tile); every refusal is one shape,
``{"error": <reason code>, "message": <one line, Japanese first>}``, and is logged on the service's
logger with the CN. Bodies have a size limit; a body without Content-Length is refused.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
import socket
import ssl
import sys
import threading
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs, quote, urlsplit

from yakuba.linkage.errors import LinkageError, Refused
from yakuba.relay.app import cn_of

__all__ = ["Answer", "Route", "ServiceApp", "Client", "serve", "b64", "unb64", "json_body", "one_int", "query_string",
           "MAX_BODY"]

MAX_BODY = 128 * 1024
StartResponse = Callable[..., Any]
_REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
            409: "Conflict", 411: "Length Required", 413: "Content Too Large", 500: "Internal Server Error",
            502: "Bad Gateway"}
_STATUS = {"malformed": 400, "client-unknown": 403, "tls-client-mismatch": 403, "forbidden": 403, "not-found": 404,
           "method": 405, "length-required": 411, "too-large": 413, "internal": 500, "unreachable": 502}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise Refused("malformed", "base64 の文字列ではありません (not a base64 string)")
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        raise Refused("malformed", "base64 として読めません (not base64)") from None


class Answer:
    """What a route returns: a JSON document, or raw bytes with their content type."""

    def __init__(self, doc: Any = None, *, body: bytes | None = None, content_type: str = "application/json") -> None:
        self.doc, self.body, self.content_type = doc, body, content_type


Route = Callable[[str, bytes, dict[str, list[str]]], Answer]
"""A route's handler: (caller's CN, body, query parameters) → Answer; raises `Refused`."""


class ServiceApp:
    """A WSGI app of explicit routes: (method, path) → handler, and (method, prefix) for ``/tile/``."""

    def __init__(self, name: str, routes: dict[tuple[str, str], Route], *, prefixes: dict[tuple[str, str], Route] | None
                 = None, max_body: int = MAX_BODY, log: logging.Logger | None = None) -> None:
        self.name, self.routes, self.prefixes = name, routes, prefixes or {}
        self.max_body = max_body
        self.log = log or logging.getLogger(f"yakuba.linkage.{name}")

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "/")
        cn = "-"
        try:
            sock = environ.get("gunicorn.socket")
            cn = (cn_of(sock.getpeercert()) if isinstance(sock, ssl.SSLSocket) else None) or ""
            if not cn:
                raise Refused("client-unknown", "確認済みのクライアント証明書がありません (no verified client certificate)")
            handler, arg = self._find(method, path)
            body = self._body(environ) if method == "POST" else b""
            query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
            if arg is not None:
                query = {**query, "path": [arg]}
            answer = handler(cn, body, query)
        except Refused as refusal:
            status = _STATUS.get(refusal.reason, 409 if refusal.reason.startswith(("checkpoint", "log-")) else 400)
            self.log.warning("linkage %s refused: cn=%s %s %s: %s %s", self.name, cn, method, path, status,
                             refusal.reason)
            return self._reply(start_response, status, Answer({"error": refusal.reason,
                                                               "message": " ".join(str(refusal).split())}))
        except LinkageError as error:
            self.log.warning("linkage %s refused: cn=%s %s %s: 400 %s", self.name, cn, method, path, error.code)
            return self._reply(start_response, 400, Answer({"error": "invalid", "message": error.one_line()}))
        except Exception:  # a bug: 500, logged with its traceback
            self.log.exception("linkage %s error: cn=%s %s %s", self.name, cn, method, path)
            return self._reply(start_response, 500, Answer({"error": "internal",
                                                            "message": "内部エラーです (internal error)"}))
        return self._reply(start_response, 200, answer)

    def _find(self, method: str, path: str) -> tuple[Route, str | None]:
        handler = self.routes.get((method, path))
        if handler is not None:
            return handler, None
        for (m, prefix), route in self.prefixes.items():
            if m == method and path.startswith(prefix):
                return route, path[1:]
        if any(p == path for _, p in self.routes) or any(path.startswith(p) for _, p in self.prefixes):
            raise Refused("method", "このメソッドは使えません (method not allowed)")
        raise Refused("not-found", "そのURLはありません (no such URL)")

    def _body(self, environ: dict[str, Any]) -> bytes:
        raw = environ.get("CONTENT_LENGTH") or ""
        if environ.get("HTTP_TRANSFER_ENCODING") or not raw.isdigit():
            raise Refused("length-required", "Content-Length が必要です (Content-Length required)")
        length = int(raw)
        if length > self.max_body:
            raise Refused("too-large", f"本文が大きすぎます: 上限 {self.max_body} バイト (body over {self.max_body} bytes)")
        data = environ["wsgi.input"].read(length)
        if len(data) != length:
            raise Refused("malformed", "本文が途中で切れました (body cut short)")
        return data

    @staticmethod
    def _reply(start_response: StartResponse, status: int, answer: Answer) -> list[bytes]:
        if answer.body is None:
            body = json.dumps(answer.doc if answer.doc is not None else {}, ensure_ascii=False).encode("utf-8")
            content_type = "application/json; charset=utf-8"
        else:
            body, content_type = answer.body, answer.content_type
        start_response(f"{status} {_REASONS.get(status, 'Error')}",
                       [("Content-Type", content_type), ("Content-Length", str(len(body))),
                        ("Cache-Control", "no-store")])
        return [body]


def json_body(body: bytes, keys: Iterable[str]) -> dict[str, Any]:
    """The JSON object in `body` with exactly `keys`, else `Refused("malformed")`."""
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Refused("malformed", "本文が JSON ではありません (the body is not JSON)") from None
    wanted = set(keys)
    if not isinstance(doc, dict) or set(doc) != wanted:
        raise Refused("malformed", f"本文は {', '.join(sorted(wanted))} の JSON です (expected exactly those keys)")
    return doc


def one_int(query: dict[str, list[str]], name: str) -> int:
    values = query.get(name, [])
    if len(values) != 1 or not values[0].isdigit() or len(values[0]) > 20:
        raise Refused("malformed", f"?{name}= に整数を一つ指定してください (give one integer ?{name}=)")
    return int(values[0])


# --- serving -------------------------------------------------------------------------------------

def serve(make_app: Callable[[], Any], *, name: str, host: str, port: int, cert: Path, key: Path, ca: Path,
          threads: int = 8, announce: Callable[[str], None] | None = None) -> None:
    """Run the app made by `make_app` (in gunicorn's worker) with mutual TLS until SIGTERM or SIGINT."""
    from gunicorn.app.base import BaseApplication

    from yakuba.relay.production import WORKER_BOOT_ERROR, options

    for label, path in (("certificate", cert), ("key", key), ("CA", ca)):
        if not Path(path).is_file():
            raise LinkageError(f"サーバーの証明書・鍵・CA のファイルがありません ({label} file not found): {path}")
    settings = options(host=host, port=port, cert=cert, key=key, ca=ca, threads=threads, announce=announce)
    settings["proc_name"] = f"yakuba-linkage-{name}"
    log = logging.getLogger(f"yakuba.linkage.{name}")

    class Service(BaseApplication):  # type: ignore[misc]  # gunicorn has no type hints
        def load_config(self) -> None:
            for option, value in settings.items():
                self.cfg.set(option, value)

        def load(self) -> Any:
            try:
                return make_app()
            except Exception:  # the worker cannot start: gunicorn halts instead of restarting it for ever
                log.exception("linkage %s worker failed to start", name)
                sys.exit(WORKER_BOOT_ERROR)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)
    Service().run()


# --- the client ----------------------------------------------------------------------------------

class Client:
    """A client of a linkage service at `url` (https://host:port), authenticated by `cert`/`key`,
    trusting `ca` (hostname checked). Thread-safe (one connection, requests serialised)."""

    def __init__(self, url: str, *, cert: Path, key: Path, ca: Path, timeout: float = 30) -> None:
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise LinkageError(f"URL は https://ホスト:ポート の形です (the URL must be https://host:port): {url}")
        self.url, self.host, self.port = url.rstrip("/"), parts.hostname, parts.port or 443
        try:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            context.load_verify_locations(cafile=str(ca))
            context.load_cert_chain(str(cert), str(key))
        except (OSError, ssl.SSLError) as exc:
            raise LinkageError(f"クライアント証明書・鍵・CA を読めません (cannot load the client certificate, key or CA):"
                               f" {exc}") from None
        self.context, self.timeout = context, timeout
        self._conn: http.client.HTTPSConnection | None = None
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes, str]:
        with self._lock:
            for attempt in (0, 1):  # once more on a kept-alive connection the server closed
                if self._conn is None:
                    self._conn = http.client.HTTPSConnection(self.host, self.port, context=self.context,
                                                             timeout=self.timeout)
                try:
                    self._conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
                    response = self._conn.getresponse()
                    data = response.read()
                    if response.will_close:
                        self._conn.close()
                        self._conn = None
                    return response.status, data, response.getheader("Content-Type") or ""
                except ssl.SSLCertVerificationError as exc:
                    self._drop()
                    raise LinkageError(f"サーバーの証明書を確認できません (cannot verify the server {self.url}):"
                                       f" {exc.verify_message}") from None
                except (ConnectionError, http.client.HTTPException, ssl.SSLError, socket.timeout, OSError) as exc:
                    self._drop()
                    if attempt == 0 and isinstance(exc, (http.client.RemoteDisconnected, ConnectionResetError,
                                                         BrokenPipeError)):
                        continue
                    raise Refused("unreachable", f"{self.url} に接続できないか、接続を拒否されました"
                                  f" (cannot reach {self.url}, or the connection was refused): {type(exc).__name__}") from None
            raise AssertionError("unreachable")

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def call(self, method: str, path: str, doc: Any = None, *, raw: bytes | None = None) -> Any:
        """A JSON request (or `raw` bytes); the JSON answer, or the raw bytes of a non-JSON one.
        A refusal is raised as `Refused` with the service's reason code."""
        body = raw if raw is not None else (json.dumps(doc, ensure_ascii=False).encode("utf-8") if doc is not None
                                            else None)
        status, data, content_type = self.request(method, path, body)
        if status != 200:
            try:
                error = json.loads(data.decode("utf-8"))
                reason, message = str(error["error"]), str(error["message"])
            except (UnicodeDecodeError, ValueError, KeyError, TypeError):
                reason, message = "unreachable", f"HTTP {status} from {self.url}"
            raise Refused(reason, message, where=f"{self.url}{path}")
        if content_type.startswith("application/json"):
            try:
                return json.loads(data.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise Refused("malformed", f"{self.url} の応答が JSON ではありません (malformed answer)") from None
        return data


def query_string(**params: int) -> str:
    return "?" + "&".join(f"{quote(k)}={int(v)}" for k, v in params.items())
