"""Sending the same file twice is detected: the original id comes back and the bank sees it once."""

from __future__ import annotations

import pytest

from tests.relay.conftest import CountingBank, logged, payload, wait_for
from yakuba.relay.testing import RelayHarness


@pytest.mark.smoke
def test_it_detects_the_same_file_sent_twice(relay: RelayHarness, bank: CountingBank,
                                             caplog: pytest.LogCaptureFixture) -> None:
    data = payload(3000)
    first = relay.client.upload("suidou-202604.txt", data)
    second = relay.client.upload("suidou-202604-again.txt", data)  # even under another name
    assert second.duplicate and not first.duplicate
    assert second.id == first.id and second.sha256 == first.sha256 and second.bytes_sent == 0
    relay.client.wait_result(first.id, timeout=5)
    third = relay.client.upload("suidou-202604.txt", data)
    assert third.duplicate and third.id == first.id
    assert len(bank.calls) == 1
    assert len(list((relay.store / "uploads").iterdir())) == 1
    assert wait_for(logged(caplog, "duplicate", first.id, "not forwarded again"))
