"""Synthetic people and cases of the 基幹福祉相談センター for the demo and tests.

Everything is invented (made-up names from the short lists of `yakuba.admission.synthetic`, with a
number no real person has; addresses in the fictional みどり市). Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from yakuba.admission.synthetic import ADULT, CHILD, FAMILY, KANA, TOWNS

WORRIES = {
    "elderly": ["母の物忘れがひどくなり、火の始末が心配です", "一人暮らしで、買い物に行けなくなりました"],
    "disability": ["息子が家から出られず、将来が不安です", "障がいのある娘の通所先を探しています"],
    "child": ["子どもが学校に行けていません", "ひとり親で、子どもを見てもらえる人がいません"],
    "poverty": ["仕事を失い、家賃が払えません", "借金の返済で生活費が残りません"],
}
SITUATIONS = ["世帯の収入は年金のみ", "親族の支援は受けられない", "近所付き合いはほとんどない", "日中は一人で過ごしている"]
HEALTH = ["要介護2の認定あり、通院は月1回", "精神障害者保健福祉手帳2級", "持病の糖尿病で通院中", "療育手帳B"]
RISKS = ["家賃の滞納が3か月", "火の不始末のおそれ", "孤立", "虐待の疑いは今のところない"]
GOALS = ["安定した収入を得る", "在宅での生活を続ける", "子どもが安心して過ごせる場をつくる", "相談できる相手を増やす"]
TASKS = ["家計相談の予約をとる", "地域包括支援センターに連絡する", "学校と面談する", "ハローワークに同行する",
         "介護保険の申請を手伝う", "通所先の見学に同行する"]
SAID = ["状況に大きな変わりはないとのこと", "申請の書類をそろえた", "本人から不安が強いと話があった", "家族と話し合えたとのこと"]
NEXT = ["来週もう一度電話する", "訪問して様子を確かめる", "関係機関と日程を調整する", ""]


@dataclass
class SyntheticCase:
    people: list[dict[str, Any]]
    domains: list[str]
    route: str
    urgency: str
    worry: str
    days_ago: int
    assessment: dict[str, str] | None = None
    plan: tuple[str, str] | None = None
    tasks: list[tuple[str, int]] = field(default_factory=list)
    """(text, due in days from today; negative: overdue)"""
    records: list[tuple[int, str, str, str, int | None]] = field(default_factory=list)
    """(days ago, method, said, next step, follow-up in days from today)"""
    close: str | None = None


def _person(rng: random.Random, n: int, family: str, age: int, today: dt.date, address: str) -> dict[str, Any]:
    kana, given = (CHILD if age < 18 else ADULT)[rng.randrange(len(CHILD if age < 18 else ADULT))]
    birth = dt.date(today.year - age, 1, 1) + dt.timedelta(days=rng.randrange(360))
    return {"name": f"{family} {given}{n}", "name_kana": f"{KANA[family]} {kana}", "birth_date": birth,
            "address": address, "phone": f"0{rng.randint(100, 999)}-00-{rng.randint(1000, 9999)}",
            "resident_key": str(300000000 + n) if rng.random() < 0.7 else ""}


def make_cases(count: int, today: dt.date, *, seed: int = 13) -> list[SyntheticCase]:
    rng = random.Random(seed)
    domains = ["elderly", "disability", "child", "poverty"]
    out = []
    for i in range(count):
        n = 5001 + i
        main = domains[i % 4]
        ds = [main] + ([domains[(i + 1 + rng.randrange(3)) % 4]] if rng.random() < 0.4 else [])
        family = FAMILY[rng.randrange(len(FAMILY))]
        address = f"みどり市{TOWNS[rng.randrange(len(TOWNS))]}{n}-{rng.randint(1, 30)}"
        age = {"elderly": 80, "disability": 35, "child": 40, "poverty": 50}[main] + rng.randint(-5, 8)
        people = [_person(rng, n, family, age, today, address)]
        if main in ("child", "disability") or rng.random() < 0.3:
            people.append(_person(rng, n + 1000, family, rng.randint(8, 16) if main == "child" else age + 25, today,
                                  address))
        c = SyntheticCase(people=people, domains=list(dict.fromkeys(ds)),
                          route=rng.choice(["visit_centre", "phone", "home_visit", "online", "agency"]),
                          urgency=rng.choices(["urgent", "soon", "normal"], weights=[1, 3, 6])[0],
                          worry=rng.choice(WORRIES[main]), days_ago=rng.randint(1, 120))
        stage = i % 6  # 0: just taken in; 1: assessed; 2–4: support; 5: closed
        if stage >= 1:
            c.assessment = {"situation": rng.choice(SITUATIONS),
                            "health_details": rng.choice(HEALTH) if main in ("elderly", "disability") else "",
                            "risks": rng.choice(RISKS)}
        if stage >= 2:
            c.plan = (f"{rng.choice(SITUATIONS)}ため、関係機関と連携して支える", rng.choice(GOALS))
            c.tasks = [(rng.choice(TASKS), rng.randint(-10, 14)) for _ in range(rng.randint(1, 3))]
            c.records = [(rng.randint(0, min(c.days_ago, 30)), rng.choice(["phone", "home_visit", "visit_centre"]),
                          rng.choice(SAID), rng.choice(NEXT), rng.choice([None, -3, 5]))
                         for _ in range(rng.randint(1, 3))]
        if stage == 5:
            c.close = rng.choice(["resolved", "referred", "moved"])
        out.append(c)
    return out
