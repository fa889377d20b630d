"""No command line and no file makes `yakuba linkage` (hub init, intermediate init/connect, log export,
verify) crash (exit 70 or a traceback): random options and words, registries, keys, checkpoints and tile
folders that are not, a hub URL that is not there. (`serve` is tested in tests/linkage/services: it serves.)"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.badinput.helpers import yakuba

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ACTIONS = [["hub", "init"], ["intermediate", "init"], ["intermediate", "connect"], ["log", "export"], ["verify"]]
OPTION_WORDS = ["--data", "--registry", "--origin", "--allowlist", "--id", "--kind", "--name", "--tls-cn", "--url",
                "--hub-log-key", "--hub-data", "--log", "--log-key", "--witness", "--view-key", "--checkpoint",
                "--cert", "--key", "--ca", "IN/registry.json", "IN/file", "IN/tiles", "OUT", "OUT/data",
                "https://127.0.0.1:1", "http://x", "", "city-a", "市町村", "a+1234abcd+AAAA", "0", "-1"]
WORD = st.one_of(st.sampled_from(OPTION_WORDS), st.text(max_size=10))


@SETTINGS
@given(action=st.sampled_from(ACTIONS), argv=st.lists(WORD, max_size=10), content=st.one_of(
    st.binary(max_size=200), st.just(b'{"institutions": [{"id": "x"}]}'),
    st.just(b"yakuba.example/linkage/hub\n1\nAAAA\n\n\xe2\x80\x94 x abc\n")))
def test_it_works(action: list[str], argv: list[str], content: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "IN" / "tiles" / "tile").mkdir(parents=True)
        (base / "OUT").mkdir()
        for name in ("registry.json", "file", "tiles/checkpoint"):
            (base / "IN" / name).write_bytes(content)
        words = [str(base / w) if w.startswith(("IN", "OUT")) else w for w in argv]
        with contextlib.chdir(base):  # a relative folder lands here, never in the checkout
            ran = yakuba("linkage", *action, *words)
        assert not ran.crashed, ran.err
        assert not any(Path(".").glob("*.key")), "a key was written into the current folder"


@SETTINGS
@given(flip=st.integers(0, 10_000))
def test_a_damaged_exported_log_is_one_line(flip: int, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    """A real exported log with one bit flipped anywhere in any of its files: verify says one line and exits 1."""
    folder = _exported(tmp_path_factory)
    files = sorted(p for p in folder["dir"].rglob("*") if p.is_file())
    with tempfile.TemporaryDirectory() as tmp:
        import shutil

        copy = Path(tmp) / "log"
        shutil.copytree(folder["dir"], copy)
        target = copy / files[flip % len(files)].relative_to(folder["dir"])
        data = bytearray(target.read_bytes())
        data[flip % len(data)] ^= 0x01
        target.write_bytes(bytes(data))
        ran = yakuba("linkage", "verify", "--log", str(copy), "--log-key", folder["vkey"])
        assert not ran.crashed, ran.err
        assert ran.code == 1 and len(ran.err.strip().splitlines()) == 1, ran.err


_CACHE: dict[str, object] = {}


def _exported(tmp_path_factory):  # type: ignore[no-untyped-def]
    """A log of a few entries exported once for the module (made with the tlog core, as the hub does)."""
    if not _CACHE:
        from yakuba.linkage.tlog import Checkpoint, MerkleLog, Signer, export, sign_checkpoint

        base = tmp_path_factory.mktemp("linkage-log")
        log = MerkleLog()
        log.append_many([b'{"entry":%d}' % i for i in range(300)])
        signer = Signer.generate("yakuba.example/linkage/hub")
        checkpoint = Checkpoint("yakuba.example/linkage/hub", len(log), log.root())
        export(log, sign_checkpoint(checkpoint, signer), base / "log")
        _CACHE.update({"dir": base / "log", "vkey": signer.verifier().key_string()})
    return _CACHE
