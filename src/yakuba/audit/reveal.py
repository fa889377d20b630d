"""Showing declared personal data: masked on the server by role, every reveal audited.

Views, forms, exports and APIs call these instead of reading personal fields directly, so a
masked value's bytes never leave the server, and the log says who saw which category of whom.
A page's reads count against the user's hourly budget (`yakuba.audit.budget`): past it, nothing
is revealed.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, Sequence

from django.db import models
from django.http import HttpRequest

from yakuba.audit import budget
from yakuba.audit.log import record
from yakuba.personal import declaration_for
from yakuba.privacy.declarations import Category
from yakuba.privacy.masking import MASK, default_policy

EMPTY: tuple[Any, ...] = (None, "", [], {})
"""Values that show nothing, so reveal nothing."""

Derived = Mapping[str, tuple[Iterable[str], Any]]
"""Values a page shows that are made from declared fields (a points breakdown that names the
household's 所得割額 band): name → (the categories it tells, the value)."""


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


def _masked_row(user: Any, instance: models.Model, fields: Sequence[str],
                derived: Derived | None = None) -> tuple[dict[str, Any], set[str]]:
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
        if shown is not MASK and value not in EMPTY:
            revealed.add(decl.category.value)
    for name, (categories, value) in (derived or {}).items():
        told = {Category(c) for c in categories}
        visible = all(policy.can_see(role, c) for c in told)
        row[name] = value if visible or value in EMPTY else MASK
        if visible and value not in EMPTY:
            revealed |= {c.value for c in told}
    return row, revealed


def reveal(request: HttpRequest, instance: models.Model, fields: Sequence[str], *, action: str = "personal.read",
           derived: Derived | None = None) -> dict[str, Any]:
    """One record's fields (and what is `derived` from them) as this user may see them; the reveal
    is audited with exactly the categories shown in clear (ids, categories)."""
    row, revealed = _masked_row(request.user, instance, fields, derived)
    row["pk"] = instance.pk
    if revealed:
        budget.check(request, request.user, 1, action)
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
    derived: Callable[[Any], Derived] | None = None,
) -> list[dict[str, Any]]:
    """Many records at once (lists, exports): one audit entry naming the ids and categories.
    `derived(instance)` gives what a row shows that is made from its declared fields."""
    who = user if user is not None else request.user  # type: ignore[union-attr]
    rows: list[dict[str, Any]] = []
    ids: list[Any] = []
    categories: set[str] = set()
    for inst in instances:
        row, revealed = _masked_row(who, inst, fields, derived(inst) if derived else None)
        row["pk"] = inst.pk
        rows.append(row)
        if revealed:
            ids.append(inst.pk)
            categories |= revealed
            target_type = target_type or inst._meta.label_lower
    if ids:
        budget.check(request, who, len(ids), action)
        record(action, request=request, actor=who, target_type=target_type, categories=categories,
               detail={"ids": ids, "count": len(ids)})
    return rows
