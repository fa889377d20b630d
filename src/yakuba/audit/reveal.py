"""Showing declared personal data: masked on the server by role, every reveal audited.

Views, forms, exports and APIs call these instead of reading personal fields directly, so a
masked value's bytes never leave the server, and the log says who saw which category of whom.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from django.db import models
from django.http import HttpRequest

from yakuba.audit.log import record
from yakuba.personal import declaration_for
from yakuba.privacy.masking import MASK, default_policy


def _role(user: Any) -> str | None:
    return getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None


def visible_fields(user: Any, model: type[models.Model], fields: Iterable[str]) -> list[str]:
    """The fields among `fields` whose values this user may see (undeclared fields are visible)."""
    policy, role = default_policy(), _role(user)
    out = []
    for name in fields:
        decl = declaration_for(model, name)
        if decl is None or policy.can_see(role, decl.category):
            out.append(name)
    return out


def _masked_row(user: Any, instance: models.Model, fields: Sequence[str]) -> tuple[dict[str, Any], set[str]]:
    policy, role = default_policy(), _role(user)
    row: dict[str, Any] = {}
    revealed: set[str] = set()
    for name in fields:
        value = getattr(instance, name)
        decl = declaration_for(type(instance), name)
        if decl is None:
            display = getattr(instance, f"get_{name}_display", None)
            row[name] = display() if display is not None else value
            continue
        shown = policy.show(role, decl.category, value)
        row[name] = shown
        if shown is not MASK and value not in (None, ""):
            revealed.add(decl.category.value)
    return row, revealed


def reveal(request: HttpRequest, instance: models.Model, fields: Sequence[str], *, action: str = "personal.read") -> dict[str, Any]:
    """One record's fields as this user may see them; the reveal is audited (ids, categories)."""
    row, revealed = _masked_row(request.user, instance, fields)
    if revealed:
        record(action, request=request, target=instance, categories=revealed)
    return row


def reveal_rows(
    request: HttpRequest | None,
    instances: Iterable[models.Model],
    fields: Sequence[str],
    *,
    user: Any = None,
    action: str = "personal.list",
    target_type: str = "",
) -> list[dict[str, Any]]:
    """Many records at once (lists, exports): one audit entry naming the ids and categories."""
    who = user if user is not None else request.user  # type: ignore[union-attr]
    rows: list[dict[str, Any]] = []
    ids: list[Any] = []
    categories: set[str] = set()
    for inst in instances:
        row, revealed = _masked_row(who, inst, fields)
        row["pk"] = inst.pk
        rows.append(row)
        if revealed:
            ids.append(inst.pk)
            categories |= revealed
            target_type = target_type or inst._meta.label_lower
    if ids:
        record(action, request=request, actor=who, target_type=target_type, categories=categories,
               detail={"ids": ids, "count": len(ids)})
    return rows
