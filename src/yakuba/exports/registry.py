"""Exporters: each kind of file that may leave yakuba, who may ask for it, and how it is made."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from django.db import models


@dataclass(frozen=True)
class Exporter:
    id: str
    label: str
    roles: frozenset[str]
    model: type[models.Model]
    fields: Sequence[str]
    rows: Callable[[Any, dict], Iterable[models.Model]]
    """`rows(user, params)` → the records this user may export."""


EXPORTERS: dict[str, Exporter] = {}


def register(exporter: Exporter) -> Exporter:
    EXPORTERS[exporter.id] = exporter
    return exporter
