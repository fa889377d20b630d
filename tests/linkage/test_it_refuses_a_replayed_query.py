"""A query is accepted once: its nonce is remembered until the query expires, then forgotten. The
cache is bounded and refuses new queries rather than forget a nonce still live."""

from __future__ import annotations

import threading

import pytest

from tests.linkage.querykit import T0, world
from yakuba.linkage.errors import Refused
from yakuba.linkage.query import MemoryReplayCache, ReplayCache, verify_query


def test_it_works():
    w = world()
    token = w.query()
    verify_query(token, w.directory, now=T0, replay_cache=w.cache)
    with pytest.raises(Refused) as caught:
        verify_query(token, w.directory, now=T0 + 1, replay_cache=w.cache)
    assert caught.value.reason == "replayed"


def test_it_refuses_another_query_with_a_nonce_seen_before():
    w = world()
    nonce = "n" * 22
    verify_query(w.query(nonce=nonce), w.directory, now=T0, replay_cache=w.cache)
    again = w.query(nonce=nonce, items=["height_cm"], now=T0 + 5)  # another token, the same nonce
    with pytest.raises(Refused) as caught:
        verify_query(again, w.directory, now=T0 + 5, replay_cache=w.cache)
    assert caught.value.reason == "replayed"


def test_a_refused_query_does_not_use_up_its_nonce():
    w = world()
    token = w.query()
    with pytest.raises(Refused):
        verify_query(token, w.directory, now=T0, replay_cache=w.cache, audience="another-hub")
    verify_query(token, w.directory, now=T0, replay_cache=w.cache)


def test_it_forgets_a_nonce_after_the_query_expired():
    cache = MemoryReplayCache()
    assert cache.first_use("a" * 22, T0 + 60, T0)
    assert not cache.first_use("a" * 22, T0 + 60, T0 + 59)
    assert cache.first_use("b" * 22, T0 + 200, T0 + 60)
    assert len(cache) == 1  # "a…" expired at T0+60 and was forgotten


def test_it_is_bounded_and_fails_closed():
    cache = MemoryReplayCache(capacity=3)
    for n in range(3):
        assert cache.first_use(f"{n}" * 22, T0 + 60, T0)
    with pytest.raises(Refused) as caught:
        cache.first_use("x" * 22, T0 + 60, T0)
    assert caught.value.reason == "replay-cache-full"
    assert cache.first_use("x" * 22, T0 + 120, T0 + 60)  # the others expired: room again
    assert not cache.first_use("x" * 22, T0 + 120, T0 + 61)


def test_one_of_many_threads_wins_a_nonce():
    cache: ReplayCache = MemoryReplayCache()
    wins: list[bool] = []
    start = threading.Barrier(8)

    def race() -> None:
        start.wait()
        wins.append(cache.first_use("race" * 6, T0 + 60, T0))

    threads = [threading.Thread(target=race) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == [False] * 7 + [True]


def test_the_hub_can_plug_in_its_own_cache():
    class Remembers:
        def __init__(self) -> None:
            self.seen: dict[str, int] = {}

        def first_use(self, nonce: str, expires_at: int, now: int) -> bool:
            return self.seen.setdefault(nonce, expires_at) == expires_at and len(self.seen) == 1

    w = world()
    cache = Remembers()
    query = verify_query(w.query(), w.directory, now=T0, replay_cache=cache)
    assert cache.seen == {query.nonce: query.expires_at}
