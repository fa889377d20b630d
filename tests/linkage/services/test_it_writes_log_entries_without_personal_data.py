"""The provision log's entries: canonical JSON that round-trips, tags a family finds with its view
key and nobody links without it, and a changed byte changes the leaf hash (or does not parse)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from yakuba.linkage.entries import (Entry, encode_entry, find, format_view_key, make_entry, parse_entry,
                                    parse_view_key, view_key, view_secret)
from yakuba.linkage.errors import LogError
from yakuba.linkage.pseudonym import HubKey, issue_fugo
from yakuba.linkage.tlog import leaf_hash

HUB = HubKey(bytes(range(32)))
SECRET = view_secret(HUB)
ITEMS = ("checkup_date", "height_cm", "weight_kg")

institutions = st.from_regex(r"\Acity-[a-z]{1,8}\Z")
items = st.lists(st.from_regex(r"\A[a-z][a-z0-9_]{0,12}\Z"), min_size=1, max_size=6, unique=True)
times = st.integers(0, 2**40)


def _key(institution: str, person: str) -> bytes:
    return view_key(SECRET, institution, issue_fugo(HUB, institution, person))


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    kind = draw(st.sampled_from(["query", "provide", "refuse", "read"]))
    requester, provider = draw(institutions), draw(institutions)
    keys = [_key(requester, "p"), _key(provider, "p")] if draw(st.booleans()) else []
    fields = {"requester": requester}
    if kind != "refuse" or draw(st.booleans()):
        fields.update(jimu="boshi-12-3y-checkup", provider=provider, items=draw(items))
    if kind in ("query", "provide") or (kind == "refuse" and draw(st.booleans())):
        fields["ref"] = "A" * 43
    if kind == "refuse":
        fields["reason"] = draw(st.sampled_from(["signature", "expired", "items-not-allowed"]))
    return make_entry(kind, time=draw(times), keys=keys, **fields)


def test_it_works():
    b, a = _key("city-b", "child-1"), _key("city-a", "child-1")
    query = make_entry("query", time=1_750_000_000, keys=[b, a], jimu="boshi-12-3y-checkup", requester="city-b",
                       provider="city-a", items=ITEMS, ref="Q" * 43, allowlist="2024.1")
    other = make_entry("query", time=1_750_000_001, keys=[_key("city-b", "child-2")], jimu="boshi-12-3y-checkup",
                       requester="city-b", provider="city-a", items=ITEMS, ref="R" * 43)
    data = encode_entry(query)
    assert data.startswith(b'{"allowlist":"2024.1","items":["checkup_date"') and b" " not in data
    assert b"child" not in data and issue_fugo(HUB, "city-b", "child-1").encode() not in data
    log = [data, encode_entry(other)]
    assert find(log, b) == [0] and find(log, a) == [0]
    assert find(log, _key("city-b", "child-2")) == [1]
    assert parse_view_key(format_view_key(b).lower()[:20] + " " + format_view_key(b).lower()[20:]) == b


@settings(max_examples=150, deadline=None)
@given(entries())
def test_an_entry_round_trips(entry: Entry):
    data = encode_entry(entry)
    again = parse_entry(data)
    assert again == entry and encode_entry(again) == data


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=20), st.text(min_size=1, max_size=20), st.integers(2, 8))
def test_tags_cannot_be_linked_without_the_key(person, stranger, count):
    key = _key("city-b", person)
    log = [encode_entry(make_entry("read", time=t, keys=[key], jimu="boshi-12-3y-checkup", requester="city-b",
                                   provider="city-b", items=ITEMS)) for t in range(count)]
    subjects = [parse_entry(e).subjects[0] for e in log]
    assert len(set(subjects)) == count  # the same child, a different tag in each entry
    assert find(log, key) == list(range(count))
    if stranger != person:
        assert find(log, _key("city-b", stranger)) == []
    assert find(log, _key("city-a", person)) == []  # another city's view key of the same child


@settings(max_examples=150, deadline=None)
@given(entries(), st.data())
def test_a_tampered_entry_changes_its_leaf_hash(entry: Entry, data: st.DataObject):
    encoded = encode_entry(entry)
    at = data.draw(st.integers(0, len(encoded) - 1))
    flipped = bytearray(encoded)
    flipped[at] ^= 1 << data.draw(st.integers(0, 7))
    assert leaf_hash(bytes(flipped)) != leaf_hash(encoded)
    try:
        parsed = parse_entry(bytes(flipped))
    except LogError:
        return
    assert parsed != entry


def test_it_refuses_a_bad_entry():
    good = encode_entry(make_entry("refuse", time=5, requester="city-b", reason="signature"))
    for bad in (good.replace(b":5,", b":5.0,"), good.replace(b'"v":1', b'"v":2'), b" " + good,
                good.replace(b'"reason"', b'"name":"x","reason"'), good[:-1] + b',"reason":"x"}', b"[]"):
        with pytest.raises(LogError) as caught:
            parse_entry(bad)
        assert "\n" not in str(caught.value) and caught.value.where
    with pytest.raises(LogError):
        make_entry("refuse", time=5, requester="city-b", reason="signature", items=["山田"])
    with pytest.raises(LogError):
        make_entry("query", time=5, requester="city-b", provider="city-a", jimu="x", items=["a" * 64],
                   ref="A" * 43, allowlist="x" * 65)
