"""Which city profile this installation runs on: ``YAKUBA_CITY_PROFILE``, or the demo city's.

Pure and import-free (the OCR thresholds and the masking policy find their profile file through
it, and the loader imports those modules). An unset ``YAKUBA_CITY_PROFILE`` means the demo city
(みどり市, fictional) shipped in ``yakuba/profiles/midori``; `yakuba serve` and `yakuba worker`
refuse to start on that unless the data folder is the demo's (`require_explicit`).
"""

from __future__ import annotations

import os
from pathlib import Path

ENV = "YAKUBA_CITY_PROFILE"
DEMO_PROFILE = Path(__file__).resolve().parent.parent / "profiles" / "midori"
"""The demo city's profile, shipped in the package."""


def profile_dir() -> Path:
    """The folder of the city profile in use (``YAKUBA_CITY_PROFILE``, default the demo city's)."""
    explicit = os.environ.get(ENV, "").strip()
    return Path(explicit).expanduser().resolve() if explicit else DEMO_PROFILE


def is_explicit() -> bool:
    """True when ``YAKUBA_CITY_PROFILE`` names the profile (even the demo's, named on purpose)."""
    return bool(os.environ.get(ENV, "").strip())


def profile_file(name: str) -> Path | None:
    """The file ``name`` of the profile in use, or None when the profile has none."""
    path = profile_dir() / name
    return path if path.is_file() else None
