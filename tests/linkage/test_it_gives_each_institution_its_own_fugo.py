"""Each institution knows a person by its own 符号 (番号法第21条の2): keyed (HMAC-SHA256 with the
hub's key), deterministic, uniformly formatted, and unlinkable across institutions without the key."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from yakuba.linkage.errors import LinkageError
from yakuba.linkage.pseudonym import FUGO_LENGTH, HubKey, is_fugo, issue_fugo

KEY = HubKey(bytes(range(32)))
institutions = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,20}\Z")
persons = st.text(min_size=1, max_size=40) | st.from_regex(r"\A[0-9]{12}\Z")  # also the shape of a 個人番号
keys = st.binary(min_size=32, max_size=32).map(HubKey)


def test_it_works():
    child = "hub-person-7f3a"
    former, new = issue_fugo(KEY, "city-former", child), issue_fugo(KEY, "city-new", child)
    assert former != new
    assert is_fugo(former) and is_fugo(new)
    assert issue_fugo(KEY, "city-former", child) == former


@settings(max_examples=200, deadline=None)
@given(keys, institutions, institutions, persons)
def test_two_institutions_never_share_a_fugo(key, one, other, person):
    if one != other:
        assert issue_fugo(key, one, person) != issue_fugo(key, other, person)


@settings(max_examples=200, deadline=None)
@given(keys, institutions, persons)
def test_it_is_deterministic_and_uniformly_formatted(key, institution, person):
    fugo = issue_fugo(key, institution, person)
    assert fugo == issue_fugo(HubKey(key.secret), institution, person)
    assert len(fugo) == FUGO_LENGTH and re.fullmatch(r"[A-Z2-7]{52}", fugo)


@settings(max_examples=100, deadline=None)
@given(keys, keys, st.lists(st.tuples(institutions, persons), min_size=1, max_size=5, unique=True))
def test_another_hub_key_changes_every_fugo(key, other_key, pairs):
    if key.secret != other_key.secret:
        first = {issue_fugo(key, i, p) for i, p in pairs}
        second = {issue_fugo(other_key, i, p) for i, p in pairs}
        assert not first & second


@settings(max_examples=200, deadline=None)
@given(keys, institutions, persons)
def test_nothing_of_the_person_shows_in_the_fugo(key, institution, person):
    fugo = issue_fugo(key, institution, person)
    text = person.upper()
    assert not any(text[i:i + 8] in fugo for i in range(max(len(text) - 7, 0)))
    assert institution.upper() not in fugo or len(institution) < 8


@given(keys, st.from_regex(r"\A[a-z][a-z0-9-]{0,10}\Z"), st.from_regex(r"\A[a-z][a-z0-9]{1,10}\Z"))
def test_the_parts_are_length_prefixed(key, institution, person):
    """("city-a", "bc") and ("city-ab", "c") are different inputs, not the same bytes."""
    assert issue_fugo(key, institution, person) != issue_fugo(key, institution + person[0], person[1:])


def test_it_refuses_a_bad_institution_or_an_empty_person():
    with pytest.raises(LinkageError):
        issue_fugo(KEY, "city a/../", "p")
    with pytest.raises(LinkageError):
        issue_fugo(KEY, "city-a", "")
    with pytest.raises(LinkageError):
        HubKey(b"short")
