"""Upload a request file, the relay hands it to the bank hook, the city fetches the result."""

from __future__ import annotations

import pytest

from tests.relay.conftest import CountingBank, payload
from yakuba.relay.testing import RelayHarness


@pytest.mark.smoke
def test_it_uploads_in_chunks_and_fetches_the_result_through_the_hook(relay: RelayHarness, bank: CountingBank) -> None:
    data = payload(5000)  # five chunks of 1024 bytes
    up = relay.client.upload("suidou-202604.txt", data)
    assert not up.duplicate and len(up.id) == 32 and up.bytes_sent == len(data)
    assert relay.client.wait_result(up.id, timeout=5) == data.upper()
    assert bank.calls == [data]
    assert relay.client.status(up.id) == "done"
    info = relay.client.info(up.id)
    assert info["name"] == "suidou-202604.txt" and info["offset"] == info["size"] == len(data)


def test_it_answers_none_while_the_result_is_not_ready(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from yakuba.relay.testing import running_relay

    with running_relay(tmp_path) as harness:  # no bank: the upload stays received
        up = harness.client.upload("a.txt", b"request")
        assert harness.client.status(up.id) == "received"
        assert harness.client.fetch_result(up.id) is None
