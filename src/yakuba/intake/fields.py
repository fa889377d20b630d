"""The application form's fields as the intake app sees them: who may see each, and its category.

The form itself is data (``yakuba/ocr/forms/application.toml``): field ids, labels, types and
``personal = true`` on every field that identifies a person (氏名, フリガナ, 〒, 住所, 電話番号,
勤務先). Here that flag becomes the rule of the verification queue:

- a **personal** field (its value, its reason, its image crop, a whole page showing it) reaches only
  the vendor's 責任者 (``vendor_responsible``);
- every other field is entered by the operators.

Each field also gets the category of declared personal data it holds, for the audit entries
(``categories`` of a read) — derived from the id, so a new field of a known kind needs no code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from yakuba.accounts.roles import Role
from yakuba.privacy.declarations import Category

PERSONAL_ROLES = frozenset({Role.VENDOR_RESPONSIBLE.value})
"""The roles that may see a personal field (審議会: 氏名・住所は委託先の責任者のみが扱う)."""


@dataclass(frozen=True)
class FormField:
    id: str
    label: str
    type: str
    personal: bool
    category: Category
    position: int


def _category(field_id: str, personal: bool) -> Category:
    if field_id in ("postal_code", "address"):
        return Category.ADDRESS
    if field_id == "phone":
        return Category.CONTACT
    if "_need_" in field_id or "_emp_" in field_id:
        return Category.CIRCUMSTANCES
    if field_id.endswith(("_name", "_kana")):
        return Category.NAME
    if field_id.endswith("_birth"):
        return Category.BIRTH_DATE
    if field_id.startswith("sibling") or field_id.endswith("_relation"):
        return Category.FAMILY
    # 勤務先, 就労日数・時間, 事由, 希望施設, 利用開始希望月, 性別: the household's circumstances
    return Category.CIRCUMSTANCES


@lru_cache(maxsize=1)
def form_fields() -> tuple[FormField, ...]:
    """Every field of the application form, in the form's order."""
    from yakuba.cityprofile.load import current as city_profile

    template = city_profile().load_template()
    return tuple(FormField(f.id, f.label, f.type, f.personal, _category(f.id, f.personal), i)
                 for i, f in enumerate(template.fields))


@lru_cache(maxsize=1)
def by_id() -> dict[str, FormField]:
    return {f.id: f for f in form_fields()}


def field(field_id: str) -> FormField:
    return by_id()[field_id]


def personal_ids() -> frozenset[str]:
    return frozenset(f.id for f in form_fields() if f.personal)


def may_see(user: Any, personal: bool) -> bool:
    """Whether this user may receive a field's value and image: personal ones only the 責任者."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    role = getattr(user, "role", None)
    if role not in (Role.VENDOR_OPERATOR, Role.VENDOR_RESPONSIBLE):
        return False
    return not personal or role in PERSONAL_ROLES


def is_responsible(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and getattr(user, "role", None) in PERSONAL_ROLES


def page_categories(personal: bool) -> list[str]:
    """The categories a page image holds: all of the form's, or (redacted) the non-personal ones."""
    return sorted({f.category.value for f in form_fields() if personal or not f.personal})
