"""Declared personal data (個人情報の項目の宣言).

Every field that holds personal data says what category it is, why it is kept and how long.
The declarations drive masking, audit and the register (個人情報ファイル簿). Pure: no Django.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class Category(enum.StrEnum):
    """Categories of personal data; the value is the id used in policy files and audit entries."""

    NAME = "name"
    ADDRESS = "address"
    BIRTH_DATE = "birth_date"
    CONTACT = "contact"
    BANK_ACCOUNT = "bank_account"
    HEALTH = "health"
    SENSITIVE = "sensitive"
    INCOME = "income"
    IDENTIFIER = "identifier"
    CIRCUMSTANCES = "circumstances"
    FAMILY = "family"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS: dict[Category, str] = {
    Category.NAME: "氏名",
    Category.ADDRESS: "住所",
    Category.BIRTH_DATE: "生年月日",
    Category.CONTACT: "連絡先",
    Category.BANK_ACCOUNT: "口座",
    Category.HEALTH: "健康",
    Category.SENSITIVE: "要配慮",
    Category.INCOME: "所得",
    Category.IDENTIFIER: "識別番号",
    Category.CIRCUMSTANCES: "生活状況",
    Category.FAMILY: "家族",
}


@dataclass(frozen=True)
class Declaration:
    """What a field holds (category), why (purpose, 利用目的) and how long (retention, 保存期間)."""

    category: Category
    purpose: str
    retention: str

    def __post_init__(self) -> None:
        if not self.purpose.strip():
            raise ValueError("a personal-data declaration needs a purpose (利用目的)")
        if not self.retention.strip():
            raise ValueError("a personal-data declaration needs a retention (保存期間)")


# Field names that look like personal data. A field matching this must carry a declaration,
# or be listed as not personal with a reason (see `NOT_PERSONAL`).
_PERSONAL_NAME = re.compile(
    r"(^|_)(name|names|kana|furigana|address|addr|birth|birthday|dob|phone|tel|mobile|email|mail"
    r"|account|income|tax|salary|health|diagnosis|disability|my_?number|kojin|postal|zip"
    r"|guardian|parent|child|family|household|sex|gender|age)($|_)",
)


def looks_personal(field_name: str) -> bool:
    """True when a model field's name suggests it may hold personal data."""
    return bool(_PERSONAL_NAME.search(field_name.lower()))
