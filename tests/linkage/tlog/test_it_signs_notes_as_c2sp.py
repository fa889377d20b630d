"""Signed notes exactly as c2sp.org/signed-note and the Go reference (golang.org/x/mod/sumdb/note)."""

from __future__ import annotations

import base64
import hashlib

import pytest
from hypothesis import given, settings, strategies as st

from yakuba.linkage.errors import LogError
from yakuba.linkage.tlog import COSIGNATURE_V1, ED25519, Signer, Verifier, key_id, open_note, parse_note, sign_note

from .vectors import ENOCH_SIG, ENOCH_VKEY, NOTE_TEXT, PETER_SIG, PETER_SKEY, PETER_VKEY

PETER = Verifier.parse(PETER_VKEY)
ENOCH = Verifier.parse(ENOCH_VKEY)


def test_it_works() -> None:
    signer = Signer.generate("yakuba.example/linkage/hub")
    note = sign_note("hello\nworld\n", signer)
    assert open_note(note, [signer.verifier()]) == ("hello\nworld\n", ["yakuba.example/linkage/hub"])


def test_it_signs_the_go_reference_note_byte_for_byte() -> None:
    signer = Signer.parse(PETER_SKEY)
    assert signer.verifier().key_string() == PETER_VKEY
    assert signer.key_string() == PETER_SKEY
    assert sign_note(NOTE_TEXT, signer) == (NOTE_TEXT + "\n" + PETER_SIG).encode()  # Ed25519 is deterministic
    assert open_note((NOTE_TEXT + "\n" + PETER_SIG).encode(), [PETER]) == (NOTE_TEXT, ["PeterNeumann"])


def test_the_key_id_is_computed_as_specified() -> None:
    public = base64.b64decode(PETER_VKEY.split("+")[2])[1:]
    expected = hashlib.sha256(b"PeterNeumann\n\x01" + public).digest()[:4]
    assert expected.hex() == "c74f20a3" == key_id("PeterNeumann", ED25519, public).hex() == PETER.key_hash
    assert key_id("PeterNeumann", COSIGNATURE_V1, public) == hashlib.sha256(b"PeterNeumann\n\x04" + public).digest()[:4]
    assert ENOCH.key_hash == "af0cfe78"


def test_key_strings_round_trip() -> None:
    signer = Signer.generate("witness.example/ts1")
    assert Signer.parse(signer.key_string()).public_key == signer.public_key
    assert Verifier.parse(signer.verifier().key_string()) == signer.verifier()
    cosigner = signer.cosigner_verifier()
    assert Verifier.parse(cosigner.key_string()) == cosigner and cosigner.sig_type == COSIGNATURE_V1
    assert "PRIVATE" not in repr(signer)


def test_mangled_key_strings_are_refused() -> None:
    # as the Go tests do: every proper substring and every single-byte increment
    for key, parse in ((PETER_VKEY, Verifier.parse), (PETER_SKEY, Signer.parse)):
        b = key.encode()
        for i in range(len(b) + 1):
            for j in range(i + 1, len(b) + 1):
                if (i, j) != (0, len(b)):
                    with pytest.raises(LogError):
                        parse(b[i:j].decode())
        for i in range(len(b)):
            mangled = bytearray(b)
            mangled[i] += 1
            with pytest.raises(LogError):
                parse(mangled.decode("utf-8", "replace"))
    with pytest.raises(LogError):  # wrong key length, with an adjusted key ID
        Verifier.parse("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
    with pytest.raises(LogError):  # unknown algorithm, with an adjusted key ID
        Verifier.parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
    with pytest.raises(LogError):
        Verifier.parse("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
    with pytest.raises(LogError):
        Signer.generate("市役所\u3000ハブ")  # an ideographic space is a space


def test_unknown_keys_are_ignored_and_one_known_key_is_required() -> None:
    note = (NOTE_TEXT + "\n" + PETER_SIG + ENOCH_SIG).encode()
    assert open_note(note, [PETER]) == (NOTE_TEXT, ["PeterNeumann"])
    assert open_note(note, [PETER, ENOCH]) == (NOTE_TEXT, ["PeterNeumann", "EnochRoot"])
    with pytest.raises(LogError, match="no signature from a known key"):
        open_note(note, [])
    # same name, other key ID (or the reverse): not the known key, ignored
    other = Signer.generate("PeterNeumann")
    with pytest.raises(LogError, match="no signature from a known key"):
        open_note(note, [other.verifier()])
    assert open_note(note + sign_note(NOTE_TEXT, other).split(b"\n\n")[1], [PETER])[1] == ["PeterNeumann"]


def test_a_known_key_that_does_not_verify_refuses_the_note() -> None:
    bad = PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with pytest.raises(LogError, match="does not verify: key PeterNeumann\\+c74f20a3") as info:
        open_note((NOTE_TEXT + "\n" + bad).encode(), [PETER])
    assert info.value.where == "note line 4"
    with pytest.raises(LogError, match="does not verify"):  # even beside a good one
        open_note((NOTE_TEXT + "\n" + PETER_SIG + bad).encode(), [PETER])
    # an unknown key's bad signature is just ignored
    assert open_note((NOTE_TEXT + "\n" + PETER_SIG + ENOCH_SIG[:60] + "ABCD" + ENOCH_SIG[60:]).encode(), [PETER])


class _Colliding(Verifier):
    """Another public key whose key ID collides with EnochRoot's (2^32 work in real life)."""

    @property
    def key_id(self) -> bytes:
        return ENOCH.key_id


def test_two_verifiers_with_one_name_and_id_are_ambiguous() -> None:
    note = (NOTE_TEXT + "\n" + ENOCH_SIG).encode()
    assert open_note(note, [ENOCH, Verifier.parse(ENOCH_VKEY), PETER])[1] == ["EnochRoot"]  # one key twice: fine
    twin = _Colliding("EnochRoot", bytes(31) + b"\x01")
    with pytest.raises(LogError, match="ambiguous key EnochRoot\\+af0cfe78"):
        open_note(note, [ENOCH, twin])
    assert open_note((NOTE_TEXT + "\n" + PETER_SIG).encode(), [ENOCH, twin, PETER])[1] == ["PeterNeumann"]


def test_malformed_notes_are_refused_with_the_line() -> None:
    for bad in [NOTE_TEXT, NOTE_TEXT + "\n", NOTE_TEXT + "\n" + PETER_SIG[:-1], "\x01" + NOTE_TEXT + "\n" + PETER_SIG,
                NOTE_TEXT + "\n" + "\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvq"
                "fqdngotpRZb6KE6RyyBwJnAM=\n", NOTE_TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
                NOTE_TEXT + "\n" + "\u2014 PeterNeumann AAAA\n", NOTE_TEXT + "\n" + "-- PeterNeumann " + PETER_SIG[15:]]:
        with pytest.raises(LogError):
            open_note(bad.encode(), [PETER])
    with pytest.raises(LogError) as info:
        open_note(b"\xff" + (NOTE_TEXT + "\n" + PETER_SIG).encode(), [PETER])
    assert info.value.where == "note byte 0"
    with pytest.raises(LogError) as info:
        open_note((NOTE_TEXT + "\n" + PETER_SIG + "Unexpected line.\n").encode(), [PETER])
    assert info.value.where == "note line 5"
    with pytest.raises(LogError, match="at most 100"):
        open_note((NOTE_TEXT + "\n" + PETER_SIG * 101).encode(), [PETER])
    assert open_note((NOTE_TEXT + "\n" + PETER_SIG * 100).encode(), [PETER])[1] == ["PeterNeumann"]


def test_the_text_may_hold_blank_lines_and_is_split_at_the_last_one() -> None:
    signer = Signer.generate("quasimodo.example/salvatore")
    text = "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n"
    note = sign_note(text, signer)
    assert parse_note(note).text == text
    assert open_note(note, [signer.verifier()])[0] == text


def test_text_that_cannot_be_signed_is_refused() -> None:
    signer = Signer.generate("yakuba.example/linkage/hub")
    for text in ["", "no newline", "tab\there\n", "\x00\n", b"\xff\n"]:
        with pytest.raises(LogError):
            sign_note(text, signer)
    with pytest.raises(LogError):
        sign_note("ok\n", [])


SIGNED = (NOTE_TEXT + "\n" + PETER_SIG).encode()


@settings(max_examples=150, deadline=None)
@given(st.integers(0, len(SIGNED) - 1), st.integers(1, 255))
def test_any_changed_byte_is_refused(position: int, xor: int) -> None:
    changed = bytearray(SIGNED)
    changed[position] ^= xor
    with pytest.raises(LogError):
        open_note(bytes(changed), [PETER])


def test_every_single_bit_flip_is_refused() -> None:
    for position in range(len(SIGNED)):
        for bit in range(8):
            changed = bytearray(SIGNED)
            changed[position] ^= 1 << bit
            with pytest.raises(LogError):
                open_note(bytes(changed), [PETER])
