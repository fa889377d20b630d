"""`yakuba linkage log export` writes the hub's log as tlog tiles, and `yakuba linkage verify` checks
it from the files alone (signature, witnesses, tiles, entries, the family's entries with their
proofs): exit 0; one located line and exit 1 after a byte is flipped in a tile, in an entry
bundle or in the checkpoint, or when the log does not extend a checkpoint seen earlier."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.linkage.services.kit import CHILD, ITEMS, JIMU, T0, Clock, fukuhon_bytes, services
from yakuba.cli import main
from yakuba.linkage.entries import format_view_key
from yakuba.linkage.query import make_query
from yakuba.linkage.tlog import Checkpoint, MerkleLog, sign_checkpoint


@pytest.fixture
def published(tmp_path: Path):
    s = services(tmp_path, Clock())
    at_a, at_b = s.hub.enrol("city-a", CHILD), s.hub.enrol("city-b", CHILD)
    local_id, data, _ = fukuhon_bytes()
    s.a.register(local_id, data, at_a.fugo)
    for n in range(3):  # other children's reads
        s.hub.append_read("city-a", s.hub.enrol("city-a", f"other-{n}").fugo, JIMU, ["height_cm"])
    token = make_query(s.b.institution, jimu_code=JIMU, items=ITEMS, fugo=at_b.fugo, provider_id="city-a", now=T0)
    s.hub.exchange(token, "city-b", lambda request: s.a.provide(request))
    earlier = tmp_path / "earlier.checkpoint"
    earlier.write_bytes(s.hub.checkpoint())
    forked = tmp_path / "forked.checkpoint"  # what a hub that rewrote entry 2 would have shown before
    rewritten = MerkleLog()
    for i in range(5):
        rewritten.append(s.hub.log.entry(i) if i != 2 else b"{}")
    forked.write_bytes(sign_checkpoint(Checkpoint(s.hub.origin, 5, rewritten.root()), s.hub.signer))
    s.hub.append_read("city-b", at_b.fugo, JIMU, ITEMS)
    for city in (s.a, s.b):
        s.hub.add_cosignature(city.id, city.witness(s.hub.checkpoint(), []))
    keys = {"log": s.hub.log_verifier.key_string(), "witnesses": [m["witness_key"] for m in
                                                                   (s.a.public_json(), s.b.public_json())],
            "view": format_view_key(at_b.view_key), "earlier": str(earlier), "forked": str(forked)}
    s.close()
    out = tmp_path / "published"
    assert main(["linkage", "log", "export", str(out), "--hub-data", str(tmp_path / "hub")]) == 0
    return out, keys


def _verify(folder: Path, keys: dict, *extra: str) -> list[str]:
    args = ["linkage", "verify", "--log", str(folder), "--log-key", keys["log"]]
    for witness in keys["witnesses"]:
        args += ["--witness", witness]
    return args + list(extra)


def test_it_works(published, capsys: pytest.CaptureFixture[str]):
    out, keys = published
    assert sorted(p.name for p in (out / "tile").iterdir()) == ["0", "entries"] and (out / "checkpoint").exists()
    capsys.readouterr()
    assert main(_verify(out, keys, "--view-key", keys["view"], "--checkpoint", keys["earlier"])) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith(f"ok: {out}: size 6,") and "cosigned by city-a.witness, city-b.witness" in printed[0]
    assert [line.split()[2] for line in printed[1:-1]] == ["query", "provide", "read"]
    assert all("inclusion proof ok" in line for line in printed[1:-1]) and "3 entries" in printed[-1]


@pytest.mark.parametrize("target", ["tile/0/000.p/6", "tile/entries/000.p/6", "checkpoint"])
def test_a_flipped_byte_fails_with_one_line(published, target: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]):
    out, keys = published
    for at in (0, 40, -2):
        copy = tmp_path / f"copy{at}"
        shutil.copytree(out, copy)
        data = bytearray((copy / target).read_bytes())
        data[at] ^= 0x01
        (copy / target).write_bytes(bytes(data))
        capsys.readouterr()
        assert main(_verify(copy, keys)) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("yakuba linkage: ") and "Traceback" not in err, err


def test_a_log_that_does_not_extend_an_earlier_checkpoint_fails(published, capsys: pytest.CaptureFixture[str]):
    out, keys = published
    capsys.readouterr()
    assert main(_verify(out, keys, "--checkpoint", keys["forked"])) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and keys["forked"] in err and "history rewritten" in err, err
    assert main(_verify(out, {**keys, "log": keys["witnesses"][0]})) == 1  # another key than the log's
    assert capsys.readouterr().err.count("\n") == 1
