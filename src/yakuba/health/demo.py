"""The demo city's 健康増進センター: synthetic children and their checkups, brought in through the CSV import
(the path a city takes from its existing system), a few with values that ask for the staff's look.

Everything here is made up: names from a small list of synthetic ones, measurements drawn inside the
growth reference (a few deliberately outside it). Nothing runs unless the demo asks for it.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, Callable

from yakuba.health.growth import reference
from yakuba.health.importer import COLUMNS
from yakuba.health.models import Child
from yakuba.linkage.checkup import CheckupKind, Sex, age_in_months

FAMILY = ["試験", "見本", "仮野", "例田", "模擬"]
GIVEN = {Sex.MALE: ["たろう", "じろう", "けんた", "ゆうと"], Sex.FEMALE: ["はなこ", "さくら", "みお", "ゆい"]}
KANA = {"試験": "シケン", "見本": "ミホン", "仮野": "カリノ", "例田": "レイダ", "模擬": "モギ"}
GIVEN_KANA = {"たろう": "タロウ", "じろう": "ジロウ", "けんた": "ケンタ", "ゆうと": "ユウト", "はなこ": "ハナコ",
              "さくら": "サクラ", "みお": "ミオ", "ゆい": "ユイ"}
CHILDREN = 30
FIRST_KEY = 880001


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + y, m + 1, min(day.day, 28))


def demo_csv(today: dt.date, *, n: int = CHILDREN, seed: int = 10) -> bytes:
    """A CSV in the import layout (Shift_JIS, as many existing systems write it)."""
    rng = random.Random(seed)
    ref = reference()
    headers = [c.header for c in COLUMNS if c.header not in ("出生時身長", "在胎週数", "精密検査受診日", "歯科所見", "眼", "耳")]
    lines = [",".join(headers)]
    for i in range(n):
        sex = Sex.MALE if i % 2 else Sex.FEMALE
        birth = today - dt.timedelta(days=rng.randint(130, 4 * 365))
        family = rng.choice(FAMILY)
        given = rng.choice(GIVEN[sex])
        birth_weight = rng.randint(2600, 3600)
        for kind in CheckupKind:
            low, _high = kind.months
            on = _add_months(birth, low) + dt.timedelta(days=rng.randint(0, 25))
            if on >= today:
                break
            months = age_in_months(birth, on)
            values: dict[str, Any] = {}
            for measure, places in (("height_cm", 1), ("weight_kg", 3), ("chest_cm", 1), ("head_cm", 1)):
                band = ref.band(measure, sex, months)
                assert band is not None
                t = rng.uniform(0.1, 0.9) if i % 11 else rng.uniform(-0.35, -0.05)  # every 11th child: light
                values[measure] = f"{band.p3 + (band.p97 - band.p3) * t:.{places}f}"
            row = {"宛名番号": str(FIRST_KEY + i), "氏名": f"{family} {given}",
                   "氏名カナ": f"{KANA[family]} {GIVEN_KANA[given]}", "生年月日": birth.isoformat(),
                   "性別": sex.label, "出生時体重": str(birth_weight), "健診": kind.label,
                   "健診受診日": on.isoformat(), "受診時月齢": str(months), "身長": values["height_cm"],
                   "体重": values["weight_kg"], "胸囲": values["chest_cm"], "頭囲": values["head_cm"],
                   "判定": rng.choice(["健康・要観察"] * 8 + ["要指導"]),
                   "検尿蛋白": "-" if kind is CheckupKind.THREE else "", "検尿潜血": "-" if kind is CheckupKind.THREE else "",
                   "栄養": "良" if kind is CheckupKind.TODDLER else "",
                   "むし歯": str(rng.choice([0, 0, 0, 1, 2])) if kind is not CheckupKind.INFANT else ""}
            lines.append(",".join(row.get(h, "") for h in headers))
    return ("\r\n".join(lines) + "\r\n").encode("cp932")


def run(staff: Any, progress: Callable[[str], None] = lambda m: None, *, today: dt.date | None = None) -> None:
    """Import the demo's children once (a rerun finds them there and changes nothing)."""
    from django.utils import timezone

    from yakuba.health.actions import do_import

    if Child.objects.filter(resident_key=str(FIRST_KEY)).exists():
        return
    progress("健康増進センター: 乳幼児健診の記録を取り込んでいます")
    today = today or timezone.localdate()
    do_import(demo_csv(today), staff, today=today)
