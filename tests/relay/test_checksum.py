"""A corrupted chunk (sha256 mismatch) ends `failed`; so does a bank hook that raises."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.relay.conftest import CountingBank, logged, payload, wait_for
from yakuba.relay.client import RelayClient
from yakuba.relay.errors import RelayError
from yakuba.relay.testing import RelayHarness, running_relay


class CorruptingClient(RelayClient):
    def _put_chunk(self, upload_id: str, offset: int, chunk: bytes):  # type: ignore[no-untyped-def]
        if offset == 0:
            chunk = b"X" + chunk[1:]
        return super()._put_chunk(upload_id, offset, chunk)


def test_it_fails_an_upload_whose_sha256_does_not_match(relay: RelayHarness, bank: CountingBank,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    data = payload(3000)
    pki = relay.pki
    client = CorruptingClient(relay.server.url, cert=pki.client_cert("city"), key=pki.client_key("city"), ca=pki.ca,
                              chunk_size=1024)
    with pytest.raises(RelayError, match="sha256 mismatch") as caught:
        client.upload("suidou.txt", data)
    failed = caught.value.upload_id
    assert failed and relay.client.status(failed) == "failed"
    assert wait_for(logged(caplog, "bad checksum", failed))
    with pytest.raises(RelayError, match="failed"):
        relay.client.fetch_result(failed)
    assert not list((relay.store / "uploads" / failed).glob("content*"))  # the bad bytes are not kept
    assert bank.calls == []
    good = relay.client.upload("suidou.txt", data)  # a failed upload is no duplicate: send again
    assert not good.duplicate and good.id != failed
    assert relay.client.wait_result(good.id, timeout=5) == data.upper()
    client.close()


def test_it_fails_an_upload_when_the_bank_hook_raises(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    def broken_bank(data: bytes) -> bytes:
        raise ValueError("bank offline")

    with running_relay(tmp_path, bank=broken_bank) as relay:
        up = relay.client.upload("suidou.txt", b"request")
        assert wait_for(lambda: relay.client.status(up.id) == "failed")
        assert "bank offline" in relay.client.info(up.id)["reason"]
        with pytest.raises(RelayError, match="bank offline"):
            relay.client.wait_result(up.id, timeout=2)
    assert logged(caplog, "failed", up.id, "bank offline")()
