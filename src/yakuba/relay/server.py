"""The relay server (仲介機関): HTTPS with client certificates, uploads in chunks, results later.

Every connection must present a client certificate signed by the relay's CA (TLS 1.2+,
`CERT_REQUIRED`); the certificate's CN is the sender, and each sender sees only its own uploads.
The protocol is in `docs/formats/relay.md`. Refusals are answered with a status and a JSON
`{"error": code, "message": …}` and logged on the `yakuba.relay` logger with the CN and the
reason. Pure: no Django.
"""

from __future__ import annotations

import json
import logging
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

from yakuba.relay.errors import RelayError
from yakuba.relay.media import refuse_removable
from yakuba.relay.store import (DONE, FAILED, ID_PATTERN, PROCESSING, RECEIVED, RECEIVING, SHA256_PATTERN,
                                OffsetMismatch, Store, UploadRecord)

MAX_UPLOAD_SIZE = 1 << 30
"""Largest file accepted (1 GiB)."""
MAX_CHUNK_SIZE = 16 << 20
"""Largest chunk accepted in one PUT (16 MiB)."""
MAX_JSON_SIZE = 64 << 10
HANDSHAKE_TIMEOUT, IDLE_TIMEOUT = 10.0, 60.0

Bank = Callable[[bytes], bytes]


class Refusal(Exception):
    """An answered refusal: HTTP status, error code, message for the client, reason for the log."""

    def __init__(self, http: int, code: str, message: str, log_reason: str | None = None, *, quiet: bool = False,
                 **extra: Any) -> None:
        super().__init__(message)
        self.http, self.code, self.message = http, code, message
        self.reason = log_reason or code
        self.quiet = quiet  # an expected answer (a poll before the result is ready): logged at debug level
        self.extra = extra


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
    cert = sock.getpeercert()
    if not cert:
        return None
    for rdn in cert.get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                return str(value)
    return None


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], relay: RelayServer) -> None:
        self.relay = relay
        super().__init__(address, _Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        """The TLS handshake happens here, in the connection's thread, so that a refusal is logged."""
        request.settimeout(HANDSHAKE_TIMEOUT)
        try:
            tls = self.relay.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            self.relay.log.warning("relay refused: cn=- peer=%s: %s", client_address[0], _tls_reason(exc))
            return
        try:
            tls.settimeout(IDLE_TIMEOUT)
            _Handler(tls, client_address, self)
        finally:
            try:
                tls.close()
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are written separately: no 40 ms delayed-ACK stalls
    server_version = "yakuba-relay/1"
    sys_version = ""
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        self.server.relay.log.debug("relay %s: " + format, self.client_address[0], *args)

    # --- plumbing -----------------------------------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        self.cn = peer_cn(self.connection) or "-"  # type: ignore[arg-type]  # verified by the handshake

    def _reply(self, status: int, doc: dict[str, Any] | None = None, *, body: bytes | None = None,
               headers: dict[str, str] | None = None) -> None:
        if body is None:
            body = json.dumps(doc or {}, ensure_ascii=False).encode("utf-8")
            content_type = "application/json; charset=utf-8"
        else:
            content_type = "application/octet-stream"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def _body(self, limit: int) -> bytes | None:
        """The request body (Content-Length required); None when the client went away mid-body."""
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            raise Refusal(411, "length_required", "Content-Length が必要です (Content-Length required)")
        raw = self.headers.get("Content-Length")
        if raw is None or not raw.isdigit():
            self.close_connection = True
            raise Refusal(411, "length_required", "Content-Length が必要です (Content-Length required)")
        length = int(raw)
        if length > limit:
            self.close_connection = True
            raise Refusal(413, "too_large", f"大きすぎます: 上限 {limit} バイト (request too large, limit {limit} bytes)",
                          f"body of {length} bytes over {limit}")
        chunks, got = [], 0
        try:
            while got < length:
                block = self.rfile.read(min(length - got, 1 << 20))
                if not block:
                    break
                chunks.append(block)
                got += len(block)
        except (OSError, ssl.SSLError):
            pass
        if got < length:
            self.close_connection = True
            self.server.relay.log.warning("relay interrupted: cn=%s %s %s: body ended after %d of %d bytes",
                                          self.cn, self.command, self.path, got, length)
            return None
        return b"".join(chunks)

    def _dispatch(self) -> None:
        relay = self.server.relay
        cn = self.cn
        try:
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            parts = [p for p in url.path.split("/") if p]
            if self.command in ("POST", "PUT"):
                body = self._body(MAX_CHUNK_SIZE if self.command == "PUT" else MAX_JSON_SIZE)
                if body is None:
                    return
            else:
                body = b""
            if parts == ["uploads"] and self.command == "POST":
                status, doc = relay.handle_create(cn, body)
                self._reply(status, doc)
            elif len(parts) == 2 and parts[0] == "uploads" and self.command == "PUT":
                status, doc = relay.handle_chunk(cn, parts[1], query.get("offset", []), body)
                self._reply(status, doc)
            elif len(parts) == 2 and parts[0] == "uploads" and self.command == "GET":
                self._reply(200, relay.handle_status(cn, parts[1]))
            elif len(parts) == 3 and parts[0] == "uploads" and parts[2] == "result" and self.command == "GET":
                data, sha = relay.handle_result(cn, parts[1])
                self._reply(200, body=data, headers={"X-Content-SHA256": sha})
            elif parts == ["uploads"] or (parts[:1] == ["uploads"] and len(parts) == 2) \
                    or (parts[:1] == ["uploads"] and len(parts) == 3 and parts[2] == "result"):
                raise Refusal(405, "method_not_allowed", "このメソッドは使えません (method not allowed)",
                              f"{self.command} {url.path}")
            else:
                raise Refusal(404, "not_found", "そのURLはありません (no such URL)", f"no route {url.path}")
        except Refusal as refusal:
            relay.log.log(logging.DEBUG if refusal.quiet else logging.WARNING,
                          "relay refused: cn=%s peer=%s %s %s: %d %s", cn, self.client_address[0],
                          self.command, self.path, refusal.http, refusal.reason)
            self._reply(refusal.http, {"error": refusal.code, "message": refusal.message, **refusal.extra})
        except (OSError, ssl.SSLError) as exc:  # the client went away while we answered
            self.close_connection = True
            relay.log.warning("relay interrupted: cn=%s %s %s: %s", cn, self.command, self.path, exc)
        except Exception:  # a bug: answer 500, log it with its traceback
            relay.log.exception("relay error: cn=%s %s %s", cn, self.command, self.path)
            self.close_connection = True
            self._reply(500, {"error": "internal", "message": "中継サーバーの内部エラーです (internal relay error)"})

    do_GET = do_POST = do_PUT = _dispatch


class RelayServer:
    """The relay service on `host:port` (port 0: any free port), storing everything under `store_dir`.

    `bank` receives each complete, verified upload (in a background thread) and returns the
    result file; when it raises, the upload is `failed`. Without `bank`, uploads stay `received`.
    """

    def __init__(self, store_dir: Path, *, cert: Path, key: Path, ca: Path, host: str = "127.0.0.1",
                 port: int = 0, bank: Bank | None = None, log: logging.Logger | None = None,
                 max_upload_size: int = MAX_UPLOAD_SIZE) -> None:
        self.log = log or logging.getLogger("yakuba.relay")
        self.bank = bank
        self.max_upload_size = max_upload_size
        store_dir = Path(store_dir)
        refuse_removable(store_dir)
        for label, path in (("certificate", cert), ("key", key), ("CA", ca)):
            if not Path(path).is_file():
                raise RelayError(f"サーバーの証明書・鍵・CA のファイルがありません ({label} file not found): {path}")
        try:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_cert_chain(str(cert), str(key))
            context.load_verify_locations(cafile=str(ca))
        except (OSError, ssl.SSLError) as exc:
            raise RelayError(f"サーバーの証明書・鍵・CA を読めません (cannot load server certificate, key or CA): {exc}") from exc
        self.context = context
        self.store = Store(store_dir)
        self._host, self._port = host, port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._workers: list[threading.Thread] = []
        self._workers_lock = threading.Lock()

    # --- life cycle ---------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RelayError("サーバーが起動していません (relay server not started)")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"https://{host}:{self.port}"

    def start(self) -> RelayServer:
        """Listen and serve in a background thread; uploads left `received` by a restart are handed to the bank."""
        try:
            self._httpd = _HTTPServer((self._host, self._port), self)
        except OSError as exc:
            raise RelayError(f"待ち受けできません (cannot listen on {self._host}:{self._port}): {exc.strerror or exc}") from exc
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="yakuba-relay", daemon=True)
        self._thread.start()
        for record in self.store.all():
            if record.status == PROCESSING:  # the bank may or may not have it: never forward twice silently
                self.store.set_status(record.id, FAILED, "interrupted by a relay restart while processing; "
                                                         "check with the bank before sending again")
                self.log.warning("relay failed: cn=%s upload=%s: interrupted by a restart while processing",
                                 record.sender, record.id)
            elif record.status == RECEIVED and self.bank is not None:
                self._forward(record)
        self.log.info("relay listening on %s", self.url)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop listening, wait for the bank hooks that are running."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout)
        with self._workers_lock:
            workers = list(self._workers)
        for worker in workers:
            worker.join(timeout)
        self._httpd = self._thread = None

    def __enter__(self) -> RelayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the bank -----------------------------------------------------------------------------------

    def _forward(self, record: UploadRecord) -> None:
        worker = threading.Thread(target=self._run_bank, args=(record.id,), name=f"yakuba-relay-bank-{record.id[:8]}",
                                  daemon=True)
        with self._workers_lock:
            self._workers = [w for w in self._workers if w.is_alive()] + [worker]
        worker.start()

    def _run_bank(self, upload_id: str) -> None:
        assert self.bank is not None
        record = self.store.set_status(upload_id, PROCESSING)
        try:
            result = self.bank(self.store.content(upload_id))
            if not isinstance(result, (bytes, bytearray)):
                raise TypeError(f"bank hook returned {type(result).__name__}, not bytes")
            record = self.store.save_result(upload_id, bytes(result))
        except Exception as exc:
            reason = f"bank hook failed: {type(exc).__name__}: {exc}"
            self.store.set_status(upload_id, FAILED, reason)
            self.log.error("relay failed: cn=%s upload=%s: %s", record.sender, upload_id, reason, exc_info=True)
            return
        self.log.info("relay done: cn=%s upload=%s: result of %d bytes", record.sender, upload_id, record.result_size)

    # --- the operations (called by the handler) -----------------------------------------------------

    def _own(self, cn: str, upload_id: str) -> UploadRecord:
        record = self.store.get(upload_id) if ID_PATTERN.match(upload_id) else None
        if record is None:
            raise Refusal(404, "unknown_upload", f"その送信はありません (unknown upload id): {upload_id}",
                          f"unknown upload id {upload_id}")
        if record.sender != cn:  # answered like an unknown id: ids of others are not disclosed
            raise Refusal(404, "unknown_upload", f"その送信はありません (unknown upload id): {upload_id}",
                          f"upload {upload_id} belongs to another sender ({record.sender})")
        return record

    def handle_create(self, cn: str, body: bytes) -> tuple[int, dict[str, Any]]:
        try:
            doc = json.loads(body.decode("utf-8"))
            name, size, sha = doc["name"], doc["size"], doc["sha256"]
        except (UnicodeDecodeError, ValueError, TypeError, KeyError):
            raise Refusal(400, "bad_request", "JSON {name, size, sha256} を送ってください (send JSON {name, size, sha256})",
                          "malformed create request") from None
        if not isinstance(name, str) or not name or len(name) > 255 or any(ord(c) < 32 for c in name):
            raise Refusal(400, "bad_name", "ファイル名が不正です (invalid file name)", f"invalid name {name!r}")
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0 or size > self.max_upload_size:
            raise Refusal(400, "bad_size", f"サイズが不正です: 1〜{self.max_upload_size} バイト "
                          f"(invalid size, 1 to {self.max_upload_size} bytes)", f"invalid size {size!r}")
        if not isinstance(sha, str) or not SHA256_PATTERN.match(sha):
            raise Refusal(400, "bad_sha256", "sha256 は小文字16進64桁です (sha256 must be 64 lowercase hex digits)",
                          f"invalid sha256 {sha!r}")
        record, kind = self.store.create(cn, name, size, sha)
        if kind == "resume" and record.size != size:
            raise Refusal(409, "size_conflict", "同じ sha256 で違うサイズです (same sha256, different size)",
                          f"sha256 {sha} declared with size {size}, earlier {record.size}", id=record.id)
        if kind == "duplicate":
            self.log.warning("relay duplicate: cn=%s name=%s sha256=%s: already sent as upload %s (%s), not forwarded again",
                             cn, name, sha, record.id, record.status)
        elif kind == "resume":
            self.log.info("relay resume: cn=%s upload=%s at offset %d of %d", cn, record.id, record.offset, record.size)
        else:
            self.log.info("relay upload: cn=%s upload=%s name=%s size=%d sha256=%s", cn, record.id, name, size, sha)
        answer: dict[str, Any] = {"id": record.id, "duplicate": kind == "duplicate", "resumed": kind == "resume",
                                  "offset": record.offset, "size": record.size, "status": record.status}
        return (201 if kind == "new" else 200), answer

    def handle_chunk(self, cn: str, upload_id: str, offsets: list[str], body: bytes) -> tuple[int, dict[str, Any]]:
        record = self._own(cn, upload_id)
        if len(offsets) != 1 or not offsets[0].isdigit():
            raise Refusal(400, "bad_offset", "?offset=N を指定してください (give ?offset=N)", f"bad offset {offsets!r}")
        offset = int(offsets[0])
        if not body:
            raise Refusal(400, "empty_chunk", "空のチャンクです (empty chunk)", "empty chunk")
        if offset + len(body) > record.size:
            raise Refusal(416, "bad_range", f"範囲がファイルサイズを超えます (range {offset}+{len(body)} beyond size {record.size})",
                          f"range {offset}+{len(body)} beyond size {record.size}", offset=record.offset, status=record.status)
        try:
            record = self.store.write_chunk(upload_id, offset, body)
        except OffsetMismatch as mismatch:
            current = mismatch.record
            if current.status != RECEIVING:
                raise Refusal(409, "not_receiving", f"受信は終わっています (upload already {current.status})",
                              f"chunk at {offset} but upload is {current.status}", offset=current.offset,
                              status=current.status) from None
            raise Refusal(409, "bad_offset", f"受信済みの位置は {current.offset} です (expected offset {current.offset})",
                          f"chunk at {offset}, expected {current.offset}", offset=current.offset,
                          status=current.status) from None
        if record.status == FAILED:
            self.log.warning("relay refused: cn=%s upload=%s: bad checksum: %s (declared %s)", cn, upload_id,
                             record.reason, record.sha256)
        elif record.status == RECEIVED:
            self.log.info("relay received: cn=%s upload=%s: %d bytes, sha256 verified", cn, upload_id, record.size)
            if self.bank is not None:
                self._forward(record)
        return 200, {"id": record.id, "offset": record.offset, "status": record.status, "reason": record.reason}

    def handle_status(self, cn: str, upload_id: str) -> dict[str, Any]:
        return self._own(cn, upload_id).public()

    def handle_result(self, cn: str, upload_id: str) -> tuple[bytes, str]:
        record = self._own(cn, upload_id)
        if record.status == DONE:
            return self.store.result(upload_id), record.result_sha256 or ""
        if record.status == FAILED:
            raise Refusal(409, "failed", f"処理に失敗しました (upload failed): {record.reason}",
                          f"result of failed upload {upload_id}", status=record.status, reason=record.reason)
        if self.bank is None and record.status == RECEIVED:
            waiting = "銀行への受け渡しが設定されていません (no bank hook configured)"
        else:
            waiting = "銀行の結果待ちです (waiting for the bank)"
        raise Refusal(409, "not_ready", f"結果はまだありません (result not ready): {record.status}: {waiting}",
                      f"result not ready ({record.status})", quiet=True, status=record.status)
