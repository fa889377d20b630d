"""Behind a TLS-terminating proxy the relay takes the sender from `X-Client-Verified-Name`, but only
from a trusted proxy's address: from any other address the header is ignored (and logged), and a
request without a verified certificate is refused."""

from __future__ import annotations

import http.client
import io
import json
import logging
from pathlib import Path
from typing import Iterator

import pytest

from tests.relay.conftest import logged
from tests.relay.gunicorn import serving
from yakuba.relay.app import RelayApp
from yakuba.relay.store import Store


def _call(app: RelayApp, peer: str, name: str | None, path: str = "/uploads", body: bytes | None = None) -> tuple[int, dict]:  # type: ignore[type-arg]
    environ = {"REQUEST_METHOD": "POST" if body is not None else "GET", "PATH_INFO": path, "QUERY_STRING": "",
               "REMOTE_ADDR": peer, "wsgi.input": io.BytesIO(body or b""), "CONTENT_LENGTH": str(len(body or b""))}
    if name is not None:
        environ["HTTP_X_CLIENT_VERIFIED_NAME"] = name
    answer: list[str] = []
    data = b"".join(app(environ, lambda status, headers: answer.append(status)))
    return int(answer[0].split()[0]), json.loads(data)


def _create(content: bytes = b"request") -> bytes:
    import hashlib

    return json.dumps({"name": "a.txt", "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}).encode()


def test_it_works(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="yakuba.relay")
    app = RelayApp(Store(tmp_path / "store"), trusted_proxies=["10.0.0.5", "192.168.10.0/24"])
    status, doc = _call(app, "10.0.0.5", "city", body=_create())
    assert status == 201
    assert app.store.get(doc["id"]).sender == "city"  # type: ignore[union-attr]
    assert _call(app, "192.168.10.7", "city", f"/uploads/{doc['id']}")[0] == 200
    assert _call(app, "10.0.0.5", "other", f"/uploads/{doc['id']}")[0] == 404  # another sender's upload
    # from an untrusted address the header counts for nothing: no verified certificate, refused
    status, refused = _call(app, "10.0.0.6", "city", f"/uploads/{doc['id']}")
    assert status == 403 and refused["error"] == "no_client_identity"
    assert logged(caplog, "ignored", "peer=10.0.0.6", "X-Client-Verified-Name")()
    # a trusted proxy that forwards no name is refused too
    assert _call(app, "10.0.0.5", None, f"/uploads/{doc['id']}")[0] == 403
    assert _call(app, "10.0.0.5", "", f"/uploads/{doc['id']}")[0] == 403


def test_it_ignores_the_header_without_trusted_proxies(tmp_path: Path) -> None:
    app = RelayApp(Store(tmp_path / "store"))
    assert _call(app, "127.0.0.1", "city", body=_create())[0] == 403


@pytest.fixture
def behind_proxy(tmp_path: Path) -> Iterator[int]:
    with serving(tmp_path / "store", "--host", "127.0.0.1", "--trusted-proxy", "127.0.0.1") as url:
        yield int(url.rsplit(":", 1)[1])


def _http(port: int, source: str, name: str, method: str, path: str, body: bytes | None = None) -> tuple[int, dict]:  # type: ignore[type-arg]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    conn.request(method, path, body=body, headers={"X-Client-Verified-Name": name})
    response = conn.getresponse()
    answer = response.status, json.loads(response.read())
    conn.close()
    return answer


def test_it_believes_the_proxy_on_gunicorn(behind_proxy: int) -> None:
    status, doc = _http(behind_proxy, "127.0.0.1", "city", "POST", "/uploads", _create())
    assert status == 201
    assert _http(behind_proxy, "127.0.0.1", "city", "GET", f"/uploads/{doc['id']}")[0] == 200
    assert _http(behind_proxy, "127.0.0.1", "other", "GET", f"/uploads/{doc['id']}")[0] == 404
    # 127.0.0.2 is loopback too, but not the trusted proxy: its header is ignored
    status, refused = _http(behind_proxy, "127.0.0.2", "city", "GET", f"/uploads/{doc['id']}")
    assert status == 403 and refused["error"] == "no_client_identity"
