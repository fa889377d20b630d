"""A city's 中間サーバー, as a witness, cosigns a checkpoint of the hub's log only if it extends the
last one it cosigned: a log truncated and regrown (history rewritten), a fork of the same size and
an older checkpoint are refused, logged, and kept as evidence."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.linkage.services.kit import Clock, services
from yakuba.linkage.errors import Refused
from yakuba.linkage.tlog import Checkpoint, MerkleLog, open_checkpoint, sign_checkpoint


def _grow(hub, count: int) -> None:
    for n in range(count):
        hub.append_read("city-a", hub.enrol("city-a", f"child-{hub.log.size}-{n}").fugo, "boshi-12-3y-checkup",
                        ["height_cm"])


def test_it_works(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    clock = Clock()
    s = services(tmp_path, clock)
    _grow(s.hub, 3)
    first = s.a.witness(s.hub.checkpoint(), [])
    s.hub.add_cosignature("city-a", first)
    _grow(s.hub, 4)
    second = s.a.witness(s.hub.checkpoint(), s.hub.consistency(3, 7))
    s.hub.add_cosignature("city-a", second)
    assert open_checkpoint(s.hub.checkpoint(), s.hub.log_verifier,
                           witnesses=[s.a.witness_signer.verifier()], quorum=1).size == 7

    # the hub rewrites history: keeps the first 5 entries, drops the rest, regrows to 9
    forged = MerkleLog()
    for i in range(5):
        forged.append(s.hub.log.entry(i))
    for i in range(4):
        forged.append(b'{"rewritten":%d}' % i)
    cp = sign_checkpoint(Checkpoint(s.hub.origin, 9, forged.root()), s.hub.signer)
    same_size = MerkleLog()
    for i in range(7):
        same_size.append(s.hub.log.entry(i) if i != 6 else b"{}")
    cases = [
        (cp, forged.consistency_proof(7, 9), "log-inconsistent"),
        (cp, [], "log-inconsistent"),
        (sign_checkpoint(Checkpoint(s.hub.origin, 7, same_size.root()), s.hub.signer), [], "log-forked"),
        (sign_checkpoint(Checkpoint(s.hub.origin, 3, s.hub.log.root(3)), s.hub.signer), [], "checkpoint-older"),
        (sign_checkpoint(Checkpoint(s.hub.origin, 9, forged.root()), s.a.witness_signer), [], "checkpoint-invalid"),
    ]
    with caplog.at_level(logging.ERROR, "yakuba.linkage.intermediate"):
        for note, proof, reason in cases:
            clock.now += 1
            with pytest.raises(Refused) as caught:
                s.a.witness(note, proof)
            assert caught.value.reason == reason
    assert [r.message.split("reason=")[1].split()[0] for r in caplog.records if r.levelno == logging.ERROR] \
        == [r for _, _, r in cases]
    assert len(list((tmp_path / "city-a" / "witness").glob("refused-*"))) == len(cases)
    assert open_checkpoint(s.a.last_checkpoint(), s.hub.log_verifier).size == 7  # what it last vouched for

    # the real log grows on: still cosigned
    _grow(s.hub, 2)
    s.hub.add_cosignature("city-a", s.a.witness(s.hub.checkpoint(), s.hub.consistency(7, s.hub.log.size)))
    s.close()


def test_the_hub_keeps_only_cosignatures_it_can_verify(tmp_path: Path):
    s = services(tmp_path, Clock())
    _grow(s.hub, 2)
    cosigned = s.b.witness(s.hub.checkpoint(), [])
    with pytest.raises(Refused) as caught:
        s.hub.add_cosignature("city-a", cosigned)  # city-b's cosignature presented as city-a's
    assert caught.value.reason == "cosignature-missing"
    with pytest.raises(Refused) as caught:
        s.hub.add_cosignature("nobody", cosigned)
    assert caught.value.reason == "witness-unknown"
    s.hub.add_cosignature("city-b", cosigned)
    s.close()
