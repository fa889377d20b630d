"""A witness round when nothing was appended since the last one: the hub's checkpoint already carries each
witness's earlier cosignature; each witness cosigns it again (one line of its own, the newest) and the hub
keeps the newer one. (Before: the second round failed with cosignature-missing, every round after.)"""

from __future__ import annotations

from pathlib import Path

from tests.linkage.services.kit import Clock, services
from yakuba.linkage.tlog import Verifier, open_checkpoint, parse_note


def test_it_works(tmp_path: Path):
    clock = Clock()
    s = services(tmp_path, clock)
    cities = {"city-a": s.a, "city-b": s.b}

    def ask(witness_id: str, checkpoint: bytes, proof: list[bytes]) -> bytes:
        return cities[witness_id].witness(checkpoint, proof)

    assert s.hub.witness_round(ask) == {"city-a": "cosigned", "city-b": "cosigned"}
    first = open_checkpoint(s.hub.checkpoint(), s.hub.log_verifier,
                            witnesses=[Verifier.parse(c.public_json()["witness_key"]) for c in cities.values()],
                            quorum=2)
    clock.now += 60
    assert s.hub.witness_round(ask) == {"city-a": "cosigned", "city-b": "cosigned"}
    note = s.hub.checkpoint()
    assert len(parse_note(note).signatures) == 3  # the hub's and one per witness, not one per round
    again = open_checkpoint(note, s.hub.log_verifier,
                            witnesses=[Verifier.parse(c.public_json()["witness_key"]) for c in cities.values()],
                            quorum=2)
    assert all(again.cosignatures[name] == first.cosignatures[name] + 60 for name in first.cosignatures)
    cosigned_by_a = s.a.witness(note, [])
    assert len(parse_note(cosigned_by_a).signatures) == 3
    s.close()
