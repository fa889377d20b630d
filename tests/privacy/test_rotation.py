"""Master key rotation: every wrapped key re-wrapped, the old key retired, crash-safe at each step."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from yakuba.privacy import keys as keys_module
from yakuba.privacy.envelope import new_data_key
from yakuba.privacy.keys import Keyring

Rewrap = Callable[[bytes, bytes], bytes]


class Table:
    """A stand-in for the database table of wrapped keys (synthetic object ids)."""

    def __init__(self, keyring: Keyring, n: int = 5) -> None:
        self.plain = {f"obj-{i}".encode(): new_data_key() for i in range(n)}
        self.rows = {ctx: keyring.wrap(k, ctx) for ctx, k in self.plain.items()}

    def rewrap(self, fn: Rewrap) -> int:
        staged = {ctx: fn(blob, ctx) for ctx, blob in self.rows.items()}
        self.rows = staged  # "commit"
        return len(staged)

    def all_open(self, keyring: Keyring) -> bool:
        return all(keyring.unwrap(blob, ctx) == self.plain[ctx] for ctx, blob in self.rows.items())


def test_it_rewraps_every_key_and_retires_the_old_one(keyring: Keyring) -> None:
    table = Table(keyring)
    old = keyring.current_key_id
    result = keyring.rotate(table.rewrap)
    assert result.old_key_id == old and result.new_key_id != old
    assert result.rewrapped == 5
    assert result.retired == (old,)
    assert keyring.current_key_id == result.new_key_id
    assert keyring.master_key_ids() == [result.new_key_id]
    assert all(blob[1:9].hex() == result.new_key_id for blob in table.rows.values())
    assert table.all_open(Keyring(keyring.directory))


def test_new_keys_are_wrapped_with_the_new_master_key(keyring: Keyring) -> None:
    result = keyring.rotate(lambda fn: 0)
    assert keyring.wrap(new_data_key(), b"x")[1:9].hex() == result.new_key_id


def test_a_failed_rewrap_changes_nothing_but_an_orphan_key(keyring: Keyring) -> None:
    table = Table(keyring)
    old = keyring.current_key_id

    def crash(fn: Rewrap) -> int:
        fn(*next(iter(table.rows.items()))[::-1])
        raise RuntimeError("database went away")  # the transaction rolled back

    with pytest.raises(RuntimeError):
        keyring.rotate(crash)
    reopened = Keyring(keyring.directory)
    assert reopened.current_key_id == old
    assert len(reopened.master_key_ids()) == 2  # old + unused new
    assert table.all_open(reopened)
    result = reopened.rotate(table.rewrap)  # the next rotation retires both
    assert reopened.master_key_ids() == [result.new_key_id]
    assert table.all_open(reopened)


def test_a_crash_before_the_pointer_switch_leaves_every_blob_open(
    keyring: Keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = Table(keyring)
    old = keyring.current_key_id

    def power_cut(path: Path, data: bytes, **kw: object) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(keys_module, "write_bytes_atomic", power_cut)
    with pytest.raises(OSError):
        keyring.rotate(table.rewrap)  # the rewrap "committed": rows name the new key
    monkeypatch.undo()
    reopened = Keyring(keyring.directory)
    assert reopened.current_key_id == old
    assert {blob[1:9].hex() for blob in table.rows.values()} != {old}
    assert table.all_open(reopened)
    reopened.rotate(table.rewrap)
    assert table.all_open(Keyring(keyring.directory))


def test_a_crash_before_retirement_leaves_every_blob_open(
    keyring: Keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = Table(keyring)

    def power_cut(path: Path) -> bool:
        raise OSError("power cut")

    monkeypatch.setattr(keys_module, "overwrite_and_unlink", power_cut)
    with pytest.raises(OSError):
        keyring.rotate(table.rewrap)
    monkeypatch.undo()
    reopened = Keyring(keyring.directory)
    assert len(reopened.master_key_ids()) == 2
    assert table.all_open(reopened)
    assert reopened.wrap(new_data_key(), b"x")[1:9].hex() == reopened.current_key_id


def test_another_process_follows_the_rotation(keyring: Keyring) -> None:
    other = Keyring(keyring.directory)  # opened before the rotation
    table = Table(keyring)
    result = keyring.rotate(table.rewrap)
    assert other.wrap(new_data_key(), b"x")[1:9].hex() == result.new_key_id
    assert table.all_open(other)
