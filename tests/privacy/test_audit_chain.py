"""The audit hash chain: intact chains pass; any single alteration is found at that entry."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yakuba.privacy.audit_chain import GENESIS, ChainEntry, entry_hash, verify_chain

KEY = b"k" * 32
JST = dt.timezone(dt.timedelta(hours=9))


def build(fields_list: list[dict[str, object]], key: bytes = KEY) -> list[ChainEntry]:
    entries = []
    prev = GENESIS
    for seq, fields in enumerate(fields_list, start=1):
        h = entry_hash(key, prev, fields)
        entries.append(ChainEntry(seq=seq, prev_hash=prev, hash=h, fields=fields))
        prev = h
    return entries


def sample(n: int) -> list[dict[str, object]]:
    return [
        {"seq": i, "action": "view", "actor_id": i % 3, "target_id": f"app-{i}",
         "categories": ["name", "address"], "detail": {"reason": "審査"}}
        for i in range(1, n + 1)
    ]


def test_it_hashes_prev_hash_and_canonical_json_with_hmac_sha256() -> None:
    fields = {"b": 1, "a": "氏名", "at": dt.datetime(2025, 4, 1, 9, 0, tzinfo=JST)}
    expected = hmac.new(
        KEY,
        GENESIS.encode() + '{"a":"氏名","at":"2025-04-01T09:00:00+09:00","b":1}'.encode(),
        hashlib.sha256,
    ).hexdigest()
    assert entry_hash(KEY, GENESIS, fields) == expected


def test_it_writes_aware_datetimes_in_jst_whatever_their_zone() -> None:
    utc = {"at": dt.datetime(2025, 4, 1, 0, 0, tzinfo=dt.timezone.utc)}
    jst = {"at": dt.datetime(2025, 4, 1, 9, 0, tzinfo=JST)}
    assert entry_hash(KEY, GENESIS, utc) == entry_hash(KEY, GENESIS, jst)
    with pytest.raises(TypeError, match="naive"):
        entry_hash(KEY, GENESIS, {"at": dt.datetime(2025, 4, 1)})


def test_it_accepts_an_intact_chain() -> None:
    verdict = verify_chain(build(sample(10)), KEY)
    assert verdict.ok and verdict.checked == 10 and verdict.first_broken is None


def test_it_accepts_an_empty_chain() -> None:
    assert verify_chain([], KEY).ok


def test_it_refuses_a_chain_made_with_another_key() -> None:
    verdict = verify_chain(build(sample(3), key=b"x" * 32), KEY)
    assert not verdict.ok and verdict.first_broken == 1


def test_it_finds_altered_fields() -> None:
    chain = build(sample(6))
    chain[3] = replace(chain[3], fields={**chain[3].fields, "target_id": "app-999"})
    verdict = verify_chain(chain, KEY)
    assert (verdict.ok, verdict.first_broken, verdict.checked) == (False, 4, 3)
    assert "hash mismatch" in verdict.reason


def test_it_finds_an_altered_hash() -> None:
    chain = build(sample(6))
    chain[2] = replace(chain[2], hash="f" * 64)
    assert verify_chain(chain, KEY).first_broken == 3


def test_it_finds_a_deleted_entry() -> None:
    chain = build(sample(6))
    del chain[2]
    verdict = verify_chain(chain, KEY)
    assert verdict.first_broken == 3 and "missing" in verdict.reason


def test_it_finds_a_deleted_entry_even_when_renumbered() -> None:
    chain = build(sample(6))
    del chain[2]
    chain = [replace(e, seq=i) for i, e in enumerate(chain, start=1)]
    verdict = verify_chain(chain, KEY)
    assert verdict.first_broken == 3 and "link" in verdict.reason


def test_it_finds_reordered_entries() -> None:
    chain = build(sample(6))
    chain[1], chain[2] = chain[2], chain[1]
    assert verify_chain(chain, KEY).first_broken == 2


def test_it_finds_a_gap_in_numbers() -> None:
    chain = build(sample(4))
    chain[2] = replace(chain[2], seq=7)
    verdict = verify_chain(chain, KEY)
    assert verdict.first_broken == 3


def test_it_checks_a_tail_from_a_known_entry() -> None:
    chain = build(sample(8))
    tail = chain[4:]
    assert verify_chain(tail, KEY, start_seq=5, start_prev_hash=chain[3].hash).checked == 4
    assert verify_chain(tail, KEY).first_broken == 1


ALTERATIONS = ["fields", "hash", "prev_hash", "seq", "delete", "swap"]


@settings(max_examples=150, deadline=None)
@given(
    fields_list=st.lists(
        st.dictionaries(
            st.text(min_size=1, max_size=8),
            st.one_of(st.integers(-10**6, 10**6), st.text(max_size=12), st.booleans(), st.none()),
            max_size=4,
        ),
        min_size=2,
        max_size=12,
    ),
    data=st.data(),
)
def test_any_single_alteration_is_found_at_that_entry(
    fields_list: list[dict[str, object]], data: st.DataObject
) -> None:
    chain = build(fields_list)
    kind = data.draw(st.sampled_from(ALTERATIONS))
    last = len(chain) - 1
    # Deleting the last entry cannot be seen in a chain alone (the head, kept apart, shows it).
    i = data.draw(st.integers(0, last - 1 if kind in ("delete", "swap") else last))
    entry = chain[i]
    if kind == "fields":
        changed = dict(entry.fields)
        changed[data.draw(st.text(min_size=1, max_size=8))] = data.draw(st.integers())
        if changed == dict(entry.fields):
            changed = {**changed, "\x00extra": 1}
        chain[i] = replace(entry, fields=changed)
    elif kind == "hash":
        chain[i] = replace(entry, hash=hashlib.sha256(entry.hash.encode()).hexdigest())
    elif kind == "prev_hash":
        chain[i] = replace(entry, prev_hash=hashlib.sha256(entry.prev_hash.encode()).hexdigest())
    elif kind == "seq":
        chain[i] = replace(entry, seq=entry.seq + data.draw(st.sampled_from([-2, -1, 1, 5])))
    elif kind == "delete":
        del chain[i]
    else:
        chain[i], chain[i + 1] = chain[i + 1], chain[i]
    verdict = verify_chain(chain, KEY)
    assert not verdict.ok
    assert verdict.first_broken == i + 1, (kind, verdict)
    assert verdict.checked == i
