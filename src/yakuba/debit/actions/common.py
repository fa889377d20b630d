"""What every debit action shares: the owning organisation, the vault, 全銀 text, progress."""

from __future__ import annotations

import io
from typing import Any, Callable

from yakuba.accounts.models import Organisation
from yakuba.debit.config import ORGANISATION
from yakuba.vault import service as vault
from yakuba.vault.models import StoredObject
from yakuba.zengin import kana

FILE_CATEGORIES = ["name", "bank_account", "identifier"]
"""Personal data in a request or result file."""
NOTICE_CATEGORIES = ["name", "address", "identifier"]
"""Personal data in a 不能通知."""

Progress = Callable[[int, int, str], None]


def no_progress(done: int, total: int, message: str) -> None:
    pass


def water_organisation() -> Organisation:
    org, _ = Organisation.objects.get_or_create(
        code=ORGANISATION, defaults={"name": "上下水道総務課", "kind": Organisation.Kind.CITY_DEPARTMENT})
    return org


def store(data: bytes, kind: str, user: Any, *, description: str, categories: list[str], batch: str) -> StoredObject:
    """Keep `data` encrypted in the vault, owned by the water department."""
    return vault.store(io.BytesIO(data), kind=kind, organisation=water_organisation(), user=user,
                       description=description, categories=categories, batch=batch)


def read(obj: StoredObject, user: Any, *, request: Any = None) -> bytes:
    """The plaintext of a stored object (the vault audits the read)."""
    return vault.read_bytes(obj, user=user, request=request)


def zengin_text(text: str, width: int) -> str:
    return kana.to_zengin(text or "", width=width).text
