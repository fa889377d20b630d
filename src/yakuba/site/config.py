"""Where an installation keeps its things, read from the environment.

Pure: no Django import, so the CLI can use it before Django is set up.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def data_dir() -> Path:
    """The data directory: `YAKUBA_DATA`, default `./var` (SQLite file, encrypted files, keys)."""
    return Path(os.environ.get("YAKUBA_DATA", "var")).resolve()


def keys_dir() -> Path:
    """Keys live outside the database: `YAKUBA_KEYS`, default `$YAKUBA_DATA/keys`."""
    explicit = os.environ.get("YAKUBA_KEYS")
    return Path(explicit).resolve() if explicit else data_dir() / "keys"


def files_dir() -> Path:
    return data_dir() / "files"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def reset_data_dir(path: Path) -> None:
    """`--reset`: remove the demo's database, files and keys (only inside the data directory)."""
    if not path.exists():
        return
    for name in ("yakuba.sqlite3", "yakuba.sqlite3-wal", "yakuba.sqlite3-shm", "files", "keys", "demo-logins.json", "static"):
        target = path / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
