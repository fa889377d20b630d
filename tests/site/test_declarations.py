"""Declared personal data: a field that looks personal must be declared (or said not to be)."""

from __future__ import annotations

import pytest
from django.apps import apps

from yakuba.personal import declarations_of, declared_fields
from yakuba.privacy.declarations import Category, looks_personal

OURS = {"accounts", "audit", "vault", "exports", "handover", "jobs", "intake", "debit", "consult"}
VENDOR_SIDE = {"intake"}


def _our_models():  # type: ignore[no-untyped-def]
    return [m for m in apps.get_models() if m._meta.app_label in OURS]


def test_every_personal_looking_field_is_declared() -> None:
    undeclared = []
    for model in _our_models():
        declared = declarations_of(model)
        not_personal = getattr(model, "NOT_PERSONAL", {})
        for field in model._meta.get_fields():
            if not getattr(field, "concrete", False) or field.auto_created:
                continue
            if looks_personal(field.name) and field.name not in declared and field.name not in not_personal:
                undeclared.append(f"{model._meta.label}.{field.name}")
    assert undeclared == []


def test_declarations_name_real_fields_with_purpose_and_retention() -> None:
    fields = list(declared_fields())
    assert len(fields) >= 10
    for f in fields:
        assert f.declaration.purpose and f.declaration.retention


@pytest.mark.parametrize("name", ["child_name", "guardian_address", "birth_date", "phone", "bank_account", "income_tax_amount", "email"])
def test_it_recognises_personal_names(name: str) -> None:
    assert looks_personal(name)


@pytest.mark.parametrize("name", ["status", "created_at", "sequence", "kind", "row_count"])
def test_it_leaves_plain_fields_alone(name: str) -> None:
    assert not looks_personal(name)


def test_the_vendor_side_holds_no_income() -> None:
    """審議会: 収入情報は委託業務では扱わない — no income field exists on the vendor side."""
    for model in _our_models():
        if model._meta.app_label not in VENDOR_SIDE:
            continue
        for name, decl in declarations_of(model).items():
            assert decl.category is not Category.INCOME, f"{model._meta.label}.{name}"
        for field in model._meta.get_fields():
            assert "income" not in field.name and "tax" not in field.name and "shotoku" not in field.name
