"""A query lives from iat to exp, at most max_ttl_s: an expired one, one issued in the future
(beyond a small clock skew) and one that would live too long are refused."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.linkage.querykit import T0, world
from yakuba.linkage.errors import LinkageError, Refused
from yakuba.linkage.query import SKEW_S, verify_query


def reason(w, token, now, **kwargs) -> str:
    with pytest.raises(Refused) as caught:
        verify_query(token, w.directory, now=now, replay_cache=w.cache, **kwargs)
    return caught.value.reason


def test_it_works():
    w = world()
    token = w.query(ttl_s=60)
    assert reason(w, token, T0 + 60) == "expired"
    assert reason(w, token, T0 + 3600) == "expired"
    verify_query(token, w.directory, now=T0 + 59, replay_cache=w.cache)


def test_it_allows_a_small_skew_only():
    w = world()
    verify_query(w.query(now=T0 + SKEW_S), w.directory, now=T0, replay_cache=w.cache)
    assert reason(w, w.query(now=T0 + SKEW_S + 1), T0) == "not-yet-valid"
    assert reason(w, w.query(now=T0 + 3600, ttl_s=60), T0) == "not-yet-valid"


def test_it_refuses_a_lifetime_longer_than_allowed():
    w = world()
    assert reason(w, w.query(ttl_s=301), T0) == "ttl-too-long"
    assert reason(w, w.query(ttl_s=61), T0, max_ttl_s=60) == "ttl-too-long"
    verify_query(w.query(ttl_s=60), w.directory, now=T0, replay_cache=w.cache, max_ttl_s=60)


def test_it_takes_an_aware_datetime_as_now():
    w = world()
    at = dt.datetime.fromtimestamp(T0, dt.timezone.utc)
    token = w.query(now=at)
    assert verify_query(token, w.directory, now=at + dt.timedelta(seconds=1), replay_cache=w.cache).issued_at == T0
    with pytest.raises(LinkageError):
        w.query(now=dt.datetime(2025, 1, 1))
