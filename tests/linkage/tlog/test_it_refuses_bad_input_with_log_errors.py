"""Whatever bytes or text the parsers get, the only failure is a one-line LogError."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from yakuba.linkage.errors import LogError
from yakuba.linkage.tlog import (Checkpoint, MerkleLog, Signer, Verifier, open_note, parse_bundle, parse_note,
                                 parse_tile_path, sign_note, verify_consistency, verify_inclusion)

from .vectors import NOTE_TEXT, PETER_SIG, PETER_VKEY

PETER = Verifier.parse(PETER_VKEY)
NOTE = (NOTE_TEXT + "\n" + PETER_SIG).encode()


def refused_or_fine(call, *args) -> None:  # type: ignore[no-untyped-def]
    try:
        call(*args)
    except LogError as exc:
        assert "\n" not in str(exc) and "(" in str(exc)


def test_it_works() -> None:
    refused_or_fine(open_note, b"\xff", [PETER])
    refused_or_fine(Checkpoint.parse, "x")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.integers(0, len(NOTE)))
def test_notes_and_checkpoints(junk: bytes, at: int) -> None:
    for data in (junk, NOTE[:at] + junk + NOTE[at:], NOTE[:at]):
        refused_or_fine(open_note, data, [PETER])
        refused_or_fine(parse_note, data)
        refused_or_fine(Checkpoint.parse, data)
    refused_or_fine(parse_bundle, junk, 3)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_key_strings_and_tile_paths(text: str) -> None:
    refused_or_fine(Verifier.parse, text)
    refused_or_fine(Signer.parse, text)
    refused_or_fine(parse_tile_path, text)
    refused_or_fine(parse_tile_path, "tile/" + text)
    refused_or_fine(Verifier.parse, PETER_VKEY[:20] + text)
    refused_or_fine(sign_note, text, Signer.generate("k"))


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.integers(-3, 2**65), st.none(), st.booleans(), st.floats(), st.text(max_size=3)),
       st.lists(st.binary(min_size=0, max_size=40), max_size=4))
def test_proof_arguments(value: object, proof: list[bytes]) -> None:
    log = MerkleLog()
    log.append_many([b"a", b"b", b"c"])
    root = log.root()
    refused_or_fine(verify_inclusion, b"x" * 32, value, 3, proof, root)
    refused_or_fine(verify_inclusion, b"x" * 32, 0, value, proof, root)
    refused_or_fine(verify_consistency, value, 3, root, root, proof)
    refused_or_fine(verify_consistency, 1, value, root, root, proof)
    refused_or_fine(log.inclusion_proof, value)
    refused_or_fine(log.consistency_proof, value)
    refused_or_fine(log.root, value)
    refused_or_fine(log.entry, value)
    refused_or_fine(log.hashes, value, 0, 1)
