"""母子保健法第19条の2: a family moves, and the new city asks the former one for the child's 3歳児健診
record through the hub. The whole way in the pure core: query, hub checks, 符号 translation,
answer, hub check, requester opens. The hub handles ids, 事務, item codes and 符号 only."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.linkage.querykit import T0, world
from yakuba.linkage.allowlist import check, load_allowlist
from yakuba.linkage.errors import Refused
from yakuba.linkage.pseudonym import translate
from yakuba.linkage.query import make_answer, verify_answer, verify_query

RECORD = {"checkup_date": "2024-05-20", "age_in_months": 37, "height_cm": 95.2, "weight_kg": 14.1,
          "urine": "異常なし", "judgement": "異常なし"}


def hub_relays(w, token: str, on_date: dt.date):
    """What the hub does with a query: verify, check, translate; the provider's 符号 for the provider."""
    kinds = {w.former.id: w.former.kind, w.new.id: w.new.kind}
    query = verify_query(token, w.directory, now=T0, replay_cache=w.cache)
    if query.provider not in kinds:
        raise Refused("institution-unknown", "照会先の機関が登録されていません (unknown provider)")
    row = check(load_allowlist(), query.jimu_code, kinds[query.requester], kinds[query.provider], query.items,
                on_date)
    return query, row, translate(w.table, query.requester, query.fugo, query.provider)


def test_it_works():
    w = world()
    w.fugo(w.former, "child-1")
    token = w.query(items=list(RECORD), fugo=w.fugo(w.new, "child-1"))
    query, row, provider_fugo = hub_relays(w, token, dt.date(2025, 6, 15))
    assert row.jimu_code == "boshi-12-3y-checkup"
    assert w.table.person_of(w.former.id, provider_fugo) == "child-1"

    # the former city looks up its record by its own 符号 and answers, sealed to the new city
    answer = make_answer(w.former, requester=w.new.public(), query_nonce=query.nonce, query_sha256=query.sha256,
                         fugo=provider_fugo, items=RECORD, now=T0 + 1)
    verify_answer(answer, w.former.public().signing_key, expected_nonce=query.nonce, query_token=token,
                  now=T0 + 2, provider_id=w.former.id, expected_fugo=provider_fugo)  # the hub relays it
    opened = verify_answer(answer, w.former.public().signing_key, expected_nonce=query.nonce, query_token=token,
                           now=T0 + 3, provider_id=w.former.id, open_with=w.new)
    assert opened.items == RECORD


def test_the_hub_refuses_a_sensitive_item_before_asking_anyone():
    w = world()
    token = w.query(items=["height_cm", "interview_sensitive"])
    with pytest.raises(Refused) as caught:
        hub_relays(w, token, dt.date(2025, 6, 15))
    assert caught.value.reason == "items-not-allowed"


def test_the_hub_refuses_a_child_the_former_city_never_knew():
    w = world()
    token = w.query(fugo=w.fugo(w.new, "child-born-after-the-move"))
    with pytest.raises(Refused) as caught:
        hub_relays(w, token, dt.date(2025, 6, 15))
    assert caught.value.reason == "fugo-none-at-provider"
