"""The demo city's water customers (みどり市, fictional) and one month of direct debit, end to end.

About 2,000 made-up customers with mandates across 15 real banks (public institution codes from
the zengin-code master; the branches are real, the accounts invented), one month's bills, and one
debit run sent through a relay on loopback to the bank simulator: results reconciled, notices
and new-form requests created, and a 再振替 run built — so every screen has something to show.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import shutil
from typing import Any, Callable

from django.db import transaction

# Real bank codes (zengin-code master); a branch of each is drawn from the master too.
DEMO_BANKS = ["0001", "0005", "0009", "0010", "0017", "0033", "0036", "0116", "0125", "0130", "0134", "0138",
              "0143", "0150", "9900"]
MIX = {"0": 0.95, "1": 0.03, "2": 0.01, "3": 0.005, "9": 0.005}

_SURNAMES = [("青木", "アオキ"), ("石川", "イシカワ"), ("上野", "ウエノ"), ("大川", "オオカワ"), ("小林", "コバヤシ"),
             ("川口", "カワグチ"), ("木村", "キムラ"), ("桜井", "サクライ"), ("杉本", "スギモト"), ("高木", "タカギ"),
             ("中西", "ナカニシ"), ("野口", "ノグチ"), ("浜田", "ハマダ"), ("松井", "マツイ"), ("森下", "モリシタ"),
             ("吉川", "ヨシカワ"), ("池田", "イケダ"), ("岡本", "オカモト"), ("西村", "ニシムラ"), ("藤田", "フジタ")]
_GIVEN = [("一郎", "イチロウ"), ("花子", "ハナコ"), ("健太", "ケンタ"), ("由美", "ユミ"), ("大輔", "ダイスケ"),
          ("智子", "トモコ"), ("翔", "シヨウ"), ("彩", "アヤ"), ("修", "オサム"), ("恵", "メグミ"), ("誠", "マコト"),
          ("直子", "ナオコ")]
_TOWNS = ["本町", "中央", "幸町", "柳瀬", "宗岡", "館", "緑が丘", "東町"]
CITY = "みどり市"


def _branches(rng: random.Random) -> dict[str, list[str]]:
    from zengin_code import Bank

    out = {}
    for code in DEMO_BANKS:
        branches = sorted(Bank.all[code].branches)
        out[code] = rng.sample(branches, min(6, len(branches)))
    return out


def create_customers(n: int = 2000, *, period: str, due_date: dt.date, seed: int = 20261126) -> int:
    """`n` made-up customers, each with an active mandate and one unpaid bill for `period`."""
    from yakuba.debit.models import Bill, Customer, Mandate
    from yakuba.zengin.kana import to_zengin

    rng = random.Random(seed)
    branches = _branches(rng)
    customers, mandates, bills = [], [], []
    for i in range(1, n + 1):
        surname, surname_kana = rng.choice(_SURNAMES)
        given, given_kana = rng.choice(_GIVEN)
        customers.append(Customer(
            number=f"{3000000 + i * 7:08d}", name=f"{surname} {given}", name_kana=f"{surname_kana} {given_kana}",
            postal_code=f"999-{rng.randrange(10000):04d}",
            address=f"{CITY}{rng.choice(_TOWNS)}{rng.randrange(1, 9)}-{rng.randrange(1, 30)}-{rng.randrange(1, 20)}",
            phone=f"000-{rng.randrange(1000):04d}-{rng.randrange(10000):04d}" if rng.random() < 0.6 else ""))
    with transaction.atomic():
        Customer.objects.bulk_create(customers, batch_size=500)
        saved = {c.number: c for c in Customer.objects.filter(number__in=[c.number for c in customers])}
        for c in customers:
            bank = rng.choice(DEMO_BANKS)
            customer = saved[c.number]
            mandates.append(Mandate(
                customer=customer, bank_code=bank, branch_code=rng.choice(branches[bank]),
                account_number=f"{rng.randrange(1, 10_000_000):07d}", holder_kana=to_zengin(c.name_kana, 30).text,
                received_on=dt.date(2020, 4, 1) + dt.timedelta(days=rng.randrange(2000)),
                first_debit=rng.random() < 0.03))
            bills.append(Bill(customer=customer, period=period, due_date=due_date,
                              amount=rng.randrange(180, 1200) * 10))
        Mandate.objects.bulk_create(mandates, batch_size=500)
        Bill.objects.bulk_create(bills, batch_size=500)
    return n


def run_month(user: Any, progress: Callable[[str], None] = lambda m: None, *, n: int = 2000) -> dict:
    """Customers, bills, and one month's debit through the relay and the bank simulator."""
    from yakuba.debit.actions import reconciliation, runs, sending
    from yakuba.debit.business_days import next_business_day
    from yakuba.debit.models import Customer
    from yakuba.debit.relay import simulator_dir
    from yakuba.relay.testing import running_relay
    from yakuba.zengin.bank import simulate

    if Customer.objects.exists():
        return {}
    # A relay store left by an earlier demo database would take these files for duplicates.
    shutil.rmtree(simulator_dir(), ignore_errors=True)
    today = dt.date.today()
    first = today.replace(day=1)
    last_month = first - dt.timedelta(days=1)
    debit_date = next_business_day(first.replace(day=26) if today.day >= 26 else last_month.replace(day=26))
    period = f"{(debit_date.replace(day=1) - dt.timedelta(days=1)):%Y-%m}"
    progress(f"架空の水道使用者 {n} 件と口座振替依頼、{period} 分の料金を登録しています")
    create_customers(n, period=period, due_date=debit_date)
    progress("口座振替データを金融機関ごとに作成しています(全銀 種別91、暗号化して保管)")
    run = runs.do_create_run(debit_date, user)
    progress("中継サーバー(ループバック)経由で金融機関(シミュレーター)へ送信し、結果を受け取っています")
    def bank(data: bytes) -> bytes:  # a seed per file: each bank's customers draw their own results
        return simulate(data, mix=MIX, seed=int.from_bytes(hashlib.sha256(data).digest()[:8], "big"))

    with running_relay(simulator_dir(), bank=bank) as relay:
        sending.do_send_run(run, relay.client, user)
        report = reconciliation.do_receive_results(run, relay.client, user, wait=60,
                                                     today=debit_date + dt.timedelta(days=3))
    progress("資金不足の料金で再振替を作成しています")
    retry = runs.do_create_retry_run(run, debit_date + dt.timedelta(days=14), user)
    return {"run": run.pk, "retry": retry.pk, "counts": report.counts}
