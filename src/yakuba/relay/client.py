"""The city's side of the relay: upload a file (resumable), ask its status, fetch the bank's result.

The client authenticates with its certificate (the CN is its identity) and checks the server
against the relay CA (hostname included). A dropped connection during an upload is retried with
backoff: the client asks the server for its received offset and sends only the rest. Errors are
`RelayError` with a one-line Japanese + English message. One client is safe to share between
threads (requests are serialised). Pure: no Django.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from yakuba.relay.errors import RelayError
from yakuba.relay.store import DONE, FAILED, ID_PATTERN, PROCESSING, RECEIVED, RECEIVING

TRANSIENT = (ConnectionError, socket.timeout, TimeoutError, http.client.HTTPException, ssl.SSLEOFError,
             ssl.SSLZeroReturnError)
"""Errors after which a request is retried (a dropped or broken connection)."""


@dataclass(frozen=True)
class Upload:
    """An upload as the relay recorded it. `duplicate`: the same content had already been sent
    (this `id` is the original upload's, and the file was not forwarded again). `resumed`: an
    interrupted upload of the same content was completed. `bytes_sent`: payload bytes this call sent."""

    id: str
    sha256: str
    duplicate: bool
    resumed: bool = False
    bytes_sent: int = 0


@dataclass(frozen=True)
class _Answer:
    status: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> dict[str, Any]:
        try:
            doc = json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise RelayError(f"中継サーバーの応答が不正です (malformed answer from the relay, HTTP {self.status})",
                             status=self.status) from None
        if not isinstance(doc, dict):
            raise RelayError(f"中継サーバーの応答が不正です (malformed answer from the relay, HTTP {self.status})",
                             status=self.status)
        return doc


def _refused_by_tls(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, ssl.SSLError) and not isinstance(exc, (ssl.SSLEOFError, ssl.SSLZeroReturnError)) \
        and ("alert" in text or "certificate" in text)


class RelayClient:
    """A client of the relay at `url` (https://host:port), authenticated by `cert`/`key`, trusting `ca`."""

    def __init__(self, url: str, *, cert: Path, key: Path, ca: Path, chunk_size: int = 1 << 20,
                 timeout: float = 30, retries: int = 4, backoff: float = 0.1) -> None:
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise RelayError(f"URL は https://ホスト:ポート の形で指定してください (relay URL must be https://host:port): {url}")
        try:
            self.port = parts.port or 443
        except ValueError:
            raise RelayError(f"URL のポートが不正です (invalid port in relay URL): {url}") from None
        if chunk_size <= 0:
            raise RelayError(f"chunk_size は正の数です (chunk_size must be positive): {chunk_size}")
        self.url, self.host = url.rstrip("/"), parts.hostname
        self.prefix = parts.path.rstrip("/")
        self.chunk_size, self.timeout, self.retries, self.backoff = chunk_size, timeout, retries, backoff
        for label, path in (("certificate", cert), ("key", key), ("CA", ca)):
            if not Path(path).is_file():
                raise RelayError(f"クライアントの証明書・鍵・CA のファイルがありません ({label} file not found): {path}")
        try:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies the server and its hostname
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            context.load_verify_locations(cafile=str(ca))
            context.load_cert_chain(str(cert), str(key))
        except (OSError, ssl.SSLError) as exc:
            raise RelayError(f"クライアント証明書・鍵・CA を読めません (cannot load client certificate, key or CA): {exc}") from exc
        self.context = context
        self._conn: http.client.HTTPSConnection | None = None
        self._answered = False  # the current connection has answered at least once
        self._lock = threading.RLock()
        self.bytes_sent = 0
        """Payload bytes sent in chunks by this client, over its lifetime."""

    # --- connection ---------------------------------------------------------------------------------

    def _connection(self) -> http.client.HTTPSConnection:
        if self._conn is None:
            self._conn = http.client.HTTPSConnection(self.host, self.port, context=self.context, timeout=self.timeout)
        return self._conn

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self._answered = False

    def __enter__(self) -> RelayClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _once(self, method: str, path: str, body: bytes | None = None) -> _Answer:
        """One request on the kept-alive connection; the connection is dropped on any error."""
        fresh = self._conn is None or not self._answered
        conn = self._connection()
        try:
            headers = {"Content-Type": "application/octet-stream" if method == "PUT" else "application/json"}
            conn.request(method, self.prefix + path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            self._answered = True
            answer = _Answer(response.status, data, {k.lower(): v for k, v in response.getheaders()})
            if response.will_close:
                self.close()
            return answer
        except BaseException as exc:
            self.close()
            if fresh:  # TLS 1.3: a refused client certificate may show up as a reset or EOF on the first request
                try:
                    exc.relay_fresh = True  # type: ignore[attr-defined]
                except AttributeError:
                    pass
            raise

    def _request(self, method: str, path: str, body: bytes | None = None) -> _Answer:
        """A request, retried with backoff after a dropped connection (not after a refusal)."""
        with self._lock:
            for attempt in range(self.retries + 1):
                try:
                    return self._once(method, path, body)
                except ssl.SSLCertVerificationError as exc:
                    raise RelayError(f"中継サーバーの証明書を確認できません (cannot verify the relay's certificate): "
                                     f"{exc.verify_message or exc}") from exc
                except ssl.SSLError as exc:
                    if _refused_by_tls(exc):
                        raise self._refused(exc) from exc
                    last: BaseException = exc
                except TRANSIENT as exc:
                    last = exc
                except OSError as exc:  # name resolution, unreachable network
                    raise RelayError(f"中継サーバーに接続できません (cannot connect to the relay {self.url}): "
                                     f"{exc.strerror or exc}") from exc
                if attempt < self.retries:
                    time.sleep(self.backoff * (2 ** attempt))
            raise self._unreachable(last)

    def _refused(self, exc: BaseException) -> RelayError:
        return RelayError(f"中継サーバーが接続を拒否しました。クライアント証明書を確認してください "
                          f"(the relay refused the connection: client certificate missing or not trusted): {exc}")

    def _unreachable(self, exc: BaseException) -> RelayError:
        if isinstance(exc, ConnectionRefusedError):
            return RelayError(f"中継サーバーに接続できません (cannot connect to the relay {self.url}): connection refused")
        if getattr(exc, "relay_fresh", False) and isinstance(exc, (ConnectionError, ssl.SSLEOFError)):
            return RelayError(f"中継サーバーが最初の要求で接続を切りました。クライアント証明書が拒否された可能性があります "
                              f"(the relay closed the connection at once; the client certificate may have been refused): "
                              f"{type(exc).__name__}")
        return RelayError(f"中継サーバーとの接続が切れました (connection to the relay {self.url} lost): "
                          f"{type(exc).__name__}: {exc}")

    @staticmethod
    def _error(answer: _Answer, upload_id: str | None = None) -> RelayError:
        try:
            doc = answer.json()
            message, code = str(doc.get("message", "")), str(doc.get("error", "")) or None
        except RelayError:
            message, code = answer.body[:200].decode("utf-8", "replace"), None
        return RelayError(f"中継サーバーが拒否しました (the relay refused, HTTP {answer.status}): {message}",
                          status=answer.status, code=code, upload_id=upload_id)

    @staticmethod
    def _checked_id(upload_id: str) -> str:
        if not ID_PATTERN.match(upload_id):
            raise RelayError(f"送信IDが不正です (invalid upload id, 32 hex digits): {upload_id!r}")
        return upload_id

    # --- operations ---------------------------------------------------------------------------------

    def upload(self, name: str, data: bytes) -> Upload:
        """Send `data` as `name`; resume an interrupted upload of the same content; detect duplicates.

        Raises `RelayError` when the relay refuses, or when the received file fails its sha256
        check (`upload_id` tells which upload).
        """
        sha = hashlib.sha256(data).hexdigest()
        sent = 0
        for attempt in range(self.retries + 1):
            try:
                return self._upload_once(name, data, sha, sent_before=sent)
            except _Dropped as dropped:
                sent = dropped.sent
                last = dropped.cause
                if attempt < self.retries:
                    time.sleep(self.backoff * (2 ** attempt))
        raise self._unreachable(last)

    def _upload_once(self, name: str, data: bytes, sha: str, *, sent_before: int) -> Upload:
        meta = json.dumps({"name": name, "size": len(data), "sha256": sha}, ensure_ascii=False).encode("utf-8")
        answer = self._request("POST", "/uploads", meta)
        if answer.status not in (200, 201):
            raise self._error(answer)
        doc = answer.json()
        upload_id = str(doc.get("id", ""))
        if doc.get("duplicate"):
            return Upload(upload_id, sha, True, bytes_sent=sent_before)
        resumed = bool(doc.get("resumed")) or sent_before > 0
        offset, status, sent = int(doc.get("offset", 0)), str(doc.get("status", RECEIVING)), sent_before
        while status == RECEIVING and offset < len(data):
            chunk = data[offset:offset + self.chunk_size]
            try:
                with self._lock:
                    answer = self._put_chunk(upload_id, offset, chunk)
            except ssl.SSLError as exc:
                if _refused_by_tls(exc):
                    raise self._refused(exc) from exc
                raise _Dropped(exc, sent) from exc
            except TRANSIENT as exc:
                raise _Dropped(exc, sent) from exc
            sent += len(chunk)
            self.bytes_sent += len(chunk)
            if answer.status == 200:
                doc = answer.json()
            elif answer.status == 409:  # another offset (an earlier chunk landed after all) or no longer receiving
                doc = answer.json()
                if "offset" not in doc:
                    raise self._error(answer, upload_id)
            else:
                raise self._error(answer, upload_id)
            offset, status = int(doc["offset"]), str(doc.get("status", RECEIVING))
        if status == RECEIVING and offset >= len(data):
            status = self.status(upload_id)
        if status == FAILED:
            reason = self._status_doc(upload_id).get("reason", "")
            raise RelayError(f"中継サーバーで検証に失敗しました (the relay rejected the file): {reason}",
                             code="failed", upload_id=upload_id)
        if status not in (RECEIVED, PROCESSING, DONE):
            raise RelayError(f"送信が完了しませんでした (upload incomplete: {status} at {offset} of {len(data)} bytes)",
                             upload_id=upload_id)
        return Upload(upload_id, sha, False, resumed=resumed, bytes_sent=sent)

    def _put_chunk(self, upload_id: str, offset: int, chunk: bytes) -> _Answer:
        """Send one chunk (no retry here: `upload` resumes from the server's offset). Tests override it."""
        return self._once("PUT", f"/uploads/{quote(upload_id)}?offset={offset}", chunk)

    def _status_doc(self, upload_id: str) -> dict[str, Any]:
        answer = self._request("GET", f"/uploads/{self._checked_id(upload_id)}")
        if answer.status != 200:
            raise self._error(answer, upload_id)
        return answer.json()

    def info(self, upload_id: str) -> dict[str, Any]:
        """The upload's record: name, size, sha256, offset, status, reason, created, updated, result_*."""
        return self._status_doc(upload_id)

    def status(self, upload_id: str) -> str:
        """`receiving`, `received`, `processing`, `done` or `failed`."""
        return str(self._status_doc(upload_id)["status"])

    def fetch_result(self, upload_id: str) -> bytes | None:
        """The bank's result file, or None while it is not ready; `RelayError` when the upload failed."""
        answer = self._request("GET", f"/uploads/{self._checked_id(upload_id)}/result")
        if answer.status == 200:
            expected = answer.headers.get("x-content-sha256")
            if expected and hashlib.sha256(answer.body).hexdigest() != expected:
                raise RelayError("結果ファイルのハッシュが一致しません (result file sha256 mismatch)", upload_id=upload_id)
            return answer.body
        if answer.status == 409:
            doc = answer.json()
            if doc.get("error") == "not_ready":
                return None
        raise self._error(answer, upload_id)

    def wait_result(self, upload_id: str, timeout: float = 60.0, interval: float = 0.05) -> bytes:
        """Poll until the result is there (`RelayError` on failure or after `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        delay = interval
        while True:
            data = self.fetch_result(upload_id)
            if data is not None:
                return data
            if time.monotonic() >= deadline:
                raise RelayError(f"結果が {timeout:g} 秒以内に届きませんでした (no result within {timeout:g} s)",
                                 upload_id=upload_id)
            time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(delay * 2, 2.0)


class _Dropped(Exception):
    """The connection dropped during the chunks; `sent` counts the bytes sent so far."""

    def __init__(self, cause: BaseException, sent: int) -> None:
        super().__init__(str(cause))
        self.cause, self.sent = cause, sent
