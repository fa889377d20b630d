"""Settings of the admission app. Nothing here is personal data."""

from __future__ import annotations

from django.conf import settings

from yakuba.allocation.rules import Rules, load_rules

ORGANISATION = "kodomo"
"""The department (子ども家庭課) that runs the 利用調整 and receives the vendor's packages."""


def rules_path() -> str | None:
    """The city's 利用調整基準 file (TOML); None: the demo city's (`yakuba/allocation/rules/midori.toml`)."""
    return getattr(settings, "ADMISSION_RULES", None)


def rules() -> Rules:
    """The city's 利用調整基準, loaded and checked (`yakuba.allocation.rules.load_rules`)."""
    return load_rules(rules_path())
