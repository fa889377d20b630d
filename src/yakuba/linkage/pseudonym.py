"""符号 (情報提供用個人識別符号, 番号法第21条の2): one pseudonym per person and institution. Pure: no Django.

Each institution (a city's 中間サーバー) knows a person only by its own 符号; the hub (情報提供
ネットワークシステム) issues them and translates the requester's 符号 into the provider's, so that no
two institutions share an identifier they could join their records on, and none sees the 個人番号.

A 符号 is HMAC-SHA256, keyed with the hub's secret `HubKey`, over a length-prefixed encoding of a
domain tag, the institution id and the hub's own handle of the person; written as 52 characters of
base32 without padding (A–Z, 2–7: URL-safe, fixed length, nothing personal in it). Without the key
the 符号 of two institutions cannot be linked, nor traced back to the person; with another key every
符号 changes. The length prefixes keep ("ab", "c") and ("a", "bc") apart.

`person` is the hub's opaque handle of a person (a random id of its own), never the 個人番号: the
hub never stores or derives from it. `FugoTable` keeps (institution, 符号) → person for the
符号 issued, and `translate` refuses a 符号 the requester was never issued (``fugo-unknown``), one
issued to another institution (``fugo-other-institution``), and a person the provider was never
issued a 符号 for (``fugo-none-at-provider``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import stat
import threading
from dataclasses import dataclass, field
from pathlib import Path

from yakuba.files import write_new
from yakuba.linkage.errors import LinkageError, Refused

__all__ = ["HubKey", "FugoTable", "issue_fugo", "translate", "is_fugo", "length_prefixed", "FUGO_LENGTH", "INSTITUTION_PATTERN"]

KEY_BYTES = 32
FUGO_LENGTH = 52  # base32 of 32 bytes, padding removed
DOMAIN = b"yakuba-linkage/fugo/1"
KEY_FORMAT = "yakuba-linkage-hub-key/1"
_FUGO = re.compile(r"^[A-Z2-7]{52}$")
INSTITUTION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def length_prefixed(*parts: bytes) -> bytes:
    """`parts` each after its length (4 bytes, big-endian): no two tuples encode alike."""
    return b"".join(len(p).to_bytes(4, "big") + p for p in parts)


@dataclass(frozen=True)
class HubKey:
    """The hub's secret for deriving 符号: 32 random bytes (never shown in repr or logs)."""

    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.secret, bytes) or len(self.secret) != KEY_BYTES:
            raise LinkageError(f"ハブの鍵は {KEY_BYTES} バイトです (a hub key is {KEY_BYTES} bytes)")

    @classmethod
    def generate(cls) -> HubKey:
        return cls(secrets.token_bytes(KEY_BYTES))

    def save(self, path: Path | str) -> None:
        """Write the key to a new file with mode 0600; an existing file (or a link) is refused, not
        replaced: a new key would change every 符号 issued."""
        path = Path(path)
        text = f"{KEY_FORMAT}\n{base64.urlsafe_b64encode(self.secret).decode('ascii')}\n"
        if not write_new(path, text.encode("ascii"), mode=0o600):
            raise LinkageError(f"ハブの鍵 {path} は既にあります。上書きしません (the hub key exists: not replaced)",
                               where=str(path))

    @classmethod
    def load(cls, path: Path | str) -> HubKey:
        """Read a key written by `save`: a regular file, not a link, readable by its owner only."""
        path = Path(path)

        def bad(what: str, english: str) -> LinkageError:
            return LinkageError(f"ハブの鍵 {path} を読めません: {what} (cannot read the hub key: {english})",
                                where=str(path))

        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError as exc:
            raise bad("開けません", exc.strerror or "cannot open, or a symbolic link") from None
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise bad("通常のファイルではありません", "not a regular file")
            if st.st_mode & 0o077:
                raise bad(f"権限 {oct(st.st_mode & 0o777)} は広すぎます。0600 にしてください",
                          "readable by others, make it 0600")
            data = f.read(4096)
        lines = data.decode("ascii", "replace").splitlines()
        if len(lines) != 2 or lines[0] != KEY_FORMAT:
            raise bad("形式が違います", f"expected {KEY_FORMAT}")
        try:
            secret = base64.urlsafe_b64decode(lines[1].encode("ascii"))
        except ValueError:
            raise bad("鍵が読めません", "bad base64") from None
        if len(secret) != KEY_BYTES or base64.urlsafe_b64encode(secret).decode("ascii") != lines[1]:
            raise bad("鍵の長さが違います", f"expected {KEY_BYTES} bytes")
        return cls(secret)


def _checked_institution(institution_id: str) -> str:
    if not isinstance(institution_id, str) or not INSTITUTION_PATTERN.match(institution_id):
        raise LinkageError(f"機関の識別子が不正です (invalid institution id): {institution_id!r}")
    return institution_id


def issue_fugo(hub_key: HubKey, institution_id: str, person: str) -> str:
    """The 符号 of `person` (the hub's handle, never the 個人番号) at `institution_id`."""
    _checked_institution(institution_id)
    if not isinstance(person, str) or not person:
        raise LinkageError("個人の識別子が空です (empty person handle)")
    mac = hmac.new(hub_key.secret, length_prefixed(DOMAIN, institution_id.encode("utf-8"), person.encode("utf-8")),
                   hashlib.sha256).digest()
    return base64.b32encode(mac).decode("ascii").rstrip("=")


def is_fugo(value: object) -> bool:
    """Whether `value` has the form of a 符号 (52 characters of A–Z and 2–7)."""
    return isinstance(value, str) and bool(_FUGO.match(value))


class FugoTable:
    """The hub's table of 符号 issued: (institution, 符号) → person. Thread-safe, in memory; a
    table backed by the hub's database offers the same methods."""

    def __init__(self, hub_key: HubKey) -> None:
        self._key = hub_key
        self._by_fugo: dict[str, tuple[str, str]] = {}
        self._issued: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def issue(self, institution_id: str, person: str) -> str:
        """Issue (or issue again: the same) 符号 of `person` to `institution_id`, and record it."""
        fugo = issue_fugo(self._key, institution_id, person)
        with self._lock:
            self._by_fugo[fugo] = (institution_id, person)
            self._issued[(institution_id, person)] = fugo
        return fugo

    def person_of(self, institution_id: str, fugo: str) -> str:
        """The person that `institution_id` knows as `fugo`, or `Refused`."""
        with self._lock:
            entry = self._by_fugo.get(fugo) if is_fugo(fugo) else None
        if entry is None:
            raise Refused("fugo-unknown", "符号はどの機関にも発行されていません (the 符号 was never issued)",
                          where=institution_id)
        if entry[0] != institution_id:
            raise Refused("fugo-other-institution",
                          "符号は照会元の機関に発行されたものではありません (the 符号 was issued to another institution)",
                          where=institution_id)
        return entry[1]

    def fugo_of(self, institution_id: str, person: str) -> str:
        """The 符号 issued to `institution_id` for `person`, or `Refused` if none was."""
        with self._lock:
            fugo = self._issued.get((institution_id, person))
        if fugo is None:
            raise Refused("fugo-none-at-provider",
                          "照会先の機関はこの方の符号を持っていません (the provider holds no 符号 for this person)",
                          where=institution_id)
        return fugo


def translate(table: FugoTable, from_institution: str, fugo: str, to_institution: str) -> str:
    """The provider's 符号 for the person that the requester knows as `fugo` (see `FugoTable`)."""
    return table.fugo_of(to_institution, table.person_of(from_institution, fugo))
