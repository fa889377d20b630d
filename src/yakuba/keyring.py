"""The installation's keyring (kept outside the database), opened once per process."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from yakuba.privacy.keys import Keyring


@lru_cache(maxsize=None)
def _open(path: str) -> Keyring:
    from pathlib import Path

    return Keyring.open(Path(path), create=True)


def get_keyring() -> Keyring:
    return _open(str(settings.KEYS_DIR))


def forget() -> None:
    """Drop the cached keyring (after restore-key or rotate-key, and in tests)."""
    _open.cache_clear()
