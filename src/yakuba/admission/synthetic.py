"""Synthetic residents, applications, incomes and facilities for the demo, tests and benchmark.

Everything is invented (fictional city みどり市, made-up names from short lists, addresses with
numbers no street has). Deterministic for a seed. The applications are written exactly as the
vendor delivers them (`docs/formats/intake-delivery.md`), so the import path is the real one.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yakuba.delivery import FORMAT, HEADER_FILE, RECORDS_FILE, dumps, header_bytes

FAMILY = ["緑野", "青葉", "若葉", "白樺", "朝日", "夕凪", "葉月", "水無", "小春", "星野", "月岡", "雪村", "花房", "森下", "川瀬", "野分"]
CHILD = [("ハル", "陽"), ("ソラ", "空"), ("ミオ", "澪"), ("リン", "凛"), ("ユイ", "結"), ("アオイ", "葵"), ("レン", "蓮"),
         ("メイ", "芽衣"), ("カイ", "櫂"), ("ナギ", "凪"), ("サク", "朔"), ("ヒナ", "陽菜"), ("トワ", "永遠"), ("ユウ", "悠")]
ADULT = [("ケイ", "圭"), ("ミカ", "美香"), ("ジュン", "純"), ("サトミ", "里美"), ("タクミ", "匠"), ("ナオ", "奈央"),
         ("ショウ", "翔"), ("アヤ", "綾"), ("ダイチ", "大地"), ("マイ", "舞")]
KANA = {"緑野": "ミドリノ", "青葉": "アオバ", "若葉": "ワカバ", "白樺": "シラカバ", "朝日": "アサヒ", "夕凪": "ユウナギ",
        "葉月": "ハヅキ", "水無": "ミナシ", "小春": "コハル", "星野": "ホシノ", "月岡": "ツキオカ", "雪村": "ユキムラ",
        "花房": "ハナブサ", "森下": "モリシタ", "川瀬": "カワセ", "野分": "ノワキ"}
TOWNS = ["本町", "栄町", "緑町", "若葉台", "桜ケ丘", "東町", "西町", "南町"]
FIELD_IDS = [
    "child_kana", "child_name", "child_sex_male", "child_sex_female", "child_birth", "postal_code", "phone", "address",
    *(f"guardian{g}_{k}" for g in (1, 2) for k in (
        "kana", "name", "relation", "employer", "days", "hours", "emp_regular", "emp_parttime", "emp_self", "emp_other",
        "need_work", "need_birth", "need_illness", "need_care", "need_study", "need_jobseeking")),
    "sibling1_kana", "sibling1_name", "sibling1_birth", "sibling2_kana", "sibling2_name", "sibling2_birth",
    "wish1", "wish2", "wish3", "wish4", "wish5", "start_month",
]


@dataclass
class Population:
    facilities: list[tuple[str, str, list[int]]]
    residents: list[dict[str, Any]]
    records: list[dict[str, Any]]
    incomes: dict[str, int]
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)
    """receipt number → the city's facts (調整点) for that child."""


def make_facilities(n: int, rng: random.Random) -> list[tuple[str, str, list[int]]]:
    kinds = ["保育園", "こども園", "保育所", "乳児園"]
    out = []
    for i in range(n):
        code = f"{1001 + i}"
        town = TOWNS[i % len(TOWNS)]
        name = f"みどり市立{town}{kinds[i % len(kinds)]}" if i % 3 == 0 else f"{town}第{i // len(TOWNS) + 1}{kinds[i % len(kinds)]}"
        infant = kinds[i % len(kinds)] == "乳児園"
        cap = [rng.randint(0, 4), rng.randint(1, 5), rng.randint(1, 5)] + ([0, 0, 0] if infant else
                                                                            [rng.randint(0, 3), rng.randint(0, 2), rng.randint(0, 2)])
        out.append((code, name, cap))
    return out


def make_population(children: int, facilities: int, admission_year: int, *, seed: int = 7,
                    batch: str = "B0001", receipt_start: int = 1) -> Population:
    rng = random.Random(seed)
    facs = make_facilities(facilities, rng)
    codes = [c for c, _, _ in facs]
    weights = [rng.uniform(0.3, 3.0) for _ in codes]
    residents: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    incomes: dict[str, int] = {}
    facts: dict[str, dict[str, Any]] = {}
    atena = 100000000 + seed * 1000000 + receipt_start * 10
    for i in range(children):
        n = receipt_start + i
        family = FAMILY[rng.randrange(len(FAMILY))]
        ckana, cname = CHILD[rng.randrange(len(CHILD))]
        cname = f"{family} {cname}{n}"
        age = rng.choices(range(6), weights=[3, 5, 3, 2, 1, 1])[0]
        birth = dt.date(admission_year - age - 1, 4, 2) + dt.timedelta(days=rng.randrange(360))
        address = f"みどり市{TOWNS[rng.randrange(len(TOWNS))]}{n}-{rng.randint(1, 30)}-{rng.randint(1, 9)}"
        single = rng.random() < 0.12
        adults = 1 if single else 2
        g = []
        for k, pick in enumerate(rng.sample(range(len(ADULT)), adults)):
            akana, aname = ADULT[pick]
            atena += 1
            g.append({"atena_number": str(atena), "name": f"{family} {aname}{n}", "kana": f"{KANA[family]} {akana}",
                      "birth_date": dt.date(admission_year - rng.randint(25, 45), rng.randint(1, 12), rng.randint(1, 28)),
                      "address": address})
            incomes[str(atena)] = rng.choice([0, 0, 30000, 48000, 60000, 97000, 120000, 169000, 250000, 301000])
        atena += 1
        residents.append({"atena_number": str(atena), "name": cname, "kana": f"{KANA[family]} {ckana}",
                          "birth_date": birth, "address": address})
        residents.extend(g)
        wishes = []
        for _ in range(rng.randint(1, 5)):
            w = rng.choices(codes, weights=weights)[0]
            if w not in wishes:
                wishes.append(w)
        lines = []
        f = {k: "" for k in FIELD_IDS}
        f.update({"child_kana": f"{KANA[family]} {ckana}", "child_name": cname, "child_birth": birth.isoformat(),
                  "child_sex_male": "1" if n % 2 else "0", "child_sex_female": "0" if n % 2 else "1",
                  "postal_code": "9990001", "phone": f"0000{n:06d}", "address": address,
                  "start_month": f"{admission_year}-04"})
        for k, person in enumerate(g, 1):
            days, hours = rng.choice([(5, 8), (5, 8), (5, 6), (4, 6), (3, 4)])
            points = 20 if days == 5 and hours >= 8 else (16 if hours >= 6 else 12)
            lines.append({"guardian": f"guardian{k}", "points": points, "reason": f"就労(週{days}日・1日{hours}時間)"})
            f.update({f"guardian{k}_name": person["name"], f"guardian{k}_kana": person["kana"],
                      f"guardian{k}_relation": "父" if k == 2 else "母", f"guardian{k}_days": str(days),
                      f"guardian{k}_hours": str(hours), f"guardian{k}_need_work": "1",
                      f"guardian{k}_emp_regular": "1" if points == 20 else "0",
                      f"guardian{k}_emp_parttime": "0" if points == 20 else "1"})
        if single:
            lines.append({"guardian": "guardian2", "points": 20, "reason": "不在(ひとり親等)"})
        for k, w in enumerate(wishes, 1):
            f[f"wish{k}"] = w
        receipt = f"{batch}-{n:04d}"
        total = sum(x["points"] for x in lines)
        records.append({"format": FORMAT, "receipt_number": receipt, "batch": batch, "page": receipt,
                        "scan_page": f"page-{n:04d}.png", "fields": f,
                        "base_points": {"total": total, "lines": lines, "problems": [], "confirmed_by_responsible": False},
                        "verification": {"accepted": 50, "verified": 2}})
        fact: dict[str, Any] = {}
        if single:
            fact["single_parent"] = True
        if rng.random() < 0.2:
            fact["returning_from_leave"] = True
        if rng.random() < 0.08 and wishes:
            fact["siblings_enrolled"] = [wishes[-1]]
        if rng.random() < 0.05:
            fact["grandparent_caregiver"] = True
        if fact:
            facts[receipt] = fact
    return Population(facs, residents, records, incomes, facts)


def write_delivery(folder: Path, records: list[dict[str, Any]], *, batch: str = "B0001",
                   sender: str = "vendor-entry", recipient: str = "kodomo") -> list[Path]:
    """batch.json and applications.jsonl as the vendor writes them (`yakuba.delivery`).

    The records are written as given, their `format` included, so that a test can deliver one
    of another format."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in delivery_files(records, batch=batch, sender=sender, recipient=recipient):
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    return paths


def delivery_files(records: list[dict[str, Any]], *, batch: str = "B0001", sender: str = "vendor-entry",
                   recipient: str = "kodomo") -> list[tuple[str, bytes]]:
    """The files of :func:`write_delivery` in memory, as (name, bytes) for a package."""
    header = {"batch": batch, "name": "R8-第1便", "sender": sender, "recipient": recipient,
              "records": len(records), "template": "application", "fields": len(FIELD_IDS),
              "points_table": "みどり市 保育所等利用調整基準(基準指数)デモ", "created_at": "2026-11-27T10:15:00+09:00"}
    return [(HEADER_FILE, header_bytes(header)),
            (RECORDS_FILE, "".join(dumps(r) + "\n" for r in records).encode("utf-8"))]


def income_csv(incomes: dict[str, int], *, encoding: str = "utf-8") -> bytes:
    lines = ["宛名番号,所得割額,備考"] + [f"{k},{v}," for k, v in incomes.items()]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def write_income_csv(path: Path, incomes: dict[str, int], *, encoding: str = "utf-8") -> Path:
    path.write_bytes(income_csv(incomes, encoding=encoding))
    return path


def facilities_csv(facilities: list[tuple[str, str, list[int]]]) -> bytes:
    lines = ["施設ID,施設名," + ",".join(f"{a}歳定員" for a in range(6))]
    lines += [f"{c},{n}," + ",".join(str(x) for x in cap) for c, n, cap in facilities]
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_facilities_csv(path: Path, facilities: list[tuple[str, str, list[int]]]) -> Path:
    path.write_bytes(facilities_csv(facilities))
    return path


def load_residents(residents: list[dict[str, Any]]) -> int:
    """The city's copy of the 住民記録 (demo and tests: synthetic)."""
    from yakuba.admission.models import Resident

    Resident.objects.bulk_create([Resident(**r) for r in residents], batch_size=1000, ignore_conflicts=True)
    return len(residents)


def apply_facts(facts: dict[str, dict[str, Any]], admission_year: int) -> None:
    """The city's own facts (調整点) per application, as staff would enter them."""
    from yakuba.admission.models import Application

    apps = list(Application.objects.filter(admission_year=admission_year, receipt_number__in=list(facts)))
    for a in apps:
        a.facts = facts[a.receipt_number]
    Application.objects.bulk_update(apps, ["facts"], batch_size=1000)
