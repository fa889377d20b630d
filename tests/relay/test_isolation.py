"""Each sender sees only its own uploads; the same content from another sender is not a duplicate."""

from __future__ import annotations

import pytest

from tests.relay.conftest import CountingBank, logged, wait_for
from yakuba.relay.errors import RelayError
from yakuba.relay.testing import RelayHarness


def test_it_does_not_let_one_client_read_another_s_upload(relay: RelayHarness, bank: CountingBank,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    up = relay.client.upload("city.txt", b"the city's request")
    relay.client.wait_result(up.id, timeout=5)
    other = relay.client_for("other", retries=0)
    for attempt in (lambda: other.status(up.id), lambda: other.fetch_result(up.id)):
        with pytest.raises(RelayError) as caught:
            attempt()
        assert caught.value.status == 404
    answer = other._once("PUT", f"/uploads/{up.id}?offset=0", b"x")
    assert answer.status == 404
    assert wait_for(logged(caplog, "cn=other", "belongs to another sender"))
    mine = other.upload("other.txt", b"the city's request")  # same content, another sender
    assert not mine.duplicate and mine.id != up.id
    other.close()
