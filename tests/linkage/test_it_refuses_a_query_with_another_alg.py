"""Only EdDSA is accepted: a token whose header says "none", HS256 (keyed with the public key, the
classic confusion), ES256 or RS256 is refused before any key is used."""

from __future__ import annotations

import pytest

from tests.linkage.querykit import T0, assemble, hs256, parts, unb64, world
from yakuba.linkage.errors import Refused
from yakuba.linkage.query import verify_query


def reason(w, token) -> str:
    with pytest.raises(Refused) as caught:
        verify_query(token, w.directory, now=T0, replay_cache=w.cache)
    return caught.value.reason


def test_it_works():
    w = world()
    header, claims, _ = parts(w.query())
    assert header["alg"] == "EdDSA"
    assert reason(w, assemble({**header, "alg": "none"}, claims, "")) == "alg"


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "HS256", "ES256", "RS256", "Ed25519", "", None])
def test_it_refuses_an_alg_swapped_in_the_header(alg):
    w = world()
    header, claims, signature = parts(w.query())
    assert reason(w, assemble({**header, "alg": alg}, claims, signature)) == "alg"
    assert reason(w, assemble({**header, "alg": alg}, claims, "")) == "alg"


def test_it_refuses_hs256_keyed_with_the_public_key():
    w = world()
    header, claims, _ = parts(w.query())
    public = unb64(w.new.public().signing_key.as_dict()["x"])
    for secret in (public, w.new.public().signing_key.as_pem()):
        assert reason(w, hs256({**header, "alg": "HS256"}, claims, secret)) == "alg"


def test_it_refuses_a_header_without_alg():
    w = world()
    header, claims, signature = parts(w.query())
    del header["alg"]
    assert reason(w, assemble(header, claims, signature)) == "malformed"
