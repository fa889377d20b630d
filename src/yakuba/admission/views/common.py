"""What the admission screens share: who may use them, the menu section, uploaded tables in memory."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from yakuba.accounts.roles import Role
from yakuba.admission.config import ORGANISATION
from yakuba.allocation.tables import InMemory

KODOMO = dict(departments=(ORGANISATION,))
ROLES = (Role.CITY_STAFF, Role.CITY_SUPERVISOR)
SECTION = _("保育所等の利用調整")


def in_memory(upload: UploadedFile) -> InMemory:
    """An uploaded table as the allocation core reads it: from memory, named as it was sent (.csv or
    .xlsx). Uploads never reach the disk (`yakuba.uploads`); neither does this."""
    return InMemory(upload.name or "upload.csv", upload.read())


def breakdown_told(app: Any) -> tuple[str, ...]:
    """What a points breakdown tells of a household: its circumstances and, when known, its 所得割額
    band (基準点 28 + 所得割額 48,600円未満 +1) — the categories its reveal names."""
    return ("circumstances", "income") if app.income() is not None else ("circumstances",)
