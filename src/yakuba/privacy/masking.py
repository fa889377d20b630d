"""Masking by role (役割によるマスキング), decided on the server.

The policy is data (`policy.toml`): for each role, the categories it may see in clear.
Anything else is replaced by `MASK` before it leaves the server. Pure: no Django.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from yakuba.cityprofile.where import profile_file
from yakuba.privacy.declarations import Category

MASK = "＊＊＊＊"
"""What a masked value shows. Fixed length, so it does not even leak the value's length."""

POLICY_PATH = Path(__file__).with_name("policy.toml")


@dataclass(frozen=True)
class Policy:
    visible: Mapping[str, frozenset[Category]]

    def can_see(self, role: str | None, category: Category) -> bool:
        if role is None:
            return False
        return category in self.visible.get(role, frozenset())

    def show(self, role: str | None, category: Category, value: object) -> object:
        """The value itself when the role may see it, else `MASK` (empty values stay empty)."""
        if value in (None, ""):
            return value
        return value if self.can_see(role, category) else MASK

    @classmethod
    def from_toml(cls, text: str) -> "Policy":
        data = tomllib.loads(text)
        visible: dict[str, frozenset[Category]] = {}
        for role, entry in data.get("roles", {}).items():
            try:
                visible[role] = frozenset(Category(c) for c in entry.get("visible", []))
            except ValueError as exc:
                raise ValueError(f"policy: role {role!r}: unknown category: {exc}") from None
        return cls(visible=visible)


@lru_cache(maxsize=8)
def _policy_at(path: Path) -> Policy:
    return Policy.from_toml(path.read_text(encoding="utf-8"))


def default_policy() -> Policy:
    """The city profile's ``masking.toml`` (`yakuba.cityprofile`), else `POLICY_PATH` (the package's)."""
    return _policy_at(profile_file("masking.toml") or POLICY_PATH)
