"""Checkpoints (c2sp.org/tlog-checkpoint) signed by the log and cosigned by witnesses (cosignature/v1)."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from yakuba.linkage.errors import LogError
from yakuba.linkage.tlog import (EXAMPLE_ORIGIN, Checkpoint, MerkleLog, Signer, add_cosignatures, cosign,
                                 open_checkpoint, parse_note, sign_checkpoint, verify_cosignature)
from yakuba.linkage.tlog.note import cosignature_message

from .vectors import CHECKPOINT_EXAMPLE, COSIGNATURE_EXAMPLE_TIME

LOG_KEY = Signer.generate(EXAMPLE_ORIGIN)
W1, W2, W3 = (Signer.generate(f"witness.example/w{i}") for i in (1, 2, 3))


def checkpoint(size: int = 10) -> Checkpoint:
    log = MerkleLog()
    log.append_many([b"query %d" % i for i in range(size)])
    return Checkpoint(EXAMPLE_ORIGIN, log.size, log.root())


def test_it_works() -> None:
    ck = checkpoint()
    note = add_cosignatures(sign_checkpoint(ck, LOG_KEY), [cosign(ck.body(), W1, 1_700_000_000)])
    opened = open_checkpoint(note, LOG_KEY.verifier(), witnesses=[W1.cosigner_verifier()], quorum=1)
    assert opened.checkpoint == ck and opened.cosignatures == {"witness.example/w1": 1_700_000_000}


def test_the_body_is_exactly_the_three_lines() -> None:
    ck = Checkpoint("example.com/behind-the-sofa", 20852163,
                    base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="))
    body = ck.body()
    assert body == b"example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    assert CHECKPOINT_EXAMPLE.encode().startswith(body + b"\n")
    assert Checkpoint.parse(parse_note(CHECKPOINT_EXAMPLE.encode()).text) == ck
    ext = Checkpoint(ck.origin, ck.size, ck.root_hash, ("extension one",))
    assert Checkpoint.parse(ext.body()) == ext
    assert Checkpoint.parse(Checkpoint("x", 0, bytes(32)).body()).size == 0


def test_the_spec_example_cosignature_has_the_specified_layout() -> None:
    sig = parse_note(CHECKPOINT_EXAMPLE.encode()).signatures[1]
    assert sig.name == "witness.example.com/w1" and len(sig.signature) == 8 + 64
    assert int.from_bytes(sig.signature[:8], "big") == COSIGNATURE_EXAMPLE_TIME
    assert cosignature_message(COSIGNATURE_EXAMPLE_TIME, b"example.com/behind-the-sofa\n20852163\nCsUY=\n") == (
        b"cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUY=\n")


def test_a_cosignature_is_key_id_timestamp_signature() -> None:
    ck = checkpoint()
    line = cosign(ck.body(), W1, 1234567890)
    assert line.startswith("\u2014 witness.example/w1 ") and line.endswith("\n")
    raw = base64.b64decode(line.split(" ")[2])
    assert raw[:4] == W1.cosigner_key_id != W1.key_id
    assert raw[4:12] == (1234567890).to_bytes(8, "big")
    Ed25519PublicKey.from_public_bytes(W1.public_key).verify(raw[12:], cosignature_message(1234567890, ck.body()))
    assert verify_cosignature(ck.body(), line, W1.verifier()) == 1234567890  # a 0x01 key string works too
    assert verify_cosignature(ck.body(), line, W1.cosigner_verifier()) == 1234567890
    with pytest.raises(LogError, match="not witness.example/w2"):
        verify_cosignature(ck.body(), line, W2.cosigner_verifier())
    with pytest.raises(LogError, match="does not verify"):
        verify_cosignature(checkpoint(11).body(), line, W1.cosigner_verifier())
    with pytest.raises(LogError):
        cosign(ck.body(), W1, -1)
    with pytest.raises(LogError):
        cosign(ck.body(), W1, 1 << 63)
    with pytest.raises(LogError):
        cosign(b"not a checkpoint\n", W1, 1)


def test_the_log_key_is_required_and_a_quorum_of_witnesses_can_be() -> None:
    ck = checkpoint()
    signed = sign_checkpoint(ck, LOG_KEY)
    note = add_cosignatures(signed, [cosign(ck.body(), W1, 100), cosign(ck.body(), W2, 200)])
    witnesses = [W1.cosigner_verifier(), W2.cosigner_verifier(), W3.cosigner_verifier()]
    assert open_checkpoint(note, LOG_KEY.verifier(), witnesses=witnesses, quorum=2).cosignatures == {
        "witness.example/w1": 100, "witness.example/w2": 200}
    with pytest.raises(LogError, match="2 of the required 3"):
        open_checkpoint(note, LOG_KEY.verifier(), witnesses=witnesses, quorum=3)
    with pytest.raises(LogError, match="not signed by the log key"):
        open_checkpoint(note, Signer.generate(EXAMPLE_ORIGIN).verifier(), witnesses=witnesses)
    only_witnesses = sign_checkpoint(ck, W1)  # a note signature by a witness is not the log's
    with pytest.raises(LogError, match="not signed by the log key"):
        open_checkpoint(only_witnesses, LOG_KEY.verifier())
    with pytest.raises(LogError, match="dated 200, after 150"):
        open_checkpoint(note, LOG_KEY.verifier(), witnesses=witnesses, quorum=1, now=150)
    with pytest.raises(LogError, match="origin"):
        open_checkpoint(note, LOG_KEY.verifier(), origin="other.example/log")
    with pytest.raises(LogError, match="quorum 4"):
        open_checkpoint(note, LOG_KEY.verifier(), witnesses=witnesses, quorum=4)
    # a witness's signature that does not verify refuses the checkpoint, even with the quorum met
    forged = add_cosignatures(note, [cosign(checkpoint(11).body(), W3, 300)])
    with pytest.raises(LogError, match="does not verify"):
        open_checkpoint(forged, LOG_KEY.verifier(), witnesses=witnesses, quorum=2)
    # an unknown witness is ignored
    assert open_checkpoint(add_cosignatures(note, [cosign(ck.body(), Signer.generate("w.example/x"), 5)]),
                           LOG_KEY.verifier(), witnesses=witnesses, quorum=2)


def test_malformed_checkpoints_name_their_line() -> None:
    good = checkpoint().body().decode()
    origin, size, root = good.splitlines()
    cases = {
        f"{origin}\n{size}\n": "checkpoint line 3",
        f"{origin}\n0{size}\n{root}\n": "checkpoint line 2",
        f"{origin}\n-1\n{root}\n": "checkpoint line 2",
        f"{origin}\n+1\n{root}\n": "checkpoint line 2",
        f"{origin}\n{size}\n{root[:-2]}\n": "checkpoint line 3",
        f"{origin}\n{size}\n{base64.b64encode(bytes(31)).decode()}\n": "checkpoint line 3",
        f"{origin}\n{size}\n{root}\n\n": "checkpoint line 4",
        f"{origin}\n{size}\n{root}": "checkpoint line 3",
        f"\n{size}\n{root}\n": "checkpoint line 1",
        f"{origin}\n18446744073709551616\n{root}\n": "checkpoint line 2",
    }
    for body, where in cases.items():
        with pytest.raises(LogError) as info:
            Checkpoint.parse(body)
        assert info.value.where == where, body
    with pytest.raises(LogError):
        Checkpoint("a\nb", 1, bytes(32))
    with pytest.raises(LogError):
        Checkpoint("a", -1, bytes(32))
