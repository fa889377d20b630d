"""Django glue for declared personal data.

A model declares its personal fields in a class attribute::

    class Application(models.Model):
        PERSONAL_DATA = {
            "child_name": Declaration(Category.NAME, "入園審査", "入園決定の翌年度末まで"),
        }
        NOT_PERSONAL = {"facility_name": "施設の名称であり個人の情報ではない"}

`declared_fields()` lists every declaration of every installed model (for `yakuba privacy fields`
and the register); the declarations test fails when a field that looks personal has neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from django.apps import apps
from django.db import models

from yakuba.privacy.declarations import Declaration


@dataclass(frozen=True)
class DeclaredField:
    app_label: str
    model: str
    field: str
    verbose_name: str
    declaration: Declaration

    @property
    def label(self) -> str:
        return f"{self.app_label}.{self.model}.{self.field}"


def declarations_of(model: type[models.Model]) -> dict[str, Declaration]:
    return dict(getattr(model, "PERSONAL_DATA", {}) or {})


def declared_fields(app_labels: set[str] | None = None) -> Iterator[DeclaredField]:
    for model in apps.get_models():
        meta = model._meta
        if app_labels is not None and meta.app_label not in app_labels:
            continue
        for name, decl in sorted(declarations_of(model).items()):
            field = meta.get_field(name)
            yield DeclaredField(
                meta.app_label, meta.object_name or model.__name__, name, str(field.verbose_name), decl
            )


def declaration_for(model: type[models.Model], field_name: str) -> Declaration | None:
    return declarations_of(model).get(field_name)
