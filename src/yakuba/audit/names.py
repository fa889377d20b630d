"""What the audit log's actions and systems are called in Japanese (`actions.toml`). Pure: no Django."""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Mapping

__all__ = ["action_label", "system_of", "system_label", "systems", "actions"]


@functools.cache
def _names() -> tuple[Mapping[str, str], Mapping[str, str]]:
    doc = tomllib.loads(resources.files("yakuba.audit").joinpath("actions.toml").read_text(encoding="utf-8"))
    if doc.get("format") != "yakuba-audit-actions/1":
        raise ValueError("yakuba/audit/actions.toml: format must be yakuba-audit-actions/1")
    return dict(doc["systems"]), dict(doc["actions"])


def systems() -> Mapping[str, str]:
    """System code (the part of an action before its first dot) → its name."""
    return _names()[0]


def actions() -> Mapping[str, str]:
    return _names()[1]


def system_of(action: str) -> str:
    return str(action).split(".", 1)[0]


def system_label(code: str) -> str:
    return systems().get(code, code)


def action_label(action: str) -> str:
    """The action's Japanese name; an action not in the file is shown as its code."""
    return actions().get(action, action)
