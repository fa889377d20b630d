"""Protocol refusals: bad offsets, ranges, requests and ids are answered with a clear status and logged."""

from __future__ import annotations

import json

import pytest

from tests.relay.conftest import logged, wait_for
from yakuba.relay.errors import RelayError
from yakuba.relay.testing import RelayHarness


def _create(relay: RelayHarness, size: int = 10, sha: str = "a" * 64) -> dict:  # type: ignore[type-arg]
    answer = relay.client._once("POST", "/uploads", json.dumps({"name": "x", "size": size, "sha256": sha}).encode())
    assert answer.status == 201
    return answer.json()


def test_it_answers_the_expected_offset_to_a_chunk_at_the_wrong_place(relay: RelayHarness) -> None:
    up = _create(relay)
    answer = relay.client._once("PUT", f"/uploads/{up['id']}?offset=4", b"abc")
    assert answer.status == 409 and answer.json()["offset"] == 0 and answer.json()["error"] == "bad_offset"
    assert relay.client._once("PUT", f"/uploads/{up['id']}?offset=0", b"abc").json()["offset"] == 3


def test_it_refuses_a_range_beyond_the_declared_size(relay: RelayHarness, caplog: pytest.LogCaptureFixture) -> None:
    up = _create(relay)
    answer = relay.client._once("PUT", f"/uploads/{up['id']}?offset=0", b"x" * 11)
    assert answer.status == 416 and answer.json()["error"] == "bad_range"
    assert relay.client._once("PUT", f"/uploads/{up['id']}", b"x").status == 400
    assert wait_for(logged(caplog, "refused", "cn=city", "beyond size"))


@pytest.mark.parametrize("doc", [{"name": "x", "size": 0, "sha256": "a" * 64},
                                 {"name": "x", "size": 5, "sha256": "nothex"},
                                 {"name": "", "size": 5, "sha256": "a" * 64},
                                 {"size": 5}])
def test_it_refuses_a_malformed_upload_request(relay: RelayHarness, doc: dict) -> None:  # type: ignore[type-arg]
    answer = relay.client._once("POST", "/uploads", json.dumps(doc).encode())
    assert answer.status == 400 and answer.json()["message"]


def test_it_refuses_unknown_ids_with_a_one_line_error(relay: RelayHarness) -> None:
    with pytest.raises(RelayError) as caught:
        relay.client.status("f" * 32)
    assert caught.value.status == 404 and "\n" not in str(caught.value) and "unknown upload id" in str(caught.value)
    with pytest.raises(RelayError, match="invalid upload id"):
        relay.client.status("../../etc")
    assert relay.client._once("GET", "/uploads/../../etc/passwd").status == 404
