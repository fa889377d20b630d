"""The provision log's entries (提供記録): one canonical JSON object per 照会, 提供, refusal or staff read.
Pure: no Django.

The hub appends every decision to its Merkle tree log (`yakuba.linkage.tlog`), which is published
as static tiles for anyone to check. An entry therefore holds **no personal data**: institution ids,
the 事務 code, item codes, the time, a reason code — never a 符号, a 個人番号, a name or a value.

A family still finds its own entries: each entry carries a random `salt` and, for each institution
involved that knows the child, one `subjects` tag::

    view_secret = HMAC-SHA256(hub key, "yakuba-linkage/view-secret/1")
    view_key    = HMAC-SHA256(view_secret, lp("yakuba-linkage/view/1") ‖ lp(institution id) ‖ lp(its 符号))
    tag         = base64url(HMAC-SHA256(view_key, salt)), no padding

(`lp`: a 4-byte big-endian length, then the bytes.) The hub, which holds the key and every 符号,
computes every institution's view_key; it gives a city the view_key of each resident it enrols, and
the city gives it to the family (printed on their letter). With the salt random per entry, two tags
of one child in two entries are unrelated strings to anyone without the view_key; with it, `find`
recomputes each entry's tag and names the family's entries. The tags are sorted, so their order
says nothing about who asked and who provided.

Canonical form (what is hashed into the log): sorted keys, no spaces, UTF-8, integers only, at
most 65,535 bytes (the tile bundles' 2-byte length). `parse_entry` refuses anything else — an
unknown or missing field, a wrong type, a non-canonical encoding — with one located `LogError`.
Format: docs/linkage/entries.md.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any, Iterable

from yakuba.linkage.errors import LinkageError, LogError
from yakuba.linkage.pseudonym import INSTITUTION_PATTERN, HubKey, is_fugo, length_prefixed
from yakuba.linkage.tlog import MAX_ENTRY_SIZE, leaf_hash

__all__ = ["VERSION", "TYPES", "Entry", "make_entry", "parse_entry", "encode_entry", "view_secret", "view_key",
           "tag_for", "find", "leaf_of", "format_view_key", "parse_view_key", "SALT_BYTES", "Found", "read_entries"]

VERSION = 1
TYPES = ("query", "provide", "refuse", "read")
SALT_BYTES = 16
MAX_SUBJECTS = 8
VIEW_SECRET_DOMAIN = b"yakuba-linkage/view-secret/1"
VIEW_DOMAIN = b"yakuba-linkage/view/1"
_B64 = re.compile(r"^[A-Za-z0-9_-]+$")
_CODE = re.compile(r"^[a-z0-9][a-z0-9.-]{0,63}$")
_ITEM = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_REF = re.compile(r"^[A-Za-z0-9_-]{43}$")
_VIEW_KEY = re.compile(r"^[A-Z2-7]{52}$")
_MAX_TIME = 2**53 - 1

# Which fields each type carries: (required, optional), beyond v, type, time, salt, subjects.
_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "query": (frozenset({"jimu", "requester", "provider", "items", "ref"}), frozenset({"allowlist"})),
    "provide": (frozenset({"jimu", "requester", "provider", "items", "ref"}), frozenset()),
    "refuse": (frozenset({"requester", "reason"}), frozenset({"jimu", "provider", "items", "ref", "allowlist"})),
    "read": (frozenset({"jimu", "requester", "provider", "items"}), frozenset()),
}
_COMMON = frozenset({"v", "type", "time", "salt", "subjects"})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes | None:
    if not isinstance(text, str) or not _B64.match(text):
        return None
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
    return data if _b64(data) == text else None


def _bad(where: str, ja: str, en: str) -> LogError:
    return LogError(f"提供記録のエントリが不正です: {ja} (invalid log entry: {en})", where=where)


# --- view keys and tags ----------------------------------------------------------------------------

def view_secret(hub_key: HubKey) -> bytes:
    """The hub's secret for view keys, derived from its key (never stored, never shown)."""
    return hmac.new(hub_key.secret, VIEW_SECRET_DOMAIN, hashlib.sha256).digest()


def view_key(secret: bytes, institution_id: str, fugo: str) -> bytes:
    """The view key of the person that `institution_id` knows as `fugo` (32 bytes)."""
    if not isinstance(institution_id, str) or not INSTITUTION_PATTERN.match(institution_id) or not is_fugo(fugo):
        raise LinkageError("閲覧用の鍵を作れません: 機関の識別子か符号が不正です (bad institution id or 符号)")
    return hmac.new(secret, length_prefixed(VIEW_DOMAIN, institution_id.encode("ascii"), fugo.encode("ascii")),
                    hashlib.sha256).digest()


def tag_for(key: bytes, salt: bytes) -> str:
    """base64url(HMAC-SHA256(view key, salt)), no padding: 43 characters."""
    return _b64(hmac.new(key, salt, hashlib.sha256).digest())


def format_view_key(key: bytes) -> str:
    """A view key as printed for a family: 52 characters of base32 (A–Z, 2–7), no padding."""
    if not isinstance(key, bytes) or len(key) != 32:
        raise LinkageError("閲覧用の鍵は 32 バイトです (a view key is 32 bytes)")
    return base64.b32encode(key).decode("ascii").rstrip("=")


def parse_view_key(text: str) -> bytes:
    """A view key as typed: base32, case, spaces and hyphens ignored; else `LinkageError`."""
    cleaned = re.sub(r"[\s-]", "", text or "").upper()
    if not _VIEW_KEY.match(cleaned):
        raise LinkageError("閲覧用の鍵の形式が違います: 英字と数字 2〜7 の 52 文字です (a view key is 52 base32 characters)",
                           where="view key")
    key = base64.b32decode(cleaned + "====")
    if format_view_key(key) != cleaned:
        raise LinkageError("閲覧用の鍵の形式が違います (not the encoding of a view key)", where="view key")
    return key


# --- the entry -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One log entry, as parsed or about to be encoded. `fields` holds the type's own fields
    (jimu, requester, provider, items, ref, reason, allowlist)."""

    type: str
    time: int
    salt: bytes = field(repr=False)
    subjects: tuple[str, ...]
    fields: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"v": VERSION, "type": self.type, "time": self.time, "salt": _b64(self.salt),
                               "subjects": list(self.subjects)}
        doc.update({k: (list(v) if k == "items" else v) for k, v in self.fields.items()})
        return doc

    def get(self, name: str, default: Any = None) -> Any:
        return self.fields.get(name, default)

    def matches(self, key: bytes) -> bool:
        """Whether this entry names the person of view key `key`."""
        mine = tag_for(key, self.salt)
        return any(hmac.compare_digest(mine, s) for s in self.subjects)


def _canonical(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode("utf-8")


def _check_fields(kind: str, values: dict[str, Any], where: str) -> dict[str, Any]:
    required, optional = _FIELDS[kind]
    unknown = sorted(set(values) - required - optional)
    if unknown:
        raise _bad(where, f"{kind} に不明な項目 {unknown[0][:40]} があります", f"unknown field {unknown[0][:40]!r}")
    missing = sorted(required - set(values))
    if missing:
        raise _bad(where, f"{kind} に項目 {missing[0]} がありません", f"missing field {missing[0]!r}")
    out: dict[str, Any] = {}
    for name, value in values.items():
        ok = {
            "jimu": lambda v: isinstance(v, str) and bool(_CODE.match(v)),
            "requester": lambda v: isinstance(v, str) and bool(INSTITUTION_PATTERN.match(v)),
            "provider": lambda v: isinstance(v, str) and bool(INSTITUTION_PATTERN.match(v)),
            "items": lambda v: isinstance(v, (list, tuple)) and 0 < len(v) <= 64 and len(set(v)) == len(v)
            and all(isinstance(i, str) and _ITEM.match(i) for i in v),
            "ref": lambda v: isinstance(v, str) and bool(_REF.match(v)),
            "reason": lambda v: isinstance(v, str) and bool(_CODE.match(v)),
            "allowlist": lambda v: isinstance(v, str) and 0 < len(v) <= 64 and v.isprintable() and v.isascii(),
        }[name](value)
        if not ok:
            raise _bad(f"{where}.{name}", f"{name} の値が不正です", f"bad value of {name}")
        out[name] = tuple(value) if name == "items" else value
    return out


def make_entry(kind: str, *, time: int, keys: Iterable[bytes] = (), salt: bytes | None = None,
               **fields: Any) -> Entry:
    """A new entry of `kind` at `time` (UTC seconds), tagged for each view key in `keys` (one per
    institution involved that knows the person). Raises `LogError` for a bad field."""
    if kind not in TYPES:
        raise _bad("type", f"種類 {kind!r} はありません", f"type must be one of {', '.join(TYPES)}")
    if isinstance(time, bool) or not isinstance(time, int) or not 0 <= time <= _MAX_TIME:
        raise _bad("time", "時刻が不正です", "time is whole UTC seconds")
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    if not isinstance(salt, bytes) or len(salt) != SALT_BYTES:
        raise _bad("salt", f"salt は {SALT_BYTES} バイトです", f"salt is {SALT_BYTES} bytes")
    subjects = tuple(sorted({tag_for(k, salt) for k in keys}))
    if len(subjects) > MAX_SUBJECTS:
        raise _bad("subjects", "対象が多すぎます", f"at most {MAX_SUBJECTS} subjects")
    return Entry(kind, time, salt, subjects, _check_fields(kind, fields, kind))


def encode_entry(entry: Entry) -> bytes:
    """The canonical bytes of `entry` (what the log holds); `LogError` past 65,535 bytes."""
    data = _canonical(entry.as_json())
    if len(data) > MAX_ENTRY_SIZE:
        raise _bad("entry", f"{len(data)} バイトは大きすぎます", f"{len(data)} bytes, at most {MAX_ENTRY_SIZE}")
    return data


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise ValueError("duplicate key")
    return out


def parse_entry(data: bytes, *, where: str = "entry") -> Entry:
    """The entry in `data`, read strictly (canonical bytes only); else one located `LogError`."""
    if not isinstance(data, (bytes, bytearray)) or len(data) > MAX_ENTRY_SIZE:
        raise _bad(where, "バイト列ではないか大きすぎます", "not bytes, or over 65535 bytes")
    try:
        doc = json.loads(bytes(data).decode("utf-8"), object_pairs_hook=_pairs,
                         parse_constant=lambda name: (_ for _ in ()).throw(ValueError(name)),
                         parse_float=lambda text: (_ for _ in ()).throw(ValueError(text)))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _bad(where, "JSON として読めません", "not JSON (or a float, NaN or a repeated key)") from None
    if not isinstance(doc, dict):
        raise _bad(where, "オブジェクトではありません", "not a JSON object")
    if doc.get("v") != VERSION or type(doc.get("v")) is not int:
        raise _bad(f"{where}.v", "版が違います", f"version must be {VERSION}")
    kind = doc.get("type")
    if kind not in TYPES:
        raise _bad(f"{where}.type", "種類が不正です", f"type must be one of {', '.join(TYPES)}")
    time, salt, subjects = doc.get("time"), _unb64(doc.get("salt", "")), doc.get("subjects")
    if isinstance(time, bool) or not isinstance(time, int) or not 0 <= time <= _MAX_TIME:
        raise _bad(f"{where}.time", "時刻が不正です", "time is whole UTC seconds")
    if salt is None or len(salt) != SALT_BYTES:
        raise _bad(f"{where}.salt", "salt が不正です", f"salt is base64url of {SALT_BYTES} bytes")
    if not isinstance(subjects, list) or len(subjects) > MAX_SUBJECTS or subjects != sorted(set(subjects)) \
            or not all(isinstance(s, str) and _REF.match(s) for s in subjects):
        raise _bad(f"{where}.subjects", "subjects が不正です", "subjects are sorted distinct 43-character tags")
    rest = {k: v for k, v in doc.items() if k not in _COMMON}
    entry = Entry(kind, time, salt, tuple(subjects), _check_fields(kind, rest, where))
    if _canonical(entry.as_json()) != bytes(data):
        raise _bad(where, "正規の形式ではありません", "not in canonical form (sorted keys, no spaces, UTF-8)")
    return entry


def find(entries: Iterable[bytes | Entry], key: bytes) -> list[int]:
    """The indexes of the entries that name the person of view key `key` (entries that do not
    parse are skipped: the verifier reports them on its own)."""
    out = []
    for index, item in enumerate(entries):
        try:
            entry = item if isinstance(item, Entry) else parse_entry(item)
        except LogError:
            continue
        if entry.matches(key):
            out.append(index)
    return out


def leaf_of(entry: Entry) -> bytes:
    """The RFC 9162 leaf hash of `entry` in the log."""
    return leaf_hash(encode_entry(entry))


@dataclass(frozen=True)
class Found:
    """One entry of a person, read from a verified log, with its inclusion proof (checked)."""

    index: int
    entry: Entry
    leaf: bytes
    proof: tuple[bytes, ...]


def read_entries(reader: Any, key: bytes | None = None) -> tuple[list[Entry], list[Found]]:
    """Every entry of `reader` (a `tlog.TileReader` already verified) parsed — a malformed one named by
    its bundle and offset — and, with view key `key`, the person's entries, each inclusion proof checked
    against the reader's root. What `yakuba linkage verify` and the family's page both show."""
    from yakuba.linkage.tlog import TILE_WIDTH, entries_path, verify_inclusion

    entries: list[Entry] = []
    found: list[Found] = []
    for index in range(reader.size):
        bundle, offset = divmod(index, TILE_WIDTH)
        raw = reader.entry(index)
        entry = parse_entry(raw, where=f"{entries_path(bundle, min(TILE_WIDTH, reader.size - bundle * TILE_WIDTH))}"
                                       f" entry {offset}")
        entries.append(entry)
        if key is None or not entry.matches(key):
            continue
        proof = reader.inclusion_proof(index)
        try:
            verify_inclusion(leaf_hash(raw), index, reader.size, proof, reader.root_hash)
        except LogError as error:
            raise LogError(f"entry {index}: 包含証明が一致しません (inclusion proof fails): {error.one_line()}",
                           where=f"entry {index}") from None
        found.append(Found(index, entry, leaf_hash(raw), tuple(proof)))
    return entries, found
