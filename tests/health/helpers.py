"""Synthetic children and checkups for the health tests (no real person anywhere)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests import factories
from yakuba.health.models import Checkup, Child


def staff():  # type: ignore[no-untyped-def]
    return factories.user("health_staff")


def child(n: int = 1, *, birth_date: dt.date = dt.date(2024, 1, 10), sex: str = "female") -> Child:
    return Child.objects.create(resident_key=f"{900000 + n}", name=f"試験 はな{n}", name_kana=f"シケン ハナ{n}",
                                birth_date=birth_date, sex=sex, birth_weight_g=3050, birth_length_cm=Decimal("49.0"))


def checkup(c: Child, user, kind: str = "m3_4", checkup_date: dt.date = dt.date(2024, 5, 20),  # type: ignore[no-untyped-def]
            **values: object) -> Checkup:
    from yakuba.linkage.checkup import age_in_months

    defaults: dict[str, object] = {"height_cm": Decimal("62.0"), "weight_kg": Decimal("6.500"),
                                   "chest_cm": Decimal("40.5"), "head_cm": Decimal("40.0"), "judgement": "healthy"}
    defaults.update(values)
    return Checkup.objects.create(child=c, kind=kind, checkup_date=checkup_date,
                                  age_in_months=age_in_months(c.birth_date, checkup_date), entered_by=user, **defaults)
