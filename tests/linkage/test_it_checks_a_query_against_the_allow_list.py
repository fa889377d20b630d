"""Every verified query is checked against the allow-list for the day it is asked: the 事務 must be
known and in force, the requester and provider kinds allowed for it, and every item in its row."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.linkage.querykit import T0, world
from yakuba.linkage.allowlist import check, load_allowlist
from yakuba.linkage.errors import Refused
from yakuba.linkage.query import verify_query

TODAY = dt.date(2025, 6, 15)


@pytest.fixture(scope="module")
def allowlist():
    return load_allowlist()


def refused(allowlist, *args) -> Refused:
    with pytest.raises(Refused) as caught:
        check(allowlist, *args)
    assert "\n" not in str(caught.value)
    return caught.value


def test_it_works(allowlist):
    w = world()
    query = verify_query(w.query(items=["checkup_date", "height_cm", "urine"]), w.directory, now=T0,
                         replay_cache=w.cache)
    row = check(allowlist, query.jimu_code, w.new.kind, w.former.kind, query.items, TODAY)
    assert row.jimu_code == "boshi-12-3y-checkup" and "urine" in row.items and row.basis.startswith("母子保健法")


def test_it_refuses_items_outside_the_list_naming_them(allowlist):
    w = world()
    token = w.query(items=["height_cm", "interview_sensitive", "vaccinations"])
    query = verify_query(token, w.directory, now=T0, replay_cache=w.cache)  # well signed, still not allowed
    error = refused(allowlist, query.jimu_code, w.new.kind, w.former.kind, query.items, TODAY)
    assert error.reason == "items-not-allowed"
    assert "interview_sensitive" in str(error) and "vaccinations" in str(error) and "height_cm" not in str(error)
    assert "問診（要配慮）" in str(error)


def test_it_refuses_an_unknown_jimu(allowlist):
    assert refused(allowlist, "boshi-99", "市町村", "市町村", ["height_cm"], TODAY).reason == "jimu-unknown"


def test_it_refuses_a_jimu_not_in_force(allowlist):
    assert refused(allowlist, "boshi-pilot-2019", "都道府県", "市町村", ["checkup_date"], TODAY).reason \
        == "jimu-not-in-force"
    assert check(allowlist, "boshi-pilot-2019", "都道府県", "市町村", ["checkup_date"], dt.date(2019, 4, 1))
    assert check(allowlist, "boshi-pilot-2019", "都道府県", "市町村", ["checkup_date"], dt.date(2020, 3, 31))
    assert refused(allowlist, "boshi-12-3y-checkup", "市町村", "市町村", ["height_cm"],
                   dt.date(2017, 3, 31)).reason == "jimu-not-in-force"


def test_it_uses_the_row_in_force_on_the_day(allowlist):
    assert refused(allowlist, "boshi-12-3y-checkup", "市町村", "市町村", ["urine"], dt.date(2022, 3, 31)).reason \
        == "items-not-allowed"
    assert check(allowlist, "boshi-12-3y-checkup", "市町村", "市町村", ["urine"], dt.date(2022, 4, 1))


def test_it_refuses_kinds_not_allowed(allowlist):
    assert refused(allowlist, "boshi-12-3y-checkup", "都道府県", "市町村", ["height_cm"], TODAY).reason \
        == "kinds-not-allowed"
    assert refused(allowlist, "boshi-12-3y-checkup", "市町村", "民間事業者", ["height_cm"], TODAY).reason \
        == "kinds-not-allowed"


def test_it_refuses_a_query_for_no_items(allowlist):
    assert refused(allowlist, "boshi-12-3y-checkup", "市町村", "市町村", [], TODAY).reason == "items-not-allowed"
