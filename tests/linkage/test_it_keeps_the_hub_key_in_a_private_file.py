"""The hub's key is a file of its own: mode 0600, never written or read through a symbolic link,
never replaced (a new key would change every 符号), never read when others may read it."""

from __future__ import annotations

import os
import stat

import pytest

from yakuba.errors import YakubaError
from yakuba.linkage.errors import LinkageError
from yakuba.linkage.pseudonym import HubKey, issue_fugo


def test_it_works(tmp_path):
    key = HubKey.generate()
    path = tmp_path / "hub.key"
    key.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = HubKey.load(path)
    assert loaded == key
    assert issue_fugo(loaded, "city-a", "p") == issue_fugo(key, "city-a", "p")


def test_it_keeps_the_secret_out_of_repr():
    key = HubKey.generate()
    assert key.secret.hex() not in repr(key) and str(key.secret) not in repr(key)


def test_it_never_replaces_a_key(tmp_path):
    path = tmp_path / "hub.key"
    HubKey.generate().save(path)
    before = path.read_bytes()
    with pytest.raises(LinkageError, match="既にあります"):
        HubKey.generate().save(path)
    assert path.read_bytes() == before


def test_it_never_writes_through_a_link(tmp_path):
    target = tmp_path / "elsewhere"
    (tmp_path / "hub.key").symlink_to(target)
    with pytest.raises(YakubaError):
        HubKey.generate().save(tmp_path / "hub.key")
    assert not target.exists()


def test_it_never_reads_through_a_link(tmp_path):
    real = tmp_path / "real.key"
    HubKey.generate().save(real)
    (tmp_path / "hub.key").symlink_to(real)
    with pytest.raises(LinkageError, match="開けません"):
        HubKey.load(tmp_path / "hub.key")


def test_it_refuses_a_key_others_may_read(tmp_path):
    path = tmp_path / "hub.key"
    HubKey.generate().save(path)
    os.chmod(path, 0o644)
    with pytest.raises(LinkageError, match="0600"):
        HubKey.load(path)


@pytest.mark.parametrize("text", [b"", b"yakuba-linkage-hub-key/1\n", b"yakuba-linkage-hub-key/1\nAAAA\n",
                                  b"other/1\n" + b"A" * 43 + b"=\n", b"\xff\xfe"])
def test_it_refuses_a_file_that_is_not_a_key(tmp_path, text):
    path = tmp_path / "hub.key"
    path.write_bytes(text)
    os.chmod(path, 0o600)
    with pytest.raises(LinkageError) as caught:
        HubKey.load(path)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)
