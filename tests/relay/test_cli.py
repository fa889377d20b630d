"""`yakuba relay pki|send|status|fetch` against a loopback relay; one-line errors, never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.relay.conftest import CountingBank
from yakuba.cli import main
from yakuba.relay.testing import RelayHarness


def _keys(relay: RelayHarness, url: str | None = None) -> list[str]:
    pki = relay.pki
    return ["--url", url or relay.server.url, "--cert", str(pki.client_cert("city")), "--key",
            str(pki.client_key("city")), "--ca", str(pki.ca), "--retries", "0"]


def _one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("yakuba relay: ") and "Traceback" not in err, err
    return lines[0]


def test_it_makes_a_pki(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["relay", "pki", str(tmp_path / "pki"), "--client", "city", "--client", "bank-a"]) == 0
    assert "client bank-a" in capsys.readouterr().out
    for name in ("ca.key", "server.key", "client-city.key", "client-bank-a.key"):
        assert os.stat(tmp_path / "pki" / name).st_mode & 0o777 == 0o600
    assert main(["relay", "pki", str(tmp_path / "pki"), "--client", "../evil"]) == 1
    assert "invalid client name" in _one_line_error(capsys.readouterr().err)


def test_it_sends_and_fetches(relay: RelayHarness, bank: CountingBank, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    request = tmp_path / "suidou.txt"
    request.write_bytes(b"debit request\r\n")
    assert main(["relay", "send", str(request), *_keys(relay)]) == 0
    out = capsys.readouterr().out
    upload_id = out.split()[0]
    assert len(upload_id) == 32 and " sent:" in out
    assert main(["relay", "send", str(request), *_keys(relay)]) == 0
    assert capsys.readouterr().out.startswith(f"{upload_id} duplicate:")
    result = tmp_path / "result.txt"
    assert main(["relay", "fetch", upload_id, "--out", str(result), "--wait", "5", *_keys(relay)]) == 0
    assert result.read_bytes() == b"DEBIT REQUEST\r\n" and len(bank.calls) == 1
    assert "fetched" in capsys.readouterr().out
    assert main(["relay", "status", upload_id, *_keys(relay)]) == 0
    assert capsys.readouterr().out.startswith(f"{upload_id} done")


def test_it_says_not_ready_with_exit_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from yakuba.relay.testing import running_relay

    with running_relay(tmp_path) as relay:  # no bank
        up = relay.client.upload("a.txt", b"request")
        assert main(["relay", "fetch", up.id, "--out", str(tmp_path / "r.txt"), *_keys(relay)]) == 3
        assert "not ready" in _one_line_error(capsys.readouterr().err)
        assert not (tmp_path / "r.txt").exists()


@pytest.mark.parametrize("url", ["https://127.0.0.1:1", "http://127.0.0.1:8443", "https://", "https://127.0.0.1:99999"])
def test_it_prints_one_line_for_a_wrong_url(relay: RelayHarness, tmp_path: Path, url: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    request = tmp_path / "suidou.txt"
    request.write_bytes(b"debit request")
    assert main(["relay", "send", str(request), *_keys(relay, url)]) == 1
    line = _one_line_error(capsys.readouterr().err)
    assert "URL" in line or "cannot connect to the relay" in line


def test_it_prints_one_line_for_missing_files(relay: RelayHarness, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["relay", "send", str(tmp_path / "missing.txt"), *_keys(relay)]) == 1
    assert "missing.txt" in _one_line_error(capsys.readouterr().err)
    keys = _keys(relay)
    keys[keys.index("--cert") + 1] = str(tmp_path / "nope.pem")
    assert main(["relay", "status", "0" * 32, *keys]) == 1
    assert "certificate file not found" in _one_line_error(capsys.readouterr().err)


def test_it_refuses_to_serve_in_plain_http_without_a_trusted_proxy(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["relay", "serve", "--store", str(tmp_path / "store"), "--port", "0"]) == 1
    assert "trusted proxy" in _one_line_error(capsys.readouterr().err)
    assert main(["relay", "serve", "--store", str(tmp_path / "store"), "--port", "0", "--cert",
                 str(tmp_path / "nope.pem"), "--key", str(tmp_path / "nope.key"), "--ca", str(tmp_path / "ca.pem")]) == 1
    assert "certificate file not found" in _one_line_error(capsys.readouterr().err)
    assert main(["relay", "serve", "--store", str(tmp_path / "store"), "--port", "0", "--trusted-proxy", "nonsense"]) == 1
    assert "invalid trusted proxy" in _one_line_error(capsys.readouterr().err)
