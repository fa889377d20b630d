"""The hub turns the requester's 符号 into the provider's, and refuses a 符号 the requester was
never issued, one issued to another institution, and a person the provider has no 符号 for."""

from __future__ import annotations

import threading

import pytest

from yakuba.linkage.errors import Refused
from yakuba.linkage.pseudonym import FugoTable, HubKey, translate


@pytest.fixture
def table():
    return FugoTable(HubKey.generate())


def test_it_works(table):
    former = table.issue("city-former", "child-1")
    new = table.issue("city-new", "child-1")
    assert translate(table, "city-new", new, "city-former") == former
    assert translate(table, "city-former", former, "city-new") == new
    assert table.issue("city-new", "child-1") == new  # issuing again gives the same 符号


def test_it_refuses_a_fugo_never_issued(table):
    table.issue("city-former", "child-1")
    for fugo in ("A" * 52, "not a fugo", ""):
        with pytest.raises(Refused) as caught:
            translate(table, "city-new", fugo, "city-former")
        assert caught.value.reason == "fugo-unknown"


def test_it_refuses_a_fugo_of_another_institution(table):
    former = table.issue("city-former", "child-1")
    table.issue("city-new", "child-1")
    with pytest.raises(Refused) as caught:
        translate(table, "city-new", former, "city-former")  # city-new presents city-former's 符号
    assert caught.value.reason == "fugo-other-institution"
    assert "city-former" not in str(caught.value)


def test_it_refuses_a_person_the_provider_does_not_know(table):
    new = table.issue("city-new", "child-1")
    table.issue("city-former", "child-2")
    with pytest.raises(Refused) as caught:
        translate(table, "city-new", new, "city-former")
    assert caught.value.reason == "fugo-none-at-provider"


def test_it_is_safe_to_share_between_threads(table):
    results: list[str] = []

    def issue() -> None:
        for n in range(200):
            results.append(table.issue("city-a", f"child-{n}"))

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 200
    assert all(table.person_of("city-a", f) for f in results)
