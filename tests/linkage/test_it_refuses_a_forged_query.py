"""A query is believed only when a key of the institution it names signed exactly these bytes: a
changed byte, a signature by another key, an unknown key or a borrowed name is refused."""

from __future__ import annotations

import pytest
from joserfc.jwk import OKPKey

from tests.linkage.querykit import T0, assemble, b64, parts, unb64, world
from yakuba.linkage.errors import Refused
from yakuba.linkage.query import Institution, key_directory, make_query, verify_query


def reason(w, token, directory=None) -> str:
    with pytest.raises(Refused) as caught:
        verify_query(token, directory or w.directory, now=T0, replay_cache=w.cache)
    assert "\n" not in str(caught.value)
    return caught.value.reason


def test_it_works():
    w = world()
    token = w.query()
    query = verify_query(token, w.directory, now=T0 + 1, replay_cache=w.cache)
    assert (query.requester, query.provider, query.kid) == (w.new.id, w.former.id, w.new.kid)
    assert reason(w, token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")) == "signature"


@pytest.mark.parametrize("position", [0, 5, 17, -2])
def test_it_refuses_a_changed_character_of_the_payload(position):
    w = world()
    header, payload, signature = w.query().split(".")
    i = position % len(payload)
    changed = payload[:i] + ("B" if payload[i] != "B" else "C") + payload[i + 1:]
    assert reason(w, f"{header}.{changed}.{signature}") == "signature"


@pytest.mark.parametrize("position", [0, 1, 40, -2, -1])
def test_it_refuses_a_changed_byte_of_the_payload(position):
    w = world()
    header, payload, signature = w.query().split(".")
    data = bytearray(unb64(payload))
    data[position] ^= 0x01
    assert reason(w, f"{header}.{b64(bytes(data))}.{signature}") == "signature"


def test_it_refuses_changed_claims_with_the_old_signature():
    w = world()
    header, claims, signature = parts(w.query())
    for change in ({"items": ["interview_sensitive"]}, {"provider": "city-other"}, {"exp": claims["exp"] + 1}):
        assert reason(w, assemble(header, {**claims, **change}, signature)) == "signature"


def test_it_refuses_a_signature_by_another_key():
    w = world()
    impostor = Institution(w.new.id, w.new.kind, w.new.name, OKPKey.generate_key("Ed25519"), w.new.sealing_key)
    token = make_query(impostor, jimu_code="boshi-12-3y-checkup", items=["height_cm"], fugo=w.fugo(w.new),
                       provider_id=w.former.id, now=T0)
    header, claims, signature = parts(token)
    assert reason(w, token) == "institution-unknown"  # its kid is nobody's
    assert reason(w, assemble({**header, "kid": w.new.kid}, claims, signature)) == "signature"


def test_it_refuses_a_key_of_another_institution_under_its_name():
    """The former city signs a query that says it comes from the new city."""
    w = world()
    token = make_query(w.former, jimu_code="boshi-12-3y-checkup", items=["height_cm"], fugo=w.fugo(w.new),
                       provider_id=w.former.id, now=T0)
    header, claims, _ = parts(token)
    forged = make_query(w.former, jimu_code="boshi-12-3y-checkup", items=["height_cm"], fugo=w.fugo(w.new),
                        provider_id=w.new.id, now=T0)
    assert header["kid"] == w.former.kid and claims["iss"] == w.former.id
    h, c, s = parts(forged)
    assert reason(w, assemble(h, {**c, "iss": w.new.id}, s)) == "signature"
    stranger = Institution.generate("city-new", "市町村", "別の鍵")
    directory = {**key_directory(w.former), "city-stranger": (stranger.public().signing_key,)}
    token = make_query(stranger, jimu_code="boshi-12-3y-checkup", items=["height_cm"], fugo=w.fugo(w.new),
                       provider_id=w.former.id, now=T0)
    assert reason(w, token, directory) == "issuer-mismatch"


def test_it_refuses_an_unknown_institution():
    w = world()
    outsider = Institution.generate("city-outside", "市町村", "登録のない市")
    token = make_query(outsider, jimu_code="boshi-12-3y-checkup", items=["height_cm"], fugo=w.fugo(w.new),
                       provider_id=w.former.id, now=T0)
    assert reason(w, token) == "institution-unknown"
    header, claims, signature = parts(w.query())
    assert reason(w, assemble({**header, "kid": 7}, claims, signature)) == "institution-unknown"
