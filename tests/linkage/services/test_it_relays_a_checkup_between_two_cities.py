"""The whole exchange in one process: a child enrolled in cities A and B, B asks A (through the hub)
for the 3歳児健診's allowed items and gets exactly those; the log holds the query and the 提供, the
family's view key finds both, and their inclusion proofs verify against a cosigned checkpoint."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.linkage.services.kit import CHILD, ITEMS, JIMU, T0, Clock, fukuhon_bytes, private, services
from yakuba.linkage.entries import find, parse_entry
from yakuba.linkage.errors import LinkageError, Refused
from yakuba.linkage.query import make_query, verify_answer
from yakuba.linkage.tlog import Verifier, leaf_hash, open_checkpoint, verify_inclusion
from yakuba.privacy.erasure import verify_certificate


def test_it_works(tmp_path: Path):
    clock = Clock()
    s = services(tmp_path, clock)
    at_a, at_b = s.hub.enrol("city-a", CHILD), s.hub.enrol("city-b", CHILD)
    local_id, data, doc = fukuhon_bytes()
    s.a.register(local_id, data, at_a.fugo)
    assert data not in (tmp_path / "city-a" / "store.sqlite").read_bytes()  # encrypted at rest
    assert private(tmp_path / "city-a" / "institution.json") and private(tmp_path / "city-a" / "master.key")

    token = make_query(s.b.institution, jimu_code=JIMU, items=ITEMS, fugo=at_b.fugo, provider_id="city-a", now=T0)
    answer = s.hub.exchange(token, "city-b", lambda request: s.a.provide(request))
    opened = verify_answer(answer, s.a.institution.public().signing_key, expected_nonce=_nonce(token),
                           query_token=token, now=T0, provider_id="city-a", open_with=s.b.institution)
    y3 = next(c for c in doc["checkups"] if c["kind"] == "y3")["items"]
    assert opened.items == {code: y3[code] for code in ITEMS} and "findings" not in opened.items

    entries = [s.hub.log.entry(i) for i in range(s.hub.log.size)]
    assert [parse_entry(e).type for e in entries] == ["query", "provide"]
    assert CHILD.encode() not in b"".join(entries) and at_a.fugo.encode() not in b"".join(entries)
    found = find(entries, at_b.view_key)
    assert found == [0, 1] and find(entries, at_a.view_key) == [0, 1]

    # the witnesses cosign; a client checks the checkpoint, then each of the family's entries
    for city in (s.a, s.b):
        s.hub.add_cosignature(city.id, city.witness(s.hub.checkpoint(), []))
    witnesses = [Verifier.parse(m["witness_key"]) for m in (s.a.public_json(), s.b.public_json())]
    signed = open_checkpoint(s.hub.checkpoint(), s.hub.log_verifier, witnesses=witnesses, quorum=2)
    for index in found:
        verify_inclusion(leaf_hash(entries[index]), index, signed.size, s.hub.inclusion(index, signed.size),
                         signed.root_hash)

    # the staff read of the 副本 at A is logged too, and found with A's key only
    assert s.a.read(local_id) == data
    s.hub.append_read("city-a", s.a.fugo_of(local_id), JIMU, ["height_cm"])
    entries = [s.hub.log.entry(i) for i in range(s.hub.log.size)]
    assert find(entries, at_a.view_key) == [0, 1, 2] and find(entries, at_b.view_key) == [0, 1]
    s.close()


def _nonce(token: str) -> str:
    from tests.linkage.querykit import parts

    return parts(token)[1]["nonce"]


def test_the_provider_refuses_what_it_does_not_hold_and_the_hub_logs_it(tmp_path: Path):
    s = services(tmp_path, Clock())
    s.hub.enrol("city-a", CHILD)
    at_b = s.hub.enrol("city-b", CHILD)
    token = make_query(s.b.institution, jimu_code=JIMU, items=ITEMS, fugo=at_b.fugo, provider_id="city-a", now=T0)
    with pytest.raises(Refused) as caught:
        s.hub.exchange(token, "city-b", lambda request: s.a.provide(request))
    assert caught.value.reason == "fukuhon-none"
    last = parse_entry(s.hub.log.entry(s.hub.log.size - 1))
    assert (last.type, last.get("reason")) == ("refuse", "fukuhon-none") and last.matches(at_b.view_key)
    s.close()


def test_a_fukuhon_is_erased_with_a_certificate(tmp_path: Path):
    clock = Clock()
    s = services(tmp_path, clock)
    at_a = s.hub.enrol("city-a", CHILD)
    local_id, data, _ = fukuhon_bytes()
    s.a.register(local_id, data, at_a.fugo)
    with pytest.raises(LinkageError):
        s.a.register("another-id", data, at_a.fugo)  # the 副本 names its own local_id
    assert s.a.retain(T0 + 365 * 86400) is None
    certificate = verify_certificate(s.a.retain(T0 + 5 * 366 * 86400))
    assert [i.object_id for i in certificate.items] == [local_id] and certificate.organisation == "A市（サンプル）"
    with pytest.raises(Refused):
        s.a.read(local_id)
    s.a.register(local_id, data, at_a.fugo)
    assert verify_certificate(s.a.erase(local_id)).count == 1
    s.close()
