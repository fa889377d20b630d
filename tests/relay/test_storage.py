"""Storage: keys 0600, nothing written outside the store and the PKI folder, never removable media."""

from __future__ import annotations

import os
import ssl
from pathlib import Path

import pytest

from tests.relay.conftest import CountingBank, payload
from yakuba.cli import main
from yakuba.relay import media
from yakuba.relay.certs import make_pki
from yakuba.relay.errors import RelayError
from yakuba.relay.server import RelayServer
from yakuba.relay.testing import running_relay


def test_it_writes_keys_0600_and_a_server_certificate_for_loopback(tmp_path: Path) -> None:
    from cryptography import x509

    pki = make_pki(tmp_path / "pki", clients=["city", "bank"])
    for key in (pki.ca_key, pki.server_key, pki.client_key("city"), pki.client_key("bank")):
        assert os.stat(key).st_mode & 0o777 == 0o600
    cert = x509.load_pem_x509_certificate(pki.server_cert.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in san.get_values_for_type(x509.DNSName)
    assert [str(ip) for ip in san.get_values_for_type(x509.IPAddress)][:1] == ["127.0.0.1"]
    before = pki.client_cert("city").read_bytes()
    make_pki(tmp_path / "pki", clients=["city", "third"])  # adds a client, keeps the rest
    assert pki.client_cert("city").read_bytes() == before and pki.client_cert("third").exists()
    context = ssl.create_default_context(cafile=str(pki.ca))
    context.load_cert_chain(str(pki.client_cert("third")), str(pki.client_key("third")))


def test_it_writes_nothing_outside_its_folders(tmp_path: Path) -> None:
    bank = CountingBank()
    with running_relay(tmp_path, bank=bank) as relay:
        up = relay.client.upload("suidou.txt", payload(3000))
        relay.client.wait_result(up.id, timeout=5)
    files = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert {p.parts[0] for p in files} == {"relay-pki", "relay-store"}
    stored = sorted(p.name for p in (relay.store / "uploads" / up.id).iterdir())
    assert stored == ["content", "index.json", "result"]  # no temporary files left
    for name in stored:
        assert os.stat(relay.store / "uploads" / up.id / name).st_mode & 0o777 == 0o600


def test_it_never_writes_to_removable_media(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert not media.is_removable(tmp_path)
    assert media.is_removable(Path("/media/usb0/relay")) and media.is_removable(Path("/run/media/city/FLOPPY"))
    pki = make_pki(tmp_path / "pki")
    monkeypatch.setattr(media, "is_removable", lambda path: True)
    with pytest.raises(RelayError, match="removable media"):
        RelayServer(tmp_path / "store", cert=pki.server_cert, key=pki.server_key, ca=pki.ca)
    with pytest.raises(RelayError, match="removable media"):
        make_pki(tmp_path / "pki2")
    assert not (tmp_path / "store").exists() and not (tmp_path / "pki2").exists()
    keys = ["--url", "https://127.0.0.1:1", "--cert", str(pki.client_cert("city")), "--key",
            str(pki.client_key("city")), "--ca", str(pki.ca)]
    assert main(["relay", "fetch", "0" * 32, "--out", str(tmp_path / "result.txt"), *keys]) == 1
    assert "removable media" in capsys.readouterr().err
