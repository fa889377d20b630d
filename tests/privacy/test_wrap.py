"""Wrapping data keys with the master key: bound to a context, naming the master key."""

from __future__ import annotations

from pathlib import Path

import pytest

from yakuba.privacy.envelope import new_data_key
from yakuba.privacy.errors import DecryptionError
from yakuba.privacy.keys import WRAPPED_KEY_SIZE, Keyring


def test_it_round_trips(keyring: Keyring) -> None:
    data_key = new_data_key()
    blob = keyring.wrap(data_key, b"scan:0001")
    assert len(blob) == WRAPPED_KEY_SIZE
    assert data_key not in blob
    assert blob[1:9].hex() == keyring.current_key_id
    assert keyring.unwrap(blob, b"scan:0001") == data_key


def test_it_uses_a_fresh_nonce_each_time(keyring: Keyring) -> None:
    data_key = new_data_key()
    assert keyring.wrap(data_key, b"x") != keyring.wrap(data_key, b"x")


def test_it_refuses_another_context(keyring: Keyring) -> None:
    blob = keyring.wrap(new_data_key(), b"scan:0001")
    with pytest.raises(DecryptionError, match="データ鍵を復号できません"):
        keyring.unwrap(blob, b"scan:0002")


@pytest.mark.parametrize("position", [0, 5, 12, 30, WRAPPED_KEY_SIZE - 1])
def test_it_refuses_an_altered_blob(keyring: Keyring, position: int) -> None:
    blob = bytearray(keyring.wrap(new_data_key(), b"ctx"))
    blob[position] ^= 0x01
    with pytest.raises(DecryptionError):
        keyring.unwrap(bytes(blob), b"ctx")


def test_it_refuses_a_blob_from_another_installation(keyring: Keyring, tmp_path: Path) -> None:
    other = Keyring.open(tmp_path / "other")
    blob = other.wrap(new_data_key(), b"ctx")
    with pytest.raises(DecryptionError, match=other.current_key_id) as caught:
        keyring.unwrap(blob, b"ctx")
    assert "鍵束にありません" in caught.value.message


def test_it_refuses_a_short_blob(keyring: Keyring) -> None:
    with pytest.raises(DecryptionError, match="形式"):
        keyring.unwrap(b"\x01short", b"ctx")
