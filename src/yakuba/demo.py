"""The demo city (みどり市, fictional): organisations, one login per role, synthetic applicants.

Every name, address and number here is made up by a seeded generator. Idempotent: running it
again keeps what is there; the logins are kept (mode 0600) in `$YAKUBA_DATA/demo-logins.json`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import secrets
from pathlib import Path
from typing import Callable

from django.conf import settings
from django.db import transaction

from yakuba.accounts.models import Organisation, User
from yakuba.accounts.roles import Role

ORGANISATIONS = [
    ("kodomo", "子ども家庭課", Organisation.Kind.CITY_DEPARTMENT),
    ("suido", "上下水道総務課", Organisation.Kind.CITY_DEPARTMENT),
    ("kenko", "健康増進センター", Organisation.Kind.CITY_DEPARTMENT),
    ("fukushi", "福祉課", Organisation.Kind.CITY_DEPARTMENT),
    ("council", "情報公開・個人情報保護審議会事務局", Organisation.Kind.COUNCIL),
    ("vendor-entry", "株式会社みどりデータ入力(委託先)", Organisation.Kind.VENDOR),
]

LOGINS = [
    (Role.VENDOR_OPERATOR, "vendor-entry", "operator"),
    (Role.VENDOR_RESPONSIBLE, "vendor-entry", "responsible"),
    (Role.CITY_STAFF, "kodomo", "staff"),
    (Role.CITY_SUPERVISOR, "kodomo", "supervisor"),
    (Role.CITY_STAFF, "suido", "water"),
    (Role.CITY_SUPERVISOR, "suido", "water-chief"),
    (Role.COUNCIL_MEMBER, "council", "council"),
    (Role.ADMIN, None, "admin"),
]

# Syllables for made-up names: common-looking but generated, never taken from any register.
_SURNAMES = ["青木", "石川", "上野", "大川", "小林", "川口", "木村", "桜井", "杉本", "高木", "中西", "野口", "浜田", "松井", "森下", "吉川"]
_SURNAME_KANA = ["アオキ", "イシカワ", "ウエノ", "オオカワ", "コバヤシ", "カワグチ", "キムラ", "サクライ", "スギモト", "タカギ", "ナカニシ", "ノグチ", "ハマダ", "マツイ", "モリシタ", "ヨシカワ"]
_CHILD = [("はると", "ハルト"), ("ゆい", "ユイ"), ("そうた", "ソウタ"), ("めい", "メイ"), ("れん", "レン"), ("あおい", "アオイ"), ("ひなた", "ヒナタ"), ("さくら", "サクラ")]
_GUARDIAN = ["一郎", "花子", "健太", "由美", "大輔", "智子", "翔", "彩"]
_TOWNS = ["本町", "中央", "幸町", "柳瀬", "宗岡", "館"]
_NEEDS = [("就労(フルタイム)", 20), ("就労(パートタイム)", 14), ("出産", 12), ("疾病", 16), ("介護", 14), ("就学", 12)]
DEMO_CITY = "みどり市"


def demo_applicants(n: int = 24, seed: int = 20261126) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(1, n + 1):
        s = rng.randrange(len(_SURNAMES))
        child, child_kana = rng.choice(_CHILD)
        need, points = rng.choice(_NEEDS)
        birth = dt.date(2021, 4, 2) + dt.timedelta(days=rng.randrange(365 * 5))
        rows.append({
            "receipt_number": f"R8-{i:04d}",
            "child_name": f"{_SURNAMES[s]} {child}",
            "child_kana": f"{_SURNAME_KANA[s]} {child_kana}",
            "child_birth_date": birth,
            "guardian_name": f"{_SURNAMES[s]} {rng.choice(_GUARDIAN)}",
            "postal_code": f"999-{rng.randrange(10000):04d}",
            "address": f"{DEMO_CITY}{rng.choice(_TOWNS)}{rng.randrange(1, 9)}-{rng.randrange(1, 30)}-{rng.randrange(1, 20)}",
            "phone": f"000-{rng.randrange(1000):04d}-{rng.randrange(10000):04d}",
            "need_reason": need,
            "base_points": points,
            "wishes": [f"N{rng.randrange(1, 12):03d}" for _ in range(3)],
        })
    return rows


def _logins_path() -> Path:
    return Path(settings.DATA_DIR) / "demo-logins.json"


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def setup_demo(progress: Callable[[str], None] = lambda m: None) -> list[dict]:
    from yakuba.keyring import get_keyring

    keyring = get_keyring()
    progress("組織を登録しています")
    with transaction.atomic():
        orgs = {}
        for code, name, kind in ORGANISATIONS:
            org, _ = Organisation.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})
            # One installation hosts every organisation in the demo, so they share its keys.
            org.public_key, org.age_recipient = keyring.public_key_text(), keyring.age_recipient()
            org.save()
            orgs[code] = org

    progress("ログインを用意しています")
    saved: dict[str, str] = {}
    if _logins_path().exists():
        saved = {x["username"]: x["password"] for x in json.loads(_logins_path().read_text(encoding="utf-8"))}
    logins = []
    with transaction.atomic():
        for role, org_code, username in LOGINS:
            user = User.objects.filter(username=username).first()
            password = saved.get(username)
            if user is None:
                user = User(username=username, role=role, organisation=orgs.get(org_code) if org_code else None)
                user.is_staff = user.is_superuser = role == Role.ADMIN
            if password is None or not user.check_password(password):
                password = "demo-" + secrets.token_urlsafe(9)
                user.set_password(password)
            user.save()
            logins.append({"role": str(role), "organisation": orgs[org_code].name if org_code else "",
                           "username": username, "password": password})
    _write_private(_logins_path(), json.dumps(logins, ensure_ascii=False, indent=2))

    _applications(orgs["vendor-entry"], progress)
    _water_debit(progress)
    return logins


def _water_debit(progress: Callable[[str], None]) -> None:
    """上下水道 口座振替: ~2,000 made-up customers and one month's debit, end to end (yakuba.debit.demo)."""
    from yakuba.debit.demo import run_month

    run_month(User.objects.get(username="water"), progress)


def _applications(vendor: Organisation, progress: Callable[[str], None]) -> None:
    from yakuba.intake.models import Application
    from yakuba.vault.models import StoredObject
    from yakuba.vault.service import erase, store

    if Application.objects.exists():
        return
    progress("架空の入園申請を登録しています")
    responsible = User.objects.get(username="responsible")
    with transaction.atomic():
        for row in demo_applicants():
            Application.objects.create(vendor=vendor, status=Application.Status.CHECKING, **row)
    progress("スキャン画像(架空)を暗号化して保管しています")
    for batch in ("R8-前回分", "R8-第1便"):
        for i in range(3):
            store(io.BytesIO(_synthetic_scan(batch, i)), kind=StoredObject.Kind.SCAN,
                  description=f"申請書スキャン {batch} {i + 1}枚目", organisation=vendor, user=responsible,
                  categories=["name", "address", "birth_date", "circumstances"], batch=batch)
    progress("前回分のスキャン画像を消去し、消去証明書を発行しています")
    erase(StoredObject.objects.filter(batch="R8-前回分"), user=responsible, summary="申請書スキャン R8-前回分")


def _synthetic_scan(batch: str, index: int) -> bytes:
    """A small grey image (PGM) standing in for a scanned form."""
    rng = random.Random(f"{batch}-{index}")
    width, height = 64, 48
    pixels = bytes(rng.randrange(200, 256) for _ in range(width * height))
    return f"P5 {width} {height} 255\n".encode() + pixels


def print_logins(logins: list[dict]) -> None:
    print("デモのログイン (demo logins):")
    for x in logins:
        print(f"  {x['role']:<20} {x['username']:<12} {x['password']:<20} {x['organisation']}")
