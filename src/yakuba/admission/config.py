"""Settings of the admission app, from the city profile (`yakuba.cityprofile`). Nothing here is personal data."""

from __future__ import annotations

from yakuba.allocation.rules import Rules
from yakuba.cityprofile.load import current as city_profile

ORGANISATION = "kodomo"
"""The department (子ども家庭課) that runs the 利用調整 and receives the vendor's packages."""


def rules() -> Rules:
    """The city's 利用調整基準: its profile's ``rules.toml``, loaded and checked (`yakuba.allocation.rules`)."""
    return city_profile().rules


def facilities() -> list[tuple[str, str, list[int]]]:
    """The city's facilities and their 定員 per age class 0–5 (its profile's ``facilities.csv``):
    a new round's facilities when no file is given."""
    return [(f.code, f.name, list(f.capacity)) for f in city_profile().facilities]
