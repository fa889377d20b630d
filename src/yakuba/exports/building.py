"""Helpers an exporter's ``build`` may use: a CSV of model rows, masked by role through the reveal
step (one audit entry naming the records)."""

from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Sequence

from django.db import models

from yakuba.audit.reveal import reveal_rows

__all__ = ["rows_csv"]


def rows_csv(user: Any, model: type[models.Model], fields: Sequence[str], instances: Iterable[models.Model]) -> bytes:
    """A header of the fields' names, then one row per record as this user may see it; UTF-8, CRLF."""
    rows = reveal_rows(None, instances, fields, user=user, action="export.built", target_type=model._meta.label_lower)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([str(model._meta.get_field(f).verbose_name) for f in fields])
    for row in rows:
        writer.writerow(["" if row[f] is None else row[f] for f in fields])
    return buf.getvalue().encode("utf-8")
