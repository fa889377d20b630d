"""The static layout of c2sp.org/tlog-tiles: export a log as files, and verify a log from them alone.
Pure: no Django.

Under the folder (the URL prefix)::

    checkpoint                      the signed checkpoint (replaced whole, written last)
    tile/<L>/<N>                    a full tile: 256 hashes of 32 bytes (8,192 bytes)
    tile/<L>/<N>.p/<W>              a partial tile: its first W hashes, 1 ≤ W ≤ 255
    tile/entries/<N>[.p/<W>]        an entry bundle: the entries of level-0 tile N, each preceded
                                    by its length as a 2-byte big-endian integer

Hash ``i`` of tile ``N`` at level ``L`` is MTH(D[(N·256 + i)·256^L : (N·256 + i + 1)·256^L]), the
hash of a complete subtree of height 8·L: level 0 holds the leaf hashes. ``<N>`` is written in
groups of three digits, every group but the last prefixed with ``x`` (1234067 →
``x001/x234/067``). For a tree of size s the partial tile of level L has width ⌊s / 256^L⌋ mod 256
and is written only when that is not 0 (a tree of 256 entries: one full level-0 tile and the
level-1 tile ``tile/1/000.p/1``).

`export` writes the tiles and bundles needed for the signed checkpoint's size, then the
checkpoint; each file whole (a temporary file renamed over it, `yakuba.files`), never through a
symbolic link. Full and partial tiles never change: one already there is left alone if it holds
the same bytes and refused if not. `TileReader` (and `read_dir`, which also checks everything)
needs nothing but the files and the log's public key.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from yakuba.files import UnsafeOutput, write_bytes_atomic
from yakuba.linkage.tlog._common import check_count, fail
from yakuba.linkage.tlog.checkpoint import Checkpoint, SignedCheckpoint, open_checkpoint
from yakuba.linkage.tlog.hashing import EMPTY_ROOT, HASH_SIZE, largest_power_of_two_below, leaf_hash, node_hash
from yakuba.linkage.tlog.note import Verifier, parse_note
from yakuba.linkage.tlog.proofs import consistency_path, inclusion_path
from yakuba.linkage.tlog.tree import MAX_ENTRY_SIZE, MerkleLog

__all__ = ["TILE_HEIGHT", "TILE_WIDTH", "TilePath", "tile_path", "entries_path", "parse_tile_path", "tiles_for_size",
           "tile_bytes", "entry_bundle", "encode_bundle", "parse_bundle", "export", "TileReader", "read_dir"]

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
MAX_LEVEL = 63
_TILE_BYTES = TILE_WIDTH * HASH_SIZE
_GROUP = re.compile(r"x[0-9]{3}\Z")
_LAST = re.compile(r"[0-9]{3}\Z")
_LEVEL = re.compile(r"(0|[1-9][0-9]?)\Z")
_WIDTH = re.compile(r"[1-9][0-9]{0,2}\Z")


def _encode_index(index: int) -> str:
    check_count(index, "tile index")
    digits = str(index)
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i:i + 3] for i in range(0, len(digits), 3)]
    return "/".join([f"x{g}" for g in groups[:-1]] + [groups[-1]])


def _check_width(width: int | None) -> int:
    if width is None:
        return TILE_WIDTH
    if isinstance(width, bool) or not isinstance(width, int) or not 1 <= width <= TILE_WIDTH:
        raise fail("タイルの幅が 1 から 256 ではありません", f"tile width must be 1..256, not {width!r}")
    return width


@dataclass(frozen=True)
class TilePath:
    """One tile or entry bundle: ``level`` None for an entry bundle; ``width`` 256 when full."""

    level: int | None
    index: int
    width: int = TILE_WIDTH

    @property
    def is_partial(self) -> bool:
        return self.width < TILE_WIDTH

    @property
    def path(self) -> str:
        if self.level is None:
            return entries_path(self.index, self.width)
        return tile_path(self.level, self.index, self.width)

    def __str__(self) -> str:
        return self.path


def tile_path(level: int, index: int, width: int | None = None) -> str:
    """``tile/<L>/<N>`` or, for 1 ≤ width ≤ 255, ``tile/<L>/<N>.p/<W>``."""
    if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= MAX_LEVEL:
        raise fail("タイルのレベルが 0 から 63 ではありません", f"tile level must be 0..63, not {level!r}")
    width = _check_width(width)
    suffix = f".p/{width}" if width < TILE_WIDTH else ""
    return f"tile/{level}/{_encode_index(index)}{suffix}"


def entries_path(index: int, width: int | None = None) -> str:
    """``tile/entries/<N>`` or ``tile/entries/<N>.p/<W>``."""
    width = _check_width(width)
    suffix = f".p/{width}" if width < TILE_WIDTH else ""
    return f"tile/entries/{_encode_index(index)}{suffix}"


def parse_tile_path(path: str) -> TilePath:
    """The tile a path names; only the one canonical spelling of each tile is accepted."""
    where = f"tile path {path!r}"
    if not isinstance(path, str) or not path.startswith("tile/"):
        raise fail("タイルのパスが tile/ で始まっていません", "tile path must start with tile/", where)
    parts = path.split("/")[1:]
    if len(parts) < 2:
        raise fail("タイルのパスが短すぎます", "tile path needs a level and an index", where)
    head, rest = parts[0], parts[1:]
    if head == "entries":
        level: int | None = None
    elif _LEVEL.match(head) and int(head) <= MAX_LEVEL:
        level = int(head)
    else:
        raise fail("タイルのレベルが不正です", f"tile level {head!r} is not 0..63 or entries", where)
    width = TILE_WIDTH
    if len(rest) >= 2 and rest[-2].endswith(".p"):
        if not _WIDTH.match(rest[-1]) or int(rest[-1]) >= TILE_WIDTH:
            raise fail("部分タイルの幅が不正です", f"partial width {rest[-1]!r} is not 1..255", where)
        width = int(rest[-1])
        rest = rest[:-2] + [rest[-2][:-2]]
    if not rest or not _LAST.match(rest[-1]) or not all(_GROUP.match(g) for g in rest[:-1]):
        raise fail("タイルの番号が不正です", "tile index must be 3-digit groups, all but the last prefixed with x", where)
    index = int("".join(g.lstrip("x") for g in rest))
    tile = TilePath(level, index, width)
    if tile.path != path:  # e.g. x000/001 for 1: not the canonical spelling
        raise fail("タイルのパスが正規の形ではありません", f"tile path is not canonical (expected {tile.path})", where)
    if index > (1 << 64) - 1:
        raise fail("タイルの番号が大きすぎます", "tile index out of range", where)
    return tile


def tiles_for_size(size: int) -> list[TilePath]:
    """Every tile and entry bundle a tree of ``size`` entries is served as (full, then partial;
    level by level, then the bundles)."""
    check_count(size, "size")
    out: list[TilePath] = []
    level, count = 0, size
    while count:
        out.extend(TilePath(level, n) for n in range(count // TILE_WIDTH))
        if count % TILE_WIDTH:
            out.append(TilePath(level, count // TILE_WIDTH, count % TILE_WIDTH))
        level, count = level + 1, count // TILE_WIDTH
    out.extend(TilePath(None, n) for n in range(size // TILE_WIDTH))
    if size % TILE_WIDTH:
        out.append(TilePath(None, size // TILE_WIDTH, size % TILE_WIDTH))
    return out


def tile_bytes(log: MerkleLog, level: int, index: int, width: int | None = None) -> bytes:
    """The content of tile ``index`` of ``level``: ``width`` hashes of height-8·level subtrees."""
    width = _check_width(width)
    start = index * TILE_WIDTH
    return log.hashes(TILE_HEIGHT * level, start, start + width)


def encode_bundle(entries: Sequence[bytes]) -> bytes:
    """Entries, each preceded by its 2-byte big-endian length."""
    out = []
    for i, e in enumerate(entries):
        if len(e) > MAX_ENTRY_SIZE:
            raise fail("エントリが 65535 バイトを超えています", f"entry {i} has {len(e)} bytes", f"entry {i}")
        out.append(len(e).to_bytes(2, "big"))
        out.append(bytes(e))
    return b"".join(out)


def entry_bundle(log: MerkleLog, index: int, width: int | None = None) -> bytes:
    """The content of entry bundle ``index`` (``width`` entries)."""
    width = _check_width(width)
    start = index * TILE_WIDTH
    return encode_bundle([log.entry(i) for i in range(start, start + width)])


def parse_bundle(data: bytes, count: int, where: str = "entry bundle") -> list[bytes]:
    """The entries of a bundle that must hold exactly ``count`` of them."""
    out, pos = [], 0
    while pos < len(data):
        if pos + 2 > len(data):
            raise fail("エントリの長さが途中で切れています", "entry length prefix cut short", f"{where} byte {pos}")
        length = int.from_bytes(data[pos:pos + 2], "big")
        if pos + 2 + length > len(data):
            raise fail("エントリが途中で切れています", f"entry {len(out)} of {length} bytes runs past the end",
                       f"{where} byte {pos}")
        out.append(bytes(data[pos + 2:pos + 2 + length]))
        pos += 2 + length
    if len(out) != count:
        raise fail("エントリの数が違います", f"bundle holds {len(out)} entries, not {count}", where)
    return out


# --- writing ---------------------------------------------------------------------------------

def _real_dir(path: Path, where: str) -> None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        os.mkdir(path, 0o755)
        st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        raise fail("出力先にシンボリックリンクがあります", f"{where} is a symbolic link: refused", where)
    if not stat.S_ISDIR(st.st_mode):
        raise fail("出力先がフォルダではありません", f"{where} exists and is not a folder", where)


def _write_file(directory: Path, rel: str, data: bytes, *, immutable: bool) -> bool:
    parts = rel.split("/")
    here = directory
    for i, part in enumerate(parts[:-1]):
        here = here / part
        _real_dir(here, "/".join(parts[:i + 1]))
    target = directory / rel
    if immutable:
        try:
            st = os.lstat(target)
        except FileNotFoundError:
            st = None
        if st is not None:
            if not stat.S_ISREG(st.st_mode):
                raise fail("タイルが通常のファイルではありません", f"{rel} is a link or not a regular file: refused", rel)
            if target.read_bytes() == data:
                return False
            raise fail("既存のタイルの内容が違います (別のログのフォルダ?)",
                       f"{rel} already exists with other content: tiles never change", rel)
    try:
        write_bytes_atomic(target, data, mode=0o644)
    except UnsafeOutput as exc:
        raise fail("出力先がシンボリックリンクか特殊なファイルです", f"{rel}: {exc.message}", rel) from None
    return True


def export(log: MerkleLog, signed_checkpoint: bytes, directory: Path | str, *,
           log_key: Verifier | None = None) -> list[str]:
    """Write the tlog-tiles layout of ``log`` at the signed checkpoint's size into ``directory``;
    the paths written (tiles already there with the same content are not rewritten).

    The checkpoint must be the log's: its size at most the log's, its root the log's root at that
    size (and, given ``log_key``, signed by it). The checkpoint file is written last, so a client
    that reads it finds every tile it names.
    """
    if isinstance(signed_checkpoint, str):
        signed_checkpoint = signed_checkpoint.encode("utf-8")
    note = parse_note(signed_checkpoint)
    checkpoint = (open_checkpoint(signed_checkpoint, log_key).checkpoint if log_key is not None
                  else Checkpoint.parse(note.text))
    if checkpoint.size > log.size:
        raise fail("チェックポイントがログより大きいです",
                   f"checkpoint size {checkpoint.size} is beyond the log's size {log.size}", "checkpoint line 2")
    if log.root(checkpoint.size) != checkpoint.root_hash:
        raise fail("チェックポイントの根がログと一致しません",
                   f"checkpoint root is not the log's root at size {checkpoint.size}", "checkpoint line 3")
    directory = Path(directory)
    try:
        st = os.lstat(directory)
    except FileNotFoundError:
        directory.parent.mkdir(parents=True, exist_ok=True)
        os.mkdir(directory, 0o755)
        st = os.lstat(directory)
    if stat.S_ISLNK(st.st_mode):
        raise fail("出力先のフォルダがシンボリックリンクです", f"{directory} is a symbolic link: refused", str(directory))
    if not stat.S_ISDIR(st.st_mode):
        raise fail("出力先がフォルダではなくファイルです", f"{directory} exists and is not a folder", str(directory))
    written = []
    for tile in tiles_for_size(checkpoint.size):
        if tile.level is None:
            data = entry_bundle(log, tile.index, tile.width)
        else:
            data = tile_bytes(log, tile.level, tile.index, tile.width)
        if _write_file(directory, tile.path, data, immutable=True):
            written.append(tile.path)
    _write_file(directory, "checkpoint", bytes(signed_checkpoint), immutable=False)
    written.append("checkpoint")
    return written


# --- reading ---------------------------------------------------------------------------------

def _perfect_root(hashes: bytes) -> bytes:
    """MTH of 2^k hashes given back to back (a complete tree)."""
    while len(hashes) > HASH_SIZE:
        hashes = b"".join(node_hash(hashes[i:i + HASH_SIZE], hashes[i + HASH_SIZE:i + 2 * HASH_SIZE])
                          for i in range(0, len(hashes), 2 * HASH_SIZE))
    return hashes


class TileReader:
    """A log read from its tlog-tiles files: the checkpoint verified on opening; tiles, bundles,
    roots, entries and proofs read on demand (a tampered tile makes a proof fail to verify;
    :meth:`verify` checks every file against the checkpoint)."""

    def __init__(self, directory: Path | str, log_keys: Verifier | Sequence[Verifier], *,
                 witnesses: Sequence[Verifier] = (), quorum: int = 0, origin: str | None = None,
                 now: int | None = None) -> None:
        self.directory = Path(directory)
        data = self._read("checkpoint")
        if data is None:
            raise fail("チェックポイントのファイルがありません", f"no checkpoint file in {self.directory}", "checkpoint")
        self.signed: SignedCheckpoint = open_checkpoint(data, log_keys, witnesses=witnesses, quorum=quorum,
                                                        origin=origin, now=now)
        self.size = self.signed.size
        self.root_hash = self.signed.root_hash
        self._tiles: dict[tuple[int, int], bytes] = {}
        self._bundles: dict[int, list[bytes]] = {}

    def _read(self, rel: str) -> bytes | None:
        path = self.directory / rel
        try:
            st = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            return None
        if not stat.S_ISREG(st.st_mode):
            raise fail("タイルが通常のファイルではありません", f"{rel} is not a regular file", rel)
        if st.st_size > 16 * 1024 * 1024 + 1024:
            raise fail("ファイルが大きすぎます", f"{rel} is larger than any tile or bundle can be", rel)
        return path.read_bytes()

    def _width(self, level: int | None, index: int) -> int:
        count = self.size >> (TILE_HEIGHT * (level or 0))
        width = min(TILE_WIDTH, count - index * TILE_WIDTH)
        if width <= 0:
            raise fail("そのタイルはチェックポイントの大きさにありません",
                       f"tile {index} of level {level} is not part of a tree of size {self.size}")
        return width

    def _fetch(self, level: int | None, index: int, width: int) -> tuple[bytes, str]:
        tile = TilePath(level, index, width)
        data = self._read(tile.path)
        if data is not None:
            return data, tile.path
        if width < TILE_WIDTH:  # the partial tile may have been replaced by the full one
            full = TilePath(level, index)
            data = self._read(full.path)
            if data is not None:
                return data, full.path
        raise fail("タイルのファイルがありません", f"{tile.path} is missing", tile.path)

    def tile(self, level: int, index: int) -> bytes:
        """The hashes of tile ``index`` at ``level`` for the checkpoint's size (its width × 32 bytes)."""
        key = (level, index)
        if key not in self._tiles:
            width = self._width(level, index)
            data, path = self._fetch(level, index, width)
            expected = TILE_WIDTH if path != TilePath(level, index, width).path else width
            if len(data) != expected * HASH_SIZE:
                raise fail("タイルの長さが違います", f"{path} has {len(data)} bytes, not {expected * HASH_SIZE}", path)
            self._tiles[key] = data[:width * HASH_SIZE]
        return self._tiles[key]

    def bundle(self, index: int) -> list[bytes]:
        """The entries of bundle ``index`` (not yet checked against the tiles)."""
        if index not in self._bundles:
            width = self._width(None, index)
            data, path = self._fetch(None, index, width)
            expected = TILE_WIDTH if path != TilePath(None, index, width).path else width
            self._bundles[index] = parse_bundle(data, expected, path)[:width]
        return self._bundles[index]

    def _node(self, height: int, k: int) -> bytes:
        level, r = divmod(height, TILE_HEIGHT)
        first = k << r  # the first level-`level` tile hash under this node
        tile = self.tile(level, first // TILE_WIDTH)
        offset = (first % TILE_WIDTH) * HASH_SIZE
        return _perfect_root(tile[offset:offset + (HASH_SIZE << r)])

    def subtree_hash(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) from the tiles (for the aligned ranges roots and proofs need)."""
        n = end - start
        if n <= 0:
            return EMPTY_ROOT
        if n & (n - 1) == 0 and start % n == 0:
            height = n.bit_length() - 1
            return self._node(height, start >> height)
        k = largest_power_of_two_below(n)
        return node_hash(self.subtree_hash(start, start + k), self.subtree_hash(start + k, end))

    def root(self, size: int | None = None) -> bytes:
        """The root hash recomputed from the tiles (``size`` ≤ the checkpoint's; default: it)."""
        size = self._check_size(size)
        return self.subtree_hash(0, size)

    def _check_size(self, size: int | None) -> int:
        if size is None:
            return self.size
        check_count(size, "size")
        if size > self.size:
            raise fail("チェックポイントより大きい木です", f"size {size} is beyond the checkpoint's {self.size}")
        return size

    def leaf_hash_at(self, index: int) -> bytes:
        check_count(index, "index")
        if index >= self.size:
            raise fail("そのエントリはありません", f"no entry {index} in a tree of size {self.size}", f"entry {index}")
        tile = self.tile(0, index // TILE_WIDTH)
        offset = (index % TILE_WIDTH) * HASH_SIZE
        return tile[offset:offset + HASH_SIZE]

    def entry(self, index: int) -> bytes:
        """Entry ``index`` from its bundle, checked against its leaf hash in the level-0 tile."""
        expected = self.leaf_hash_at(index)
        entry = self.bundle(index // TILE_WIDTH)[index % TILE_WIDTH]
        if leaf_hash(entry) != expected:
            width = self._width(None, index // TILE_WIDTH)
            raise fail("エントリのハッシュがタイルと一致しません",
                       f"entry {index} does not hash to its leaf hash in the level-0 tile",
                       f"{entries_path(index // TILE_WIDTH, width)} entry {index % TILE_WIDTH}")
        return entry

    def entries(self) -> Iterator[bytes]:
        """Every entry in order, each checked against its leaf hash."""
        for i in range(self.size):
            yield self.entry(i)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """The inclusion proof of entry ``index`` in the tree of ``size``, from the tiles."""
        size = self._check_size(size)
        return inclusion_path(index, size, self.subtree_hash)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """The consistency proof between two sizes up to the checkpoint's, from the tiles."""
        new_size = self._check_size(new_size)
        return consistency_path(old_size, new_size, self.subtree_hash)

    def verify(self) -> None:
        """Check every file: each entry against its leaf hash, each tile hash of level L + 1
        against the level-L hashes it covers, and the root from the tiles against the checkpoint."""
        below = bytearray()
        for n in range(-(-self.size // TILE_WIDTH)):
            tile = self.tile(0, n)
            entries = self.bundle(n)
            for i, entry in enumerate(entries):
                if leaf_hash(entry) != tile[i * HASH_SIZE:(i + 1) * HASH_SIZE]:
                    path = entries_path(n, self._width(None, n))
                    raise fail("エントリのハッシュがタイルと一致しません",
                               f"entry {n * TILE_WIDTH + i} does not hash to its leaf hash in {tile_path(0, n, len(entries))}",
                               f"{path} entry {i}")
            below += tile
            self._bundles.pop(n, None)
        level = 0
        while len(below) >= _TILE_BYTES:
            level += 1
            computed = b"".join(_perfect_root(bytes(below[i:i + _TILE_BYTES]))
                                for i in range(0, len(below) - _TILE_BYTES + 1, _TILE_BYTES))
            stored = b"".join(self.tile(level, n) for n in range(-(-(len(computed) // HASH_SIZE) // TILE_WIDTH)))
            if stored != computed:
                bad = next(i for i in range(0, len(computed), HASH_SIZE)
                           if stored[i:i + HASH_SIZE] != computed[i:i + HASH_SIZE]) // HASH_SIZE
                n = bad // TILE_WIDTH
                path = tile_path(level, n, self._width(level, n))
                raise fail("タイルのハッシュが下のレベルと一致しません",
                           f"hash {bad % TILE_WIDTH} of {path} is not the hash of the tile below", path)
            below = bytearray(computed)
        if self.root() != self.root_hash:
            raise fail("タイルから計算した根がチェックポイントと一致しません",
                       f"the root computed from the tiles is not the checkpoint's (size {self.size})", "checkpoint")


def read_dir(directory: Path | str, verifiers: Verifier | Sequence[Verifier], *,
             witnesses: Sequence[Verifier] = (), quorum: int = 0, origin: str | None = None,
             now: int | None = None) -> TileReader:
    """Open a tlog-tiles folder with the log's key(s) and check all of it (`TileReader.verify`)."""
    reader = TileReader(directory, verifiers, witnesses=witnesses, quorum=quorum, origin=origin, now=now)
    reader.verify()
    return reader
