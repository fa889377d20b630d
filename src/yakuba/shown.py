"""How a revealed value is shown on a page: dates in 和暦, date-times with the time, each field with its label
(the consult and health screens share it)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

from django.db import models
from django.utils import timezone

from yakuba.wareki import to_wareki


def shown(value: Any) -> Any:
    """Dates as citizens read them (和暦); date-times with the time."""
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value)
        return f"{to_wareki(local.date())} {local:%H:%M}"
    if isinstance(value, dt.date):
        return to_wareki(value)
    return value


def labelled(model: type[models.Model], fields: Sequence[str], row: dict[str, Any]) -> list[tuple[str, str, Any]]:
    return [(f, str(model._meta.get_field(f).verbose_name), shown(row.get(f))) for f in fields]
