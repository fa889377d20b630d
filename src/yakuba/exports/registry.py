"""Exporters: each kind of file that may leave yakuba, who may ask for it, and how it is made.

An app registers one ``Exporter`` per kind of file (in its ``exporters.py``, imported by its
``AppConfig.ready``). The export step (``exports.actions``) asks it, at request time:

- ``count(user, params)`` — how many persons the file names (cheap; decides whether it is bulk);
- ``build(user, params)`` — the file's bytes, made once (the step then watermarks them, keeps them
  encrypted in the vault and delivers exactly those bytes once);
- ``fields`` — the declared fields the file writes, as ``(model, field)``: their declarations give
  the categories (only those the user may see) and the purposes shown to the approver.

``params`` is plain JSON (ids, a kind of letter); ``param_object`` reads one object from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from django.db import models
from django.utils.translation import gettext

from yakuba.audit.reveal import visible_fields
from yakuba.exports.errors import ExportRefused
from yakuba.personal import declaration_for

__all__ = ["EXPORTERS", "Exporter", "param_object", "register"]


CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf", "xml": "application/xml",
                 "png": "image/png", "jpg": "image/jpeg", "wav": "audio/wav", "mp3": "audio/mpeg", "ogg": "audio/ogg",
                 "m4a": "audio/mp4"}
"""The formats an export may have (`exports.watermark.stamp` marks each)."""


@dataclass(frozen=True)
class Exporter:
    id: str
    label: str
    roles: frozenset[str]
    fields: Sequence[tuple[type[models.Model], str]]
    """The declared fields the file writes (model, field name)."""
    count: Callable[[Any, dict], int]
    """`count(user, params)` → the persons the file names."""
    build: Callable[[Any, dict], bytes]
    """`build(user, params)` → the file, before its watermark. It may note in `params` what it changed
    (e.g. the letters it marked printed), which is saved with the export for `dropped`."""
    format: str
    """"csv", "pdf" or "xml": how the watermark goes in (`exports.watermark`)."""
    stem: Callable[[dict], str]
    """`stem(params)` → the file name without the export id and the extension."""
    departments: frozenset[str] = frozenset()
    """Organisation codes whose members may ask (empty: any organisation)."""
    dropped: Callable[[dict], None] | None = None
    """Called when a built file is rejected or expires undelivered (e.g. letters back to unprinted)."""
    needs_approval: bool = False
    """Every file of this kind waits for the approver, whatever the number of persons (a disclosure
    to an agency: consult/exporters.py)."""

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


    def categories(self, user: Any) -> list[str]:
        """The declared categories of the fields this user's file holds (masked fields hold none)."""
        out: set[str] = set()
        for model, name in self.fields:
            if visible_fields(user, model, [name]) and (decl := declaration_for(model, name)):
                out.add(decl.category.value)
        return sorted(out)

    def purposes(self) -> list[str]:
        """The purposes (利用目的) the declarations of its fields give."""
        return sorted({d.purpose for model, name in self.fields if (d := declaration_for(model, name))})


EXPORTERS: dict[str, Exporter] = {}


def register(exporter: Exporter) -> Exporter:
    EXPORTERS[exporter.id] = exporter
    return exporter


def param_object(model: type[models.Model], params: dict, key: str, queryset: Any = None) -> Any:
    """The object whose id is `params[key]`; ExportRefused when there is none."""
    try:
        return (queryset if queryset is not None else model.objects).get(pk=int(params[key]))
    except (KeyError, TypeError, ValueError, model.DoesNotExist):
        raise ExportRefused(gettext("出力の対象が見つかりません。")) from None
