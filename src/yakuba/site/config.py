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


def env_int(name: str, default: int, *, minimum: int = 1) -> int:
    """A whole number from the environment; a value that is not one (or is under `minimum`) is
    refused with one line naming the variable, before anything starts."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        value = None
    if value is None or value < minimum:
        from yakuba.errors import EnvironmentProblem

        raise EnvironmentProblem(f"環境変数 {name} は {minimum} 以上の整数で指定してください (値: {raw[:40]!r})",
                                 where=name)
    return value


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
