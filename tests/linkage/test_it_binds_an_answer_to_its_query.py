"""The provider's answer is signed by it, answers one query only (its nonce and the SHA-256 of its
token), names the person only as a hash the hub can check, and carries the values sealed to the
requester: the hub relays it without reading them, and nobody else can open it."""

from __future__ import annotations

import pytest

from tests.linkage.querykit import T0, assemble, parts, unb64, world
from yakuba.linkage.errors import Refused
from yakuba.linkage.query import (ANSWER_TYPE, Institution, PublicInstitution, _sign, make_answer, token_sha256,
                                  verify_answer, verify_query)

VALUES = {"checkup_date": "2024-05-20", "age_in_months": 37, "height_cm": 95.2, "weight_kg": 14.1,
          "findings": "特記事項なし（サンプル値 Q7Z）"}


def setup():
    w = world()
    token = w.query()
    query = verify_query(token, w.directory, now=T0, replay_cache=w.cache)
    provider_fugo = w.fugo(w.former)
    answer = make_answer(w.former, requester=w.new.public(), query_nonce=query.nonce, query_sha256=query.sha256,
                         fugo=provider_fugo, items=VALUES, now=T0 + 2)
    return w, token, query, provider_fugo, answer


def reason(call) -> str:
    with pytest.raises(Refused) as caught:
        call()
    assert "\n" not in str(caught.value)
    return caught.value.reason


def test_it_works():
    w, token, query, provider_fugo, answer = setup()
    key = w.former.public().signing_key
    at_hub = verify_answer(answer, key, expected_nonce=query.nonce, query_token=token, now=T0 + 3,
                           provider_id=w.former.id, expected_fugo=provider_fugo)
    assert at_hub.items is None and at_hub.requester == w.new.id
    opened = verify_answer(answer, key, expected_nonce=query.nonce, query_token=token, now=T0 + 4, open_with=w.new)
    assert opened.items == VALUES


def test_the_hub_sees_no_value():
    w, token, query, provider_fugo, answer = setup()
    _, claims, _ = parts(answer)
    seen = answer + str(claims) + unb64(claims["sealed"].split(".")[0]).decode()
    for value in ("2024-05-20", "95.2", "14.1", "Q7Z", "特記事項", "height_cm", provider_fugo, query.fugo):
        assert value not in seen
    assert set(claims) == {"iss", "aud", "query_nonce", "query_sha256", "fugo_binding", "iat", "exp", "sealed"}


def test_it_refuses_an_answer_to_another_query():
    w, token, query, _, answer = setup()
    other = w.query(now=T0 + 1)
    key = w.former.public().signing_key
    assert reason(lambda: verify_answer(answer, key, expected_nonce=query.nonce, query_token=other,
                                        now=T0 + 3)) == "answer-mismatch"
    assert reason(lambda: verify_answer(answer, key, expected_nonce="x" * 22, query_token=token,
                                        now=T0 + 3)) == "answer-mismatch"


def test_the_hub_refuses_an_answer_about_another_person():
    w, token, query, _, answer = setup()
    assert reason(lambda: verify_answer(answer, w.former.public().signing_key, expected_nonce=query.nonce,
                                        query_token=token, now=T0 + 3,
                                        expected_fugo=w.fugo(w.former, "person-0002"))) == "answer-mismatch"


def test_nobody_but_the_requester_opens_it():
    w, token, query, _, answer = setup()
    key = w.former.public().signing_key
    stranger = Institution.generate("city-stranger", "市町村", "第三の市")
    assert reason(lambda: verify_answer(answer, key, expected_nonce=query.nonce, query_token=token,
                                        now=T0 + 3, open_with=stranger)) == "answer-mismatch"
    twin = Institution(w.new.id, w.new.kind, w.new.name, w.new.signing_key, stranger.sealing_key)
    assert reason(lambda: verify_answer(answer, key, expected_nonce=query.nonce, query_token=token,
                                        now=T0 + 3, open_with=twin)) == "sealed"


def test_it_refuses_values_moved_from_another_answer():
    """A provider (or anyone able to sign as it) puts the sealed values of one answer into another."""
    w, token, query, provider_fugo, answer = setup()
    _, claims, _ = parts(answer)
    second = w.query(now=T0 + 1)
    q2 = verify_query(second, w.directory, now=T0 + 1, replay_cache=w.cache)
    moved = _sign(w.former, ANSWER_TYPE, {**claims, "query_nonce": q2.nonce, "query_sha256": q2.sha256})
    assert reason(lambda: verify_answer(moved, w.former.public().signing_key, expected_nonce=q2.nonce,
                                        query_token=second, now=T0 + 3, open_with=w.new)) == "answer-mismatch"


def test_it_refuses_a_tampered_or_forged_answer():
    w, token, query, provider_fugo, answer = setup()
    header, claims, signature = parts(answer)
    key = w.former.public().signing_key

    def check(candidate, with_key=key):
        return reason(lambda: verify_answer(candidate, with_key, expected_nonce=query.nonce, query_token=token,
                                            now=T0 + 3, open_with=w.new))

    assert check(assemble(header, {**claims, "iat": T0 + 1}, signature)) == "signature"
    assert check(assemble({**header, "alg": "none"}, claims, "")) == "alg"
    assert check(answer, w.new.public().signing_key) == "institution-unknown"
    impostor = Institution(w.former.id, w.former.kind, w.former.name, w.new.signing_key, w.former.sealing_key)
    forged = make_answer(impostor, requester=w.new.public(), query_nonce=query.nonce, query_sha256=query.sha256,
                         fugo=provider_fugo, items={"height_cm": 1}, now=T0 + 2)
    assert check(assemble({**parts(forged)[0], "kid": w.former.kid}, parts(forged)[1], parts(forged)[2])) \
        == "signature"


def test_it_refuses_an_answer_out_of_its_lifetime():
    w, token, query, _, answer = setup()
    key = w.former.public().signing_key
    assert reason(lambda: verify_answer(answer, key, expected_nonce=query.nonce, query_token=token,
                                        now=T0 + 62)) == "expired"
    assert reason(lambda: verify_answer(answer, key, expected_nonce=query.nonce, query_token=token,
                                        now=T0 - 600)) == "not-yet-valid"


def test_it_refuses_an_answer_signed_by_another_provider_name():
    w, token, query, provider_fugo, answer = setup()
    assert reason(lambda: verify_answer(answer, w.former.public().signing_key, expected_nonce=query.nonce,
                                        query_token=token, now=T0 + 3, provider_id="city-other")) \
        == "issuer-mismatch"


def test_it_seals_to_the_key_it_is_given():
    w, token, query, provider_fugo, _ = setup()
    wrong = PublicInstitution(w.new.id, w.new.kind, w.new.name, w.new.public().signing_key,
                              Institution.generate("city-x", "市町村", "x").public().sealing_key)
    answer = make_answer(w.former, requester=wrong, query_nonce=query.nonce, query_sha256=token_sha256(token),
                         fugo=provider_fugo, items=VALUES, now=T0 + 2)
    assert reason(lambda: verify_answer(answer, w.former.public().signing_key, expected_nonce=query.nonce,
                                        query_token=token, now=T0 + 3, open_with=w.new)) == "sealed"
