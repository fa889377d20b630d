"""The static tlog-tiles layout: paths, the exported folder, and verifying a log from its files alone."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from yakuba.linkage.errors import LogError
from yakuba.linkage.tlog import (EXAMPLE_ORIGIN, Checkpoint, MerkleLog, Signer, TilePath, TileReader, add_cosignatures,
                                 cosign, entries_path, export, leaf_hash, parse_bundle, parse_tile_path, read_dir,
                                 root_of, sign_checkpoint, tile_bytes, tile_path, tiles_for_size, verify_consistency,
                                 verify_inclusion)

KEY = Signer.generate(EXAMPLE_ORIGIN)


def make_log(size: int) -> MerkleLog:
    log = MerkleLog()
    log.append_many([b"provision %d " % i + b"." * (i % 70) for i in range(size)])
    return log


def signed(log: MerkleLog, size: int | None = None) -> bytes:
    size = log.size if size is None else size
    return sign_checkpoint(Checkpoint(EXAMPLE_ORIGIN, size, log.root(size)), KEY)


def files(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file())


def test_it_works(tmp_path: Path) -> None:
    log = make_log(300)
    export(log, signed(log), tmp_path / "out")
    reader = read_dir(tmp_path / "out", KEY.verifier())
    assert reader.size == 300 and list(reader.entries()) == [log.entry(i) for i in range(300)]
    verify_inclusion(leaf_hash(reader.entry(299)), 299, 300, reader.inclusion_proof(299), reader.root_hash)


def test_tile_paths() -> None:
    assert tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert tile_path(0, 0) == "tile/0/000"
    assert tile_path(3, 1000) == "tile/3/x001/000"
    assert tile_path(1, 7, 17) == "tile/1/007.p/17"
    assert tile_path(1, 7, 256) == tile_path(1, 7) == "tile/1/007"
    assert entries_path(1234067, 1) == "tile/entries/x001/x234/067.p/1"
    assert entries_path(12) == "tile/entries/012"
    assert tile_path(63, 2**56 - 1) == "tile/63/x072/x057/x594/x037/x927/935"
    for bad in [(64, 0), (-1, 0), (0, -1), (0, 0, 0), (0, 0, 257)]:
        with pytest.raises(LogError):
            tile_path(*bad)
    assert parse_tile_path("tile/0/x001/x234/067") == TilePath(0, 1234067)
    assert parse_tile_path("tile/entries/x001/x234/067.p/255") == TilePath(None, 1234067, 255)
    assert parse_tile_path("tile/2/000.p/1").is_partial
    for bad in ["tile/0/1234067", "tile/0/x000/067", "tile/0/001/234", "tile/00/000", "tile/64/000",
                "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/01", "tile/0/000.p", "tiles/0/000",
                "tile/0/x1/000", "tile/entries/x01/000", "tile/0/000/", "tile/e/000", "tile/0/00a"]:
        with pytest.raises(LogError):
            parse_tile_path(bad)


def test_the_tiles_of_a_size_are_the_specs() -> None:
    # "a tree of size 70,000 will be represented by 273 full level 0 tiles, one partial level 0 tile
    # of width 112, one full level 1 tile, one partial level 1 tile of width 17, and one partial
    # level 2 tile of width 1" (c2sp.org/tlog-tiles)
    tiles = [t for t in tiles_for_size(70000) if t.level is not None]
    assert sum(1 for t in tiles if t.level == 0 and not t.is_partial) == 273
    assert [t.path for t in tiles if t.is_partial] == ["tile/0/273.p/112", "tile/1/001.p/17", "tile/2/000.p/1"]
    assert [t.path for t in tiles if t.level == 1] == ["tile/1/000", "tile/1/001.p/17"]
    bundles = [t for t in tiles_for_size(70000) if t.level is None]
    assert len(bundles) == 274 and bundles[-1].path == "tile/entries/273.p/112"
    # "a tree of size 256 will be represented by a full level 0 tile and a partial level 1 tile of width 1"
    assert [t.path for t in tiles_for_size(256)] == ["tile/0/000", "tile/1/000.p/1", "tile/entries/000"]
    assert tiles_for_size(0) == []


def test_tile_hashes_are_subtrees_of_height_8_times_the_level() -> None:
    log = make_log(70000)
    leaves = [log.leaf_hash_at(i) for i in range(70000)]
    level1 = tile_bytes(log, 1, 1, 17)
    for i in range(17):
        start = (256 + i) * 256
        assert level1[32 * i:32 * i + 32] == root_of(leaves[start:start + 256])
    assert tile_bytes(log, 2, 0, 1) == root_of(leaves[:65536])
    assert tile_bytes(log, 0, 273, 112) == b"".join(leaves[273 * 256:])


def test_the_exported_folder(tmp_path: Path) -> None:
    log = make_log(600)
    out = tmp_path / "out"
    written = export(log, signed(log), out)
    assert files(out) == sorted(["checkpoint", "tile/0/000", "tile/0/001", "tile/0/002.p/88", "tile/1/000.p/2",
                                 "tile/entries/000", "tile/entries/001", "tile/entries/002.p/88"])
    assert written[-1] == "checkpoint"
    assert (out / "tile/0/000").stat().st_size == 8192 and (out / "tile/0/002.p/88").stat().st_size == 88 * 32
    bundle = (out / "tile/entries/002.p/88").read_bytes()
    assert bundle[:2] == len(log.entry(512)).to_bytes(2, "big") and bundle[2:2 + len(log.entry(512))] == log.entry(512)
    assert parse_bundle(bundle, 88) == [log.entry(i) for i in range(512, 600)]
    assert (out / "checkpoint").read_bytes() == signed(log)
    # the log grows: full tiles stay, new partials appear beside the old ones
    log.append_many([b"more %d" % i for i in range(200)])
    written = export(log, signed(log), out)
    assert "tile/0/000" not in written and "tile/0/002" in written and "tile/0/003.p/32" in written
    assert (out / "tile/0/002.p/88").exists()  # still served for clients of the older checkpoint
    assert read_dir(out, KEY.verifier()).size == 800
    # an old checkpoint's size can still be read from the same folder
    assert TileReader(out, KEY.verifier()).root(600) == log.root(600)


def test_read_dir_detects_a_flipped_byte_in_any_file(tmp_path: Path) -> None:
    log = make_log(600)
    ck = Checkpoint(EXAMPLE_ORIGIN, 600, log.root())
    witness = Signer.generate("witness.example/w1")
    note = add_cosignatures(signed(log), [cosign(ck.body(), witness, 1_700_000_000)])
    out = tmp_path / "out"
    export(log, note, out)
    read_dir(out, KEY.verifier(), witnesses=[witness.cosigner_verifier()], quorum=1)
    rng = random.Random(7)
    for rel in files(out):
        path = out / rel
        original = path.read_bytes()
        positions = range(len(original)) if rel == "checkpoint" else rng.sample(range(len(original)), 40)
        for pos in positions:
            changed = bytearray(original)
            changed[pos] ^= 1 << rng.randrange(8)
            path.write_bytes(bytes(changed))
            with pytest.raises(LogError):
                read_dir(out, KEY.verifier(), witnesses=[witness.cosigner_verifier()], quorum=1)
        path.write_bytes(original)
    read_dir(out, KEY.verifier())


def test_errors_name_the_tile(tmp_path: Path) -> None:
    log = make_log(600)
    out = tmp_path / "out"
    export(log, signed(log), out)
    tile = out / "tile/1/000.p/2"
    data = tile.read_bytes()
    tile.write_bytes(data[:32] + bytes([data[32] ^ 1]) + data[33:])
    with pytest.raises(LogError) as info:
        read_dir(out, KEY.verifier())
    assert info.value.where == "tile/1/000.p/2"
    tile.write_bytes(data[:-1])
    with pytest.raises(LogError, match="63 bytes, not 64") as info:
        read_dir(out, KEY.verifier())
    tile.write_bytes(data)
    bundle = out / "tile/entries/001"
    data = bundle.read_bytes()
    bundle.write_bytes(data[:10] + bytes([data[10] ^ 1]) + data[11:])
    with pytest.raises(LogError) as info:
        read_dir(out, KEY.verifier())
    assert info.value.where == "tile/entries/001 entry 0"
    bundle.write_bytes(data + b"\x00")
    with pytest.raises(LogError) as info:
        read_dir(out, KEY.verifier())
    assert info.value.where == f"tile/entries/001 byte {len(data)}"
    bundle.unlink()
    with pytest.raises(LogError, match="tile/entries/001 is missing"):
        read_dir(out, KEY.verifier())


def test_a_verifier_needs_only_the_files_and_the_public_key(tmp_path: Path) -> None:
    log = make_log(1000)
    export(log, signed(log, 700), tmp_path / "out")
    reader = TileReader(tmp_path / "out", KEY.verifier())  # nothing read but the checkpoint yet
    assert reader.root() == log.root(700)
    for index in (0, 255, 256, 511, 699):
        proof = reader.inclusion_proof(index)
        assert proof == log.inclusion_proof(index, 700)
        verify_inclusion(leaf_hash(reader.entry(index)), index, 700, proof, reader.root_hash)
    for old in (1, 256, 300, 699):
        assert reader.consistency_proof(old) == log.consistency_proof(old, 700)
        verify_consistency(old, 700, log.root(old), reader.root_hash, reader.consistency_proof(old))
    with pytest.raises(LogError):
        reader.entry(700)
    with pytest.raises(LogError):
        TileReader(tmp_path / "out", Signer.generate(EXAMPLE_ORIGIN).verifier())
    # a client with a partial tile gone falls back to the full tile once it exists
    export(log, signed(log), tmp_path / "out")
    (tmp_path / "out/tile/0/002.p/188").unlink()
    (tmp_path / "out/tile/entries/002.p/188").unlink()
    assert read_dir(tmp_path / "out", KEY.verifier()).size == 1000
    os.replace(tmp_path / "out/checkpoint", tmp_path / "new-checkpoint")
    (tmp_path / "out/checkpoint").write_bytes(signed(log, 700))
    old = read_dir(tmp_path / "out", KEY.verifier())
    assert old.size == 700 and old.entry(699) == log.entry(699)


def test_export_refuses_what_it_must(tmp_path: Path) -> None:
    log = make_log(300)
    (tmp_path / "file").write_bytes(b"x")
    with pytest.raises(LogError, match="not a folder"):
        export(log, signed(log), tmp_path / "file")
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(LogError, match="symbolic link"):
        export(log, signed(log), tmp_path / "link")
    out = tmp_path / "out"
    (out / "tile").mkdir(parents=True)
    (out / "tile/0").symlink_to(tmp_path / "real")
    with pytest.raises(LogError, match="symbolic link"):
        export(log, signed(log), out)
    assert list((tmp_path / "real").iterdir()) == []
    (out / "tile/0").unlink()
    (out / "tile/0").mkdir()
    (tmp_path / "victim").write_bytes(b"keep")
    (out / "checkpoint").symlink_to(tmp_path / "victim")
    with pytest.raises(LogError, match="checkpoint"):
        export(log, signed(log), out)
    assert (tmp_path / "victim").read_bytes() == b"keep"
    (out / "checkpoint").unlink()
    other = MerkleLog()
    other.append_many([b"another log %d" % i for i in range(301)])
    with pytest.raises(LogError, match="not the log's root"):
        export(log, sign_checkpoint(Checkpoint(EXAMPLE_ORIGIN, 300, other.root(300)), KEY), out)
    with pytest.raises(LogError, match="beyond"):
        export(log, signed(other), out)
    export(log, signed(log), out, log_key=KEY.verifier())
    with pytest.raises(LogError, match="other content"):  # another log's tiles are never overwritten
        export(other, signed(other), out)
    with pytest.raises(LogError):
        export(log, signed(log), tmp_path / "elsewhere", log_key=Signer.generate(EXAMPLE_ORIGIN).verifier())


def test_an_empty_log_exports_just_its_checkpoint(tmp_path: Path) -> None:
    log = MerkleLog()
    export(log, signed(log), tmp_path / "out")
    assert files(tmp_path / "out") == ["checkpoint"]
    assert read_dir(tmp_path / "out", KEY.verifier()).root() == log.root()
