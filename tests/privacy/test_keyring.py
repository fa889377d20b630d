"""The keyring: created on first use outside the database, private, stable across openings."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyrage import x25519

from yakuba.privacy._common import public_key_text, short_id
from yakuba.privacy.errors import KeyringError
from yakuba.privacy.keys import Keyring, load_public_key


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_it_creates_every_key_on_first_use(tmp_path: Path) -> None:
    keyring = Keyring.open(tmp_path / "keys")
    names = sorted(os.listdir(tmp_path / "keys"))
    assert names == sorted(
        ["current", "signing.key", "age.key", "audit.key", f"master-{keyring.current_key_id}.key"]
    )
    assert isinstance(keyring.signing_key(), Ed25519PrivateKey)
    assert isinstance(keyring.age_identity(), x25519.Identity)
    assert keyring.age_recipient().startswith("age1")
    assert len(keyring.audit_key()) == 32
    assert len(keyring.current_key_id) == 16


def test_it_keeps_files_private(tmp_path: Path) -> None:
    Keyring.open(tmp_path / "keys")
    assert _mode(tmp_path / "keys") == 0o700
    for path in (tmp_path / "keys").iterdir():
        assert _mode(path) == 0o600, path.name


def test_it_names_a_master_key_by_the_hash_of_its_bytes(tmp_path: Path) -> None:
    keyring = Keyring.open(tmp_path / "keys")
    master = keyring._master(keyring.current_key_id)
    assert short_id(master) == keyring.current_key_id


def test_it_opens_the_same_keys_again(tmp_path: Path) -> None:
    first = Keyring.open(tmp_path / "keys")
    again = Keyring(tmp_path / "keys")
    assert again.public_key_text() == first.public_key_text()
    assert again.age_recipient() == first.age_recipient()
    assert again.audit_key() == first.audit_key()
    assert again.current_key_id == first.current_key_id


def test_it_writes_the_public_key_as_one_line_that_loads_back(tmp_path: Path) -> None:
    keyring = Keyring.open(tmp_path / "keys")
    text = keyring.public_key_text()
    assert text.startswith("ed25519:") and "\n" not in text
    signature = keyring.signing_key().sign(b"synthetic")
    load_public_key(text).verify(signature, b"synthetic")


@pytest.mark.parametrize("text", ["", "ed25519:", "ed25519:AAAA", "rsa:abc", "ed25519:!!!!"])
def test_it_refuses_a_malformed_public_key(text: str) -> None:
    with pytest.raises(KeyringError, match="公開鍵"):
        load_public_key(text)


def test_it_refuses_to_open_a_missing_keyring_without_create(tmp_path: Path) -> None:
    with pytest.raises(KeyringError, match="鍵束"):
        Keyring.open(tmp_path / "none", create=False)
    with pytest.raises(KeyringError):
        Keyring(tmp_path / "none")


def test_it_refuses_an_incomplete_keyring(tmp_path: Path) -> None:
    Keyring.open(tmp_path / "keys")
    (tmp_path / "keys" / "signing.key").unlink()
    with pytest.raises(KeyringError, match="signing.key") as caught:
        Keyring.open(tmp_path / "keys")
    assert caught.value.where == "signing.key"


def test_it_refuses_key_files_others_can_read(tmp_path: Path) -> None:
    Keyring.open(tmp_path / "keys")
    os.chmod(tmp_path / "keys" / "audit.key", 0o644)
    with pytest.raises(KeyringError, match="chmod 600"):
        Keyring(tmp_path / "keys")


def test_it_refuses_a_master_key_whose_bytes_do_not_match_its_id(tmp_path: Path) -> None:
    keyring = Keyring.open(tmp_path / "keys")
    path = tmp_path / "keys" / f"master-{keyring.current_key_id}.key"
    path.write_text("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=\n")
    with pytest.raises(KeyringError, match="鍵ID"):
        Keyring(tmp_path / "keys")


def test_it_finishes_a_creation_cut_short_keeping_what_was_written(tmp_path: Path) -> None:
    directory = tmp_path / "keys"
    directory.mkdir(mode=0o700)
    seed = Ed25519PrivateKey.generate()
    raw = seed.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    (directory / "signing.key").write_text(base64.b64encode(raw).decode() + "\n")
    os.chmod(directory / "signing.key", 0o600)
    keyring = Keyring.open(directory)  # 'current' was never written: creation resumes
    assert keyring.public_key_text() == public_key_text(seed.public_key())


def test_it_refuses_to_create_a_keyring_among_other_files(tmp_path: Path) -> None:
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "notes.txt").write_text("synthetic")
    with pytest.raises(KeyringError, match="notes.txt"):
        Keyring.open(tmp_path / "keys")


def test_two_openings_racing_end_with_the_same_keys(tmp_path: Path) -> None:
    directory = tmp_path / "keys"
    Keyring._create(directory)
    Keyring._create(directory)  # a second process creating at the same moment changes nothing
    a, b = Keyring(directory), Keyring(directory)
    assert a.public_key_text() == b.public_key_text()
    assert a.current_key_id == b.current_key_id
