"""The hub refuses a forged, expired or replayed query, one outside the allow-list, a 符号 of another
institution and a TLS client that is not the query's issuer, and logs each refusal with its
reason (tagged for the family when the hub knows who it was about)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.linkage.querykit import assemble, parts
from tests.linkage.services.kit import CHILD, ITEMS, JIMU, T0, Clock, cities, enrol_child, hub, private
from yakuba.linkage.entries import find, parse_entry
from yakuba.linkage.errors import Refused
from yakuba.linkage.query import Institution, make_query


def test_it_works(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    c = cities(tmp_path)
    h = hub(tmp_path, c.registry, Clock())
    at_a, at_b = enrol_child(h)
    assert private(tmp_path / "hub") and private(tmp_path / "hub" / "hub.key") and private(tmp_path / "hub" / "log.key")

    def ask(**changes):
        args = {"jimu_code": JIMU, "items": ITEMS, "fugo": at_b.fugo, "provider_id": "city-a", "now": T0}
        args.update(changes)
        return make_query(changes.pop("signer", c.b), **{k: v for k, v in args.items() if k != "signer"})

    header, payload, signature = parts(ask())
    payload["items"] = ["height_cm"]
    forged = assemble(header, payload, signature)
    mallory = Institution.generate("city-b", "市町村", "偽 B町")
    replayed = ask()
    h.query(replayed, "city-b")
    cases = [
        (forged, "city-b", "signature"),
        (ask(signer=mallory), "city-b", "institution-unknown"),
        (ask(now=T0 - 600), "city-b", "expired"),
        (replayed, "city-b", "replayed"),
        (ask(items=["height_cm", "interview_sensitive"]), "city-b", "items-not-allowed"),
        (ask(jimu_code="boshi-pilot-2019"), "city-b", "jimu-not-in-force"),
        (ask(jimu_code="boshi-unknown"), "city-b", "jimu-unknown"),
        (ask(fugo=at_a.fugo), "city-b", "fugo-other-institution"),
        (ask(), "city-a", "tls-client-mismatch"),
        (ask(), "someone", "client-unknown"),
    ]
    first = h.log.size
    with caplog.at_level(logging.WARNING, "yakuba.linkage.hub"):
        for token, cn, reason in cases:
            with pytest.raises(Refused) as caught:
                h.query(token, cn)
            assert caught.value.reason == reason, (reason, caught.value)
    logged = [parse_entry(h.log.entry(i)) for i in range(first, h.log.size)]
    assert [(e.type, e.get("reason")) for e in logged] == [("refuse", r) for _, _, r in cases]
    assert [r.message.split("reason=")[1].split()[0] for r in caplog.records
            if r.levelno == logging.WARNING] == [r for _, _, r in cases]
    assert logged[0].get("items") is None  # nothing read from a token whose signature failed
    assert logged[4].get("items") == ("height_cm", "interview_sensitive")
    # the family's view key (from city B) finds the refusals about the child the hub could tag
    tagged = {first + i for i, (_, _, r) in enumerate(cases) if r in ("items-not-allowed", "jimu-not-in-force",
                                                                      "jimu-unknown", "replayed")}
    mine = set(find([h.log.entry(i) for i in range(h.log.size)], at_b.view_key))
    assert tagged <= mine and first + 7 not in mine  # another city's 符号: not the family's entry
    h.close()


def test_a_refused_query_does_not_use_up_its_nonce(tmp_path: Path):
    c = cities(tmp_path)
    h = hub(tmp_path, c.registry, Clock())
    _, at_b = enrol_child(h)
    token = make_query(c.b, jimu_code=JIMU, items=ITEMS, fugo=at_b.fugo, provider_id="city-a", now=T0)
    with pytest.raises(Refused):
        h.query(token, "city-a")
    assert h.query(token, "city-b").provider == "city-a"
    h.close()


def test_the_hub_survives_a_restart(tmp_path: Path):
    c = cities(tmp_path)
    h = hub(tmp_path, c.registry, Clock())
    at_a, at_b = enrol_child(h)
    token = make_query(c.b, jimu_code=JIMU, items=ITEMS, fugo=at_b.fugo, provider_id="city-a", now=T0)
    request = h.query(token, "city-b")
    assert request.fugo == at_a.fugo and at_b.fugo not in str(request.as_json())
    size = h.log.size
    h.close()
    from yakuba.linkage.hub import Hub

    again = Hub(tmp_path / "hub", clock=Clock())
    assert again.log.size == size and again.enrol("city-b", CHILD).fugo == at_b.fugo
    with pytest.raises(Refused) as caught:
        again.query(token, "city-b")
    assert caught.value.reason == "replayed"
    again.close()
