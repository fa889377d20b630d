"""Keyring backup: one passphrase-encrypted file; restore refuses to overwrite and wrong passphrases."""

from __future__ import annotations

from pathlib import Path

import pytest

from yakuba.privacy.envelope import new_data_key
from yakuba.privacy.errors import KeyringError
from yakuba.privacy.keys import Keyring

PASSPHRASE = "synthetic correct horse battery staple"


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory: pytest.TempPathFactory) -> tuple[Keyring, Path, bytes, bytes]:
    base = tmp_path_factory.mktemp("backup")
    keyring = Keyring.open(base / "keys")
    data_key = new_data_key()
    blob = keyring.wrap(data_key, b"obj-1")
    keyring.backup(base / "keys.backup.age", PASSPHRASE)  # scrypt: about a second, once
    return keyring, base / "keys.backup.age", blob, data_key


def test_it_round_trips(backed_up: tuple[Keyring, Path, bytes, bytes], tmp_path: Path) -> None:
    keyring, backup, blob, data_key = backed_up
    assert backup.read_bytes().startswith(b"age-encryption.org/v1\n-> scrypt")
    assert keyring.audit_key() not in backup.read_bytes()
    restored = Keyring.restore(backup, tmp_path / "restored", PASSPHRASE)
    assert restored.public_key_text() == keyring.public_key_text()
    assert restored.age_recipient() == keyring.age_recipient()
    assert restored.audit_key() == keyring.audit_key()
    assert restored.current_key_id == keyring.current_key_id
    assert restored.unwrap(blob, b"obj-1") == data_key
    assert sorted(p.name for p in (tmp_path / "restored").iterdir()) == sorted(
        p.name for p in keyring.directory.iterdir()
    )


def test_it_refuses_to_overwrite_an_existing_keyring(
    backed_up: tuple[Keyring, Path, bytes, bytes], tmp_path: Path
) -> None:
    _, backup, _, _ = backed_up
    existing = Keyring.open(tmp_path / "keys")
    before = existing.public_key_text()
    with pytest.raises(KeyringError, match="既に鍵束があります"):
        Keyring.restore(backup, tmp_path / "keys", PASSPHRASE)
    assert Keyring(tmp_path / "keys").public_key_text() == before


def test_it_overwrites_with_force_keeping_master_keys_not_in_the_backup(
    backed_up: tuple[Keyring, Path, bytes, bytes], tmp_path: Path
) -> None:
    keyring, backup, blob, data_key = backed_up
    existing = Keyring.open(tmp_path / "keys")
    own = existing.wrap(b"k" * 32, b"x")
    restored = Keyring.restore(backup, tmp_path / "keys", PASSPHRASE, force=True)
    assert restored.public_key_text() == keyring.public_key_text()
    assert restored.unwrap(blob, b"obj-1") == data_key
    assert restored.unwrap(own, b"x") == b"k" * 32


def test_it_refuses_a_wrong_passphrase_with_a_clear_message(
    backed_up: tuple[Keyring, Path, bytes, bytes], tmp_path: Path
) -> None:
    _, backup, _, _ = backed_up
    with pytest.raises(KeyringError, match="パスフレーズが違う") as caught:
        Keyring.restore(backup, tmp_path / "restored", "wrong passphrase")
    assert backup.name in caught.value.message
    assert not (tmp_path / "restored").exists()


def test_it_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    (tmp_path / "garbage").write_bytes(b"not an age file")
    with pytest.raises(KeyringError, match="バックアップ"):
        Keyring.restore(tmp_path / "garbage", tmp_path / "keys", PASSPHRASE)


def test_it_refuses_to_overwrite_a_backup_file(
    backed_up: tuple[Keyring, Path, bytes, bytes]
) -> None:
    keyring, backup, _, _ = backed_up
    with pytest.raises(KeyringError, match="既に存在します"):
        keyring.backup(backup, PASSPHRASE)
    with pytest.raises(KeyringError, match="パスフレーズが必要"):
        keyring.backup(backup.with_name("other"), "")
