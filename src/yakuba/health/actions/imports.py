"""The CSV import: a file from an existing system taken whole or not at all (yakuba.health.importer
parses it; every row is checked as the entry screen checks it, then all are kept in one transaction)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from yakuba.audit.log import record
from yakuba.health import checks
from yakuba.health.actions.records import CHECKUP_FIELDS, check_checkup, check_health_staff
from yakuba.health.errors import HealthError
from yakuba.health.importer import ImportRefused, parse
from yakuba.health.jobs import schedule
from yakuba.health.models import Checkup, Child
from yakuba.linkage.checkup import age_in_months

__all__ = ["ImportResult", "do_import"]


@dataclass(frozen=True)
class ImportResult:
    encoding: str
    rows: int
    children_added: int
    checkups_added: int
    with_warnings: int


def do_import(data: bytes, user: Any, *, request: Any = None, today: dt.date | None = None) -> ImportResult:
    """Take a CSV file whole or not at all: every row checked first, then all kept in one transaction."""
    check_health_staff(user)
    rows, encoding = parse(data)
    problems: list[str] = []
    children: dict[str, Child] = {c.resident_key: c for c in
                                  Child.objects.filter(resident_key__in={r.child["resident_key"] for r in rows})}
    for r in rows:
        existing = children.get(r.child["resident_key"])
        if existing is not None:
            for name in ("birth_date", "sex"):
                if getattr(existing, name) != (r.child[name].value if name == "sex" else r.child[name]):
                    problems.append(f"{r.line}行目 宛名番号: 登録済みの乳幼児と{'生年月日' if name == 'birth_date' else '性別'}が違います")
    added_children = added_checkups = warned = 0
    if problems:
        raise ImportRefused(problems[:20], total=len(problems))
    with transaction.atomic():
        for r in rows:
            child = children.get(r.child["resident_key"])
            if child is None:
                values = dict(r.child)
                values["sex"] = values["sex"].value
                child = Child.objects.create(**values)
                children[child.resident_key] = child
                added_children += 1
            values = dict(r.checkup)
            kind, checkup_date, age = values.pop("kind"), values.pop("checkup_date"), values.pop("age_in_months", None)
            for key in ("judgement", "urine_protein", "urine_blood"):
                if key in values:
                    values[key] = values[key].value
            try:
                issues = check_checkup(child, kind, checkup_date, values, today=today, age=age)
            except HealthError as exc:
                problems.append(f"{r.line}行目: {exc.message}")
                continue
            fields = {k: v for k, v in values.items() if k in CHECKUP_FIELDS}
            warnings = sorted({i.key for i in issues if i.severity == checks.WARNING})
            Checkup.objects.create(child=child, kind=kind, checkup_date=checkup_date,
                                   age_in_months=age_in_months(child.birth_date, checkup_date), warnings=warnings,
                                   source=Checkup.Source.IMPORT, entered_by=user, **fields)
            added_checkups += 1
            warned += bool(warnings)
        if problems:
            transaction.set_rollback(True)
        else:
            record("health.import", request=request, actor=user, target_type="health.checkup",
                   detail={"rows": len(rows), "children": added_children, "checkups": added_checkups,
                           "with_warnings": warned, "encoding": encoding})
            schedule([c.pk for c in children.values()], user)
    if problems:
        raise ImportRefused(problems[:20], total=len(problems))
    return ImportResult(encoding, len(rows), added_children, added_checkups, warned)
