"""The relay service as a WSGI application: the protocol of `docs/formats/relay.md` over a store.

The same application runs on gunicorn in production (`yakuba.relay.production`, `yakuba relay
serve`) and in the loopback server of the tests and the demo (`yakuba.relay.server`). It never
terminates TLS itself; it takes the sender's identity from what the server verified:

- the CN of the client certificate verified in the TLS handshake (the server's socket is in
  `environ["gunicorn.socket"]`, gunicorn's name for it, and `getpeercert()` returns only a
  verified certificate);
- or, behind a TLS-terminating proxy, the header `X-Client-Verified-Name`, **only** when the
  request comes from one of `trusted_proxies` (the proxy sets it from the client certificate it
  verified). From any other address the header is ignored and logged.

No verified identity: 403. Each sender sees only its own uploads. Refusals are answered with a
status and `{"error": code, "message": …}` and logged on the `yakuba.relay` logger with the CN and
the reason. Pure: no Django.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import ssl
import threading
from typing import Any, Callable, Iterable, Sequence
from urllib.parse import parse_qs

from yakuba.relay.store import (DONE, FAILED, ID_PATTERN, PROCESSING, RECEIVED, RECEIVING, SHA256_PATTERN,
                                OffsetMismatch, Store, UploadRecord)

MAX_UPLOAD_SIZE = 1 << 30
"""Largest file accepted (1 GiB)."""
MAX_CHUNK_SIZE = 16 << 20
"""Largest chunk accepted in one PUT (16 MiB)."""
MAX_JSON_SIZE = 64 << 10
IDENTITY_HEADER = "X-Client-Verified-Name"
"""The header a trusted TLS-terminating proxy sets to the verified client certificate's CN."""
_IDENTITY_ENVIRON = "HTTP_" + IDENTITY_HEADER.upper().replace("-", "_")
CLOSE = "yakuba.relay.close"
"""Set to True in the environ when the connection should not be kept alive (the loopback server reads it)."""

Bank = Callable[[bytes], bytes]
StartResponse = Callable[..., Any]

_REASONS = {200: "OK", 201: "Created", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed", 409: "Conflict", 411: "Length Required", 413: "Content Too Large",
            416: "Range Not Satisfiable", 500: "Internal Server Error"}


class Refusal(Exception):
    """An answered refusal: HTTP status, error code, message for the client, reason for the log."""

    def __init__(self, http: int, code: str, message: str, log_reason: str | None = None, *, quiet: bool = False,
                 **extra: Any) -> None:
        super().__init__(message)
        self.http, self.code, self.message = http, code, message
        self.reason = log_reason or code
        self.quiet = quiet  # an expected answer (a poll before the result is ready): logged at debug level
        self.extra = extra


class _Interrupted(Exception):
    """The client went away in the middle of the body."""


def cn_of(cert: dict[str, Any] | None) -> str | None:
    """The commonName of a certificate as `ssl.SSLSocket.getpeercert()` returns it."""
    for rdn in (cert or {}).get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                return str(value)
    return None


def _networks(addresses: Iterable[str]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    from yakuba.relay.errors import RelayError

    networks = []
    for address in addresses:
        try:
            networks.append(ipaddress.ip_network(address.strip(), strict=False))
        except ValueError:
            raise RelayError(f"信頼するプロキシのアドレスが不正です (invalid trusted proxy address): {address!r}") from None
    return tuple(networks)


class RelayApp:
    """The relay service over `store`. `bank` receives each complete, verified upload (in a background
    thread) and returns the result file; when it raises, the upload is `failed`. Without `bank`,
    uploads stay `received`. `trusted_proxies`: addresses or networks whose `X-Client-Verified-Name`
    is believed."""

    def __init__(self, store: Store, *, bank: Bank | None = None, log: logging.Logger | None = None,
                 max_upload_size: int = MAX_UPLOAD_SIZE, trusted_proxies: Sequence[str] = ()) -> None:
        self.store = store
        self.bank = bank
        self.log = log or logging.getLogger("yakuba.relay")
        self.max_upload_size = max_upload_size
        self.trusted_proxies = _networks(trusted_proxies)
        self._workers: list[threading.Thread] = []
        self._workers_lock = threading.Lock()

    # --- life cycle ---------------------------------------------------------------------------------

    def recover(self) -> None:
        """After a (re)start: an upload left `processing` failed (the bank may or may not have it: never
        forward twice silently); one left `received` is handed to the bank."""
        for record in self.store.all():
            if record.status == PROCESSING:
                self.store.set_status(record.id, FAILED, "interrupted by a relay restart while processing; "
                                                         "check with the bank before sending again")
                self.log.warning("relay failed: cn=%s upload=%s: interrupted by a restart while processing",
                                 record.sender, record.id)
            elif record.status == RECEIVED and self.bank is not None:
                self._forward(record)

    def join(self, timeout: float = 10.0) -> None:
        """Wait for the bank hooks that are running."""
        with self._workers_lock:
            workers = list(self._workers)
        for worker in workers:
            worker.join(timeout)

    # --- WSGI ---------------------------------------------------------------------------------------

    def identity(self, environ: dict[str, Any]) -> str:
        """The verified sender: the trusted proxy's header, or the verified client certificate's CN."""
        peer = environ.get("REMOTE_ADDR") or ""
        forwarded = environ.get(_IDENTITY_ENVIRON)
        if self._trusted(peer):
            name = (forwarded or "").strip()
            if not name or len(name) > 255 or not name.isprintable():
                raise Refusal(403, "no_client_identity",
                              "プロキシが確認済みのクライアント名を渡していません (no verified client name from the proxy)",
                              f"trusted proxy {peer} sent no valid {IDENTITY_HEADER}")
            return name
        if forwarded is not None:
            self.log.warning("relay ignored: peer=%s: %s from an untrusted address", peer, IDENTITY_HEADER)
        sock = environ.get("gunicorn.socket")
        cn = cn_of(sock.getpeercert()) if isinstance(sock, ssl.SSLSocket) else None
        if not cn:
            raise Refusal(403, "no_client_identity",
                          "確認済みのクライアント証明書がありません (no verified client certificate)",
                          f"no verified client identity from {peer or '-'}")
        return cn

    def _trusted(self, peer: str) -> bool:
        if not self.trusted_proxies:
            return False
        try:
            address = ipaddress.ip_address(peer.split("%")[0])
        except ValueError:
            return False
        return any(address in network for network in self.trusted_proxies)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "/")
        peer, cn = environ.get("REMOTE_ADDR") or "-", "-"
        where = f"{method} {path}" + (f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else "")
        try:
            cn = self.identity(environ)
            return self._route(environ, start_response, cn, method, path)
        except Refusal as refusal:
            if refusal.http in (411, 413):
                environ[CLOSE] = True
            self.log.log(logging.DEBUG if refusal.quiet else logging.WARNING, "relay refused: cn=%s peer=%s %s: %d %s",
                         cn, peer, where, refusal.http, refusal.reason)
            return self._reply(start_response, refusal.http,
                               {"error": refusal.code, "message": refusal.message, **refusal.extra})
        except _Interrupted as interrupted:
            environ[CLOSE] = True
            self.log.warning("relay interrupted: cn=%s %s: %s", cn, where, interrupted)
            return self._reply(start_response, 400, {"error": "interrupted", "message": "本文が途中で切れました (body interrupted)"})
        except Exception:  # a bug: answer 500, log it with its traceback
            environ[CLOSE] = True
            self.log.exception("relay error: cn=%s %s", cn, where)
            return self._reply(start_response, 500,
                               {"error": "internal", "message": "中継サーバーの内部エラーです (internal relay error)"})

    def _route(self, environ: dict[str, Any], start_response: StartResponse, cn: str, method: str,
               path: str) -> list[bytes]:
        parts = [p for p in path.split("/") if p]
        query = parse_qs(environ.get("QUERY_STRING", ""))
        body = self._body(environ, MAX_CHUNK_SIZE if method == "PUT" else MAX_JSON_SIZE) \
            if method in ("POST", "PUT") else b""
        if parts == ["uploads"] and method == "POST":
            status, doc = self.handle_create(cn, body)
            return self._reply(start_response, status, doc)
        if len(parts) == 2 and parts[0] == "uploads" and method == "PUT":
            status, doc = self.handle_chunk(cn, parts[1], query.get("offset", []), body)
            return self._reply(start_response, status, doc)
        if len(parts) == 2 and parts[0] == "uploads" and method == "GET":
            return self._reply(start_response, 200, self.handle_status(cn, parts[1]))
        if len(parts) == 3 and parts[0] == "uploads" and parts[2] == "result" and method == "GET":
            data, sha = self.handle_result(cn, parts[1])
            return self._reply(start_response, 200, body=data, headers={"X-Content-SHA256": sha})
        if parts == ["uploads"] or (parts[:1] == ["uploads"] and len(parts) == 2) \
                or (parts[:1] == ["uploads"] and len(parts) == 3 and parts[2] == "result"):
            raise Refusal(405, "method_not_allowed", "このメソッドは使えません (method not allowed)", f"{method} {path}")
        raise Refusal(404, "not_found", "そのURLはありません (no such URL)", f"no route {path}")

    @staticmethod
    def _reply(start_response: StartResponse, status: int, doc: dict[str, Any] | None = None, *,
               body: bytes | None = None, headers: dict[str, str] | None = None) -> list[bytes]:
        if body is None:
            body = json.dumps(doc or {}, ensure_ascii=False).encode("utf-8")
            content_type = "application/json; charset=utf-8"
        else:
            content_type = "application/octet-stream"
        start_response(f"{status} {_REASONS.get(status, 'Error')}",
                       [("Content-Type", content_type), ("Content-Length", str(len(body))),
                        ("Cache-Control", "no-store"), *(headers or {}).items()])
        return [body]

    @staticmethod
    def _body(environ: dict[str, Any], limit: int) -> bytes:
        """The request body (Content-Length required); `_Interrupted` when the client went away mid-body."""
        raw = environ.get("CONTENT_LENGTH") or ""
        if environ.get("HTTP_TRANSFER_ENCODING") or not raw.isdigit():
            raise Refusal(411, "length_required", "Content-Length が必要です (Content-Length required)")
        length = int(raw)
        if length > limit:
            raise Refusal(413, "too_large", f"大きすぎます: 上限 {limit} バイト (request too large, limit {limit} bytes)",
                          f"body of {length} bytes over {limit}")
        stream, chunks, got = environ["wsgi.input"], [], 0
        try:
            while got < length:
                block = stream.read(min(length - got, 1 << 20))
                if not block:
                    break
                chunks.append(block)
                got += len(block)
        except (OSError, ssl.SSLError, EOFError):  # gunicorn's NoMoreData is an OSError too
            pass
        if got < length:
            raise _Interrupted(f"body ended after {got} of {length} bytes")
        return b"".join(chunks)

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

    # --- the operations -----------------------------------------------------------------------------

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
