"""What may leave the centre, and on which basis: allow-lists kept as data (issue #13 §2).

Pure Python, no Django: the models, actions and screens of ``consult`` read these tables; a city
changes a table, not the code that checks against it.

- ``SHAREABLE``: the only fields that can go to an agency — key → (source, field, label, group).
  The source is the case's first person, its intake, its latest assessment or its latest plan.
- ``GROUPS``: the field groups a consent names (a consent to 基本情報 does not cover 心身の状況).
- ``STATUTES``: the other statutes a share can rest on (besides consent and the 支援会議).
- ``AGENCY_KINDS``: the kinds of 関係機関 a consent can name instead of one organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Shareable:
    source: str
    """"person", "intake", "assessment" or "plan"."""
    field: str
    label: str
    group: str


SHAREABLE: dict[str, Shareable] = {
    "person.name": Shareable("person", "name", "氏名", "basic"),
    "person.name_kana": Shareable("person", "name_kana", "氏名(カナ)", "basic"),
    "person.birth_date": Shareable("person", "birth_date", "生年月日", "basic"),
    "person.address": Shareable("person", "address", "住所", "basic"),
    "person.phone": Shareable("person", "phone", "連絡先", "basic"),
    "intake.worry": Shareable("intake", "worry", "相談の内容(本人の言葉で)", "situation"),
    "assessment.situation": Shareable("assessment", "situation", "生活の状況", "situation"),
    "assessment.risks": Shareable("assessment", "risks", "リスク", "situation"),
    "assessment.health_details": Shareable("assessment", "health_details", "心身の状況・障がい", "health"),
    "plan.summary": Shareable("plan", "summary", "支援計画の方針", "plan"),
}

GROUPS: dict[str, str] = {
    "basic": "基本情報(氏名・生年月日・住所・連絡先)",
    "situation": "相談の内容・生活の状況・リスク",
    "health": "心身の状況・障がい(要配慮)",
    "plan": "支援計画の方針",
}

STATUTES: dict[str, str] = {
    "child_welfare_25": "児童福祉法第25条(要保護児童の通告)",
    "child_abuse_6": "児童虐待の防止等に関する法律第6条(通告)",
    "elder_abuse_7": "高齢者虐待の防止、高齢者の養護者に対する支援等に関する法律第7条(通報)",
    "disability_abuse_7": "障害者虐待の防止、障害者の養護者に対する支援等に関する法律第7条(通報)",
    "life_protection": "個人情報の保護に関する法律第69条第2項第4号(人の生命・身体・財産の保護のため緊急に必要な場合)",
}

AGENCY_KINDS: dict[str, str] = {
    "houkatsu": "地域包括支援センター",
    "soudan": "相談支援事業所",
    "jisou": "児童相談所",
    "shakyo": "社会福祉協議会",
    "iryo": "医療機関",
    "other": "その他の関係機関",
}

CONSENT_METHODS: dict[str, str] = {"written": "書面", "oral": "口頭", "electronic": "電子"}

LONGEST_VIEW_DAYS = 90
"""A view limited in time lasts at most this many days."""


def unknown_fields(fields: Iterable[str]) -> list[str]:
    """The keys that are not on the allow-list (nothing else may leave)."""
    return [f for f in fields if f not in SHAREABLE]


def groups_of(fields: Iterable[str]) -> set[str]:
    return {SHAREABLE[f].group for f in fields if f in SHAREABLE}


def outside_groups(fields: Iterable[str], allowed_groups: Iterable[str]) -> list[str]:
    """The labels of the chosen fields whose group the consent does not name."""
    allowed = set(allowed_groups)
    return [SHAREABLE[f].label for f in fields if f in SHAREABLE and SHAREABLE[f].group not in allowed]


def labels(fields: Iterable[str]) -> list[str]:
    return [SHAREABLE[f].label for f in fields if f in SHAREABLE]
