"""An interrupted transfer resumes from the server's offset; the final sha256 verifies."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.relay.conftest import CountingBank, DroppingClient, logged, payload, wait_for
from yakuba.relay.errors import RelayError
from yakuba.relay.testing import RelayHarness


def _dropping(relay: RelayHarness, **options: object) -> DroppingClient:
    pki = relay.pki
    return DroppingClient(relay.server.url, cert=pki.client_cert("city"), key=pki.client_key("city"), ca=pki.ca,
                          chunk_size=1024, backoff=0.01, **options)  # type: ignore[arg-type]


def test_it_resumes_an_interrupted_transfer_with_a_new_upload_call(relay: RelayHarness, bank: CountingBank,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    data = payload(10 * 1024)
    broken = _dropping(relay, drop_at=6, retries=0)
    with pytest.raises(RelayError, match="lost"):
        broken.upload("suidou.txt", data)
    assert wait_for(logged(caplog, "interrupted", "body ended"))
    up = relay.client.upload("suidou.txt", data)  # a new call, e.g. after a restart of the city's side
    assert up.resumed and not up.duplicate
    assert 0 < up.bytes_sent < len(data) and up.bytes_sent == 4 * 1024
    assert relay.client.wait_result(up.id, timeout=5) == data.upper()
    assert bank.calls == [data]  # the sha256 verified: the bank got the exact bytes, once
    assert len(list((relay.store / "uploads").iterdir())) == 1


def test_it_resumes_by_itself_after_a_dropped_connection(relay: RelayHarness, bank: CountingBank) -> None:
    data = payload(8 * 1024 + 17)
    client = _dropping(relay, drop_at=3, times=2, retries=3)
    up = client.upload("suidou.txt", data)
    assert up.resumed and up.bytes_sent == len(data)  # nothing sent twice (the partial chunks were discarded)
    assert relay.client.wait_result(up.id, timeout=5) == data.upper()
    assert bank.calls == [data]
    client.close()


def test_it_keeps_nothing_beyond_the_received_offset(relay: RelayHarness, tmp_path: Path) -> None:
    data = payload(4 * 1024)
    with pytest.raises(RelayError):
        _dropping(relay, drop_at=2, retries=0).upload("x.txt", data)
    [folder] = (relay.store / "uploads").iterdir()
    assert (folder / "content.part").stat().st_size == 2 * 1024
    assert relay.client.upload("x.txt", data).bytes_sent == 2 * 1024
