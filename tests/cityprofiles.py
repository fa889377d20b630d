"""City profiles for the tests: a copy of the demo city's with some files changed, put in use."""

from __future__ import annotations

import shutil
from pathlib import Path

from yakuba.cityprofile.load import reload
from yakuba.cityprofile.where import DEMO_PROFILE, ENV

HERE = Path(__file__).resolve().parent / "profiles"
"""The test profiles shipped with the tests (another fictional city)."""


def copy_demo(dest: Path, **files: str | None) -> Path:
    """The demo profile copied to `dest`, each named file (``points_toml`` for points.toml) written
    with its text, or removed for None."""
    shutil.copytree(DEMO_PROFILE, dest)
    for key, text in files.items():
        name = key.replace("_", ".", 1) if "." not in key else key
        target = dest / name
        if text is None:
            target.unlink(missing_ok=True)
        else:
            target.write_text(text, encoding="utf-8")
    return dest


def use(monkeypatch, folder: Path) -> Path:  # type: ignore[no-untyped-def]
    """Run the rest of the test on the profile in `folder` (YAKUBA_CITY_PROFILE), read afresh."""
    monkeypatch.setenv(ENV, str(folder))
    reload()
    return folder
