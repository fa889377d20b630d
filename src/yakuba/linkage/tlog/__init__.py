"""The provision log (提供記録の透明性ログ) of the 情報連携 hub: RFC 9162 and C2SP, exactly. Pure: no Django.

Every 照会, 提供, refusal and staff read is appended to an append-only Merkle tree log whose
checkpoints are signed and can be cosigned by witnesses, and which is published as static files
that standard tlog clients and an independent verifier read (docs/linkage/log.md). Entries are
opaque bytes here (at most 65,535 each); their format is defined elsewhere.

Public API:

- hashing (RFC 9162 §2.1): `leaf_hash`, `node_hash`, `root_of`, `EMPTY_ROOT`, `HASH_SIZE`;
- proofs (§2.1.3, §2.1.4): `verify_inclusion`, `verify_consistency`, `root_from_inclusion`,
  `inclusion_path`, `consistency_path`;
- the tree: `MerkleLog` (= `Log`) over a `HashStore` — `MemoryHashStore` or the durable,
  crash-safe `FileHashStore`; `MAX_ENTRY_SIZE`;
- signed notes (c2sp.org/signed-note): `Signer`, `Verifier`, `sign_note`, `open_note`,
  `parse_note`, `key_id`, `ED25519`, `COSIGNATURE_V1`;
- checkpoints and cosignatures (c2sp.org/tlog-checkpoint, c2sp.org/tlog-cosignature):
  `Checkpoint`, `sign_checkpoint`, `cosign`, `add_cosignatures`, `verify_cosignature`,
  `open_checkpoint`, `SignedCheckpoint`, `EXAMPLE_ORIGIN`;
- tiles (c2sp.org/tlog-tiles): `tile_path`, `entries_path`, `parse_tile_path`, `TilePath`,
  `tiles_for_size`, `tile_bytes`, `entry_bundle`, `parse_bundle`, `export`, `TileReader`,
  `read_dir`.

Every failure is a `yakuba.linkage.errors.LogError` with a one-line message.
"""

from yakuba.linkage.tlog.checkpoint import (EXAMPLE_ORIGIN, Checkpoint, SignedCheckpoint, add_cosignatures, cosign,
                                            open_checkpoint, sign_checkpoint, verify_cosignature)
from yakuba.linkage.tlog.hashing import EMPTY_ROOT, HASH_SIZE, leaf_hash, node_hash, root_of
from yakuba.linkage.tlog.note import (COSIGNATURE_V1, ED25519, Note, NoteSignature, Signer, Verifier, key_id, open_note,
                                      parse_note, sign_note)
from yakuba.linkage.tlog.proofs import (consistency_path, inclusion_path, root_from_inclusion, verify_consistency,
                                        verify_inclusion)
from yakuba.linkage.tlog.tiles import (TILE_HEIGHT, TILE_WIDTH, TilePath, TileReader, entries_path, entry_bundle, export,
                                       parse_bundle, parse_tile_path, read_dir, tile_bytes, tile_path, tiles_for_size)
from yakuba.linkage.tlog.tree import MAX_ENTRY_SIZE, FileHashStore, HashStore, Log, MemoryHashStore, MerkleLog

__all__ = [
    "EMPTY_ROOT", "HASH_SIZE", "leaf_hash", "node_hash", "root_of",
    "verify_inclusion", "verify_consistency", "root_from_inclusion", "inclusion_path", "consistency_path",
    "MerkleLog", "Log", "HashStore", "MemoryHashStore", "FileHashStore", "MAX_ENTRY_SIZE",
    "Signer", "Verifier", "sign_note", "open_note", "parse_note", "Note", "NoteSignature", "key_id", "ED25519",
    "COSIGNATURE_V1",
    "Checkpoint", "SignedCheckpoint", "sign_checkpoint", "cosign", "add_cosignatures", "verify_cosignature",
    "open_checkpoint", "EXAMPLE_ORIGIN",
    "TILE_HEIGHT", "TILE_WIDTH", "TilePath", "tile_path", "entries_path", "parse_tile_path", "tiles_for_size",
    "tile_bytes", "entry_bundle", "parse_bundle", "export", "TileReader", "read_dir",
]
