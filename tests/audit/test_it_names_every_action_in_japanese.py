"""Every action the code records (a literal passed to `record(…)` or as a reveal's `action=`) has a Japanese name
in yakuba/audit/actions.toml, and every named action belongs to a named system: the council reads names."""

from __future__ import annotations

import re
from pathlib import Path

import yakuba
from yakuba.audit.names import action_label, actions, system_of, systems

LITERAL = re.compile(r'(?:record\(\s*|action=)"([a-z_]+\.[a-z_.]+)"')


def recorded_in_the_code() -> set[str]:
    root = Path(yakuba.__file__).parent
    return {m.group(1) for path in root.rglob("*.py") for m in LITERAL.finditer(path.read_text(encoding="utf-8"))}


def test_it_works() -> None:
    found = recorded_in_the_code()
    assert len(found) > 100  # the scan sees the code
    unnamed = sorted(a for a in found if a not in actions())
    assert unnamed == [], f"actions without a Japanese name in yakuba/audit/actions.toml: {unnamed}"
    assert all(system_of(a) in systems() for a in actions())
    assert action_label("health.family.read") == "保護者が記録を閲覧" and action_label("x.unknown") == "x.unknown"
