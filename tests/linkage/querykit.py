"""What the query tests share: two cities, a hub with its 符号 table, and tools to take a token
apart and put it back together (to tamper with it)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any

from yakuba.linkage.pseudonym import FugoTable, HubKey
from yakuba.linkage.query import Institution, MemoryReplayCache, key_directory, make_query

T0 = 1_750_000_000  # a fixed "now" (seconds since the epoch)
JIMU = "boshi-12-3y-checkup"
ITEMS = ["checkup_date", "age_in_months", "height_cm", "weight_kg"]


@dataclass
class World:
    former: Institution  # the city the family left (the provider)
    new: Institution  # the city the family moved to (the requester)
    table: FugoTable
    cache: MemoryReplayCache = field(default_factory=MemoryReplayCache)

    @property
    def directory(self) -> dict[str, Any]:
        return key_directory(self.former, self.new)

    def fugo(self, institution: Institution, person: str = "person-0001") -> str:
        return self.table.issue(institution.id, person)

    def query(self, **changes: Any) -> str:
        args: dict[str, Any] = {"jimu_code": JIMU, "items": ITEMS, "fugo": self.fugo(self.new),
                                "provider_id": self.former.id, "now": T0}
        args.update(changes)
        return make_query(self.new, **args)


def world() -> World:
    table = FugoTable(HubKey.generate())
    world = World(Institution.generate("city-former", "市町村", "旧市（サンプル）"),
                  Institution.generate("city-new", "市町村", "新町（サンプル）"), table)
    world.fugo(world.former)
    return world


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def parts(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    header, payload, signature = token.split(".")
    return json.loads(unb64(header)), json.loads(unb64(payload)), signature


def assemble(header: dict[str, Any], payload: dict[str, Any] | bytes, signature: str) -> str:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return f"{b64(json.dumps(header).encode())}.{b64(body)}.{signature}"


def hs256(header: dict[str, Any], payload: dict[str, Any], secret: bytes) -> str:
    """A token MACed with HS256 under `secret` (the classic confusion: the public key as the secret)."""
    unsigned = assemble(header, payload, "").rstrip(".")
    return f"{unsigned}.{b64(hmac.new(secret, unsigned.encode(), hashlib.sha256).digest())}"
