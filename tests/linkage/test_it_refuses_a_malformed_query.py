"""A query that verifies but says too little, too much or the wrong kind of thing is refused
(``malformed``): claims are exact, typed, and the header is alg, kid and typ only."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st
from joserfc import jws

from tests.linkage.querykit import T0, b64, world
from yakuba.linkage.errors import LinkageError, Refused
from yakuba.linkage.query import ALG, QUERY_TYPE, make_answer, verify_query
from yakuba.linkage.query import _REGISTRY  # to sign exactly the bytes a test wants


def signed(w, payload: bytes, header: dict | None = None) -> str:
    head = header or {"alg": ALG, "kid": w.new.kid, "typ": QUERY_TYPE}
    return jws.serialize_compact(head, payload, w.new.signing_key, registry=_REGISTRY)


def claims(w) -> dict:
    return {"iss": w.new.id, "aud": "hub", "jimu": "boshi-12-3y-checkup", "items": ["height_cm"],
            "sub": w.fugo(w.new), "provider": w.former.id, "nonce": "n" * 22, "iat": T0, "exp": T0 + 60}


def reason(w, token) -> str:
    with pytest.raises(Refused) as caught:
        verify_query(token, w.directory, now=T0, replay_cache=w.cache)
    assert "\n" not in str(caught.value)
    return caught.value.reason


def test_it_works():
    w = world()
    verify_query(signed(w, json.dumps(claims(w)).encode()), w.directory, now=T0, replay_cache=w.cache)
    assert reason(w, signed(w, b"not json")) == "malformed"


@pytest.mark.parametrize("change", [
    {"iss": None}, {"aud": 1}, {"items": []}, {"items": "height_cm"}, {"items": ["height_cm", "height_cm"]},
    {"items": ["身長"]}, {"sub": "not-a-fugo"}, {"sub": "a" * 52}, {"nonce": "short"}, {"nonce": "n" * 21},
    {"iat": "now"}, {"iat": True}, {"exp": 1.5}, {"exp": T0}, {"jimu": "Boshi 12"}, {"provider": ""},
    {"extra": "claim"}, {"nbf": T0},
])
def test_it_refuses_a_bad_claim(change):
    w = world()
    body = {**claims(w), **change}
    assert reason(w, signed(w, json.dumps({k: v for k, v in body.items() if v is not None}).encode())) == "malformed"


@pytest.mark.parametrize("name", ["iss", "aud", "jimu", "items", "sub", "provider", "nonce", "iat", "exp"])
def test_it_refuses_a_missing_claim(name):
    w = world()
    body = claims(w)
    del body[name]
    assert reason(w, signed(w, json.dumps(body).encode())) == "malformed"


@pytest.mark.parametrize("payload", [b"[]", b'"text"', b"\xff", b'{"iat": NaN}',
                                     b'{"iss": "city-new", "iss": "city-former"}'])
def test_it_refuses_a_payload_that_is_not_one_json_object(payload):
    w = world()
    assert reason(w, signed(w, payload)) == "malformed"


def test_it_refuses_an_odd_header():
    w = world()
    payload = json.dumps(claims(w)).encode()
    for header in ({"alg": ALG, "kid": w.new.kid, "typ": "JWT"}, {"alg": ALG, "kid": w.new.kid},
                   {"alg": ALG, "kid": w.new.kid, "typ": QUERY_TYPE, "jku": "https://example.invalid/"}):
        assert reason(w, signed(w, payload, header)) == "malformed"


def test_it_refuses_an_answer_passed_off_as_a_query():
    w = world()
    answer = make_answer(w.new, requester=w.former.public(), query_nonce="n" * 22, query_sha256="h" * 43,
                         fugo=w.fugo(w.new), items={"height_cm": 90.1}, now=T0)
    assert reason(w, answer) == "malformed"


@pytest.mark.parametrize("token", ["", "a.b", "a.b.c.d", "…", "x" * 70000, 12, None])
def test_it_refuses_what_is_not_a_token(token):
    w = world()
    assert reason(w, token) == "malformed"


def test_it_refuses_to_make_a_bad_query():
    w = world()
    for change in ({"items": []}, {"fugo": "x"}, {"provider_id": "a b"}, {"nonce": "short"}, {"ttl_s": 0}):
        with pytest.raises(LinkageError):
            w.query(**change)


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                        max_size=3), max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(json_values, json_values, st.text("abc-_.", max_size=10))
def test_it_refuses_any_odd_token_with_a_reason(header, payload, signature):
    w = world()
    encode = lambda v: b64(json.dumps(v).encode())  # noqa: E731
    for token in (f"{encode(header)}.{encode(payload)}.{signature}", f"{encode(['alg'])}.{encode(payload)}.x",
                  f"{encode({'alg': 'EdDSA', 'kid': header, 'typ': QUERY_TYPE})}.{encode(payload)}.{signature}"):
        assert reason(w, token) in {"malformed", "alg", "institution-unknown", "signature"}
