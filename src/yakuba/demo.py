"""The demo city (みどり市, fictional): organisations, one login per role, synthetic applicants.

Every name, address and number here is made up by a seeded generator. Idempotent: running it
again keeps what is there; the logins are kept (mode 0600) in `$YAKUBA_DATA/demo-logins.json`.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from pathlib import Path
from typing import Callable

from django.conf import settings
from django.db import transaction

from yakuba.accounts.actions.factor import device_of, do_enroll, secret_of
from yakuba.accounts.grants import without_second_person
from yakuba.accounts.models import Organisation, User
from yakuba.accounts.sensitive import needs_factor
from yakuba.accounts.roles import Role
from yakuba.files import write_bytes_atomic

ORGANISATIONS = [
    ("kodomo", "子ども家庭課", Organisation.Kind.CITY_DEPARTMENT),
    ("suido", "上下水道総務課", Organisation.Kind.CITY_DEPARTMENT),
    ("kenko", "健康増進センター", Organisation.Kind.CITY_DEPARTMENT),
    ("fukushi", "福祉課", Organisation.Kind.CITY_DEPARTMENT),
    ("council", "情報公開・個人情報保護審議会事務局", Organisation.Kind.COUNCIL),
    ("vendor-entry", "株式会社みどりデータ入力(委託先)", Organisation.Kind.VENDOR),
    ("center", "みどり市基幹福祉相談センター(委託先)", Organisation.Kind.CENTER),
    ("agency-houkatsu", "みどり市中央地域包括支援センター", Organisation.Kind.AGENCY),
]

LOGINS = [
    (Role.VENDOR_OPERATOR, "vendor-entry", "operator"),
    (Role.VENDOR_RESPONSIBLE, "vendor-entry", "responsible"),
    (Role.CITY_STAFF, "kodomo", "staff"),
    (Role.CITY_SUPERVISOR, "kodomo", "supervisor"),
    (Role.CITY_STAFF, "suido", "water"),
    (Role.CITY_SUPERVISOR, "suido", "water-chief"),
    (Role.CITY_STAFF, "fukushi", "welfare"),
    (Role.CENTER_WORKER, "center", "worker"),
    (Role.CENTER_WORKER, "center", "worker2"),
    (Role.CENTER_SUPERVISOR, "center", "center-chief"),
    (Role.AGENCY_STAFF, "agency-houkatsu", "agency"),
    (Role.HEALTH_STAFF, "kenko", "health"),
    (Role.COUNCIL_MEMBER, "council", "council"),
    (Role.ADMIN, None, "admin"),
]

DEMO_CITY = "みどり市"


def _logins_path() -> Path:
    return Path(settings.DATA_DIR) / "demo-logins.json"


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, text.encode("utf-8"))


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
    logins = _logins(orgs, LOGINS)

    _applications(orgs["vendor-entry"], progress)
    _water_debit(progress)
    _admission(progress)
    _consult(progress)
    _health(progress)
    _council(progress)
    return logins


def _logins(orgs: dict[str, Organisation], wanted: list[tuple[Role, str | None, str]]) -> list[dict]:
    """One login per entry of `wanted`, its password kept across reruns (in demo-logins.json, 0600)."""
    saved: dict[str, str] = {}
    saved_cookies: dict[str, dict] = {}
    if _logins_path().exists():
        before = json.loads(_logins_path().read_text(encoding="utf-8"))
        saved = {x["username"]: x["password"] for x in before}
        saved_cookies = {x["username"]: x["terminal_cookie"] for x in before if x.get("terminal_cookie")}
    logins = []
    with transaction.atomic():
        for role, org_code, username in wanted:
            user = User.objects.filter(username=username).first()
            password = saved.get(username)
            if user is None:
                user = User(username=username, role=role, organisation=orgs.get(org_code) if org_code else None)
                user.is_staff = user.is_superuser = role == Role.ADMIN
            if password is None or not user.check_password(password):
                password = "demo-" + secrets.token_urlsafe(9)
                user.set_password(password)
            with without_second_person("demo city"):  # the demo's logins need no second person
                user.save()
            logins.append({"role": str(role), "organisation": orgs[org_code].name if org_code else "",
                           "username": username, "password": password, "totp_secret": _totp_secret(user)})
        _terminal_cookies(logins, saved_cookies)
    _write_private(_logins_path(), json.dumps(logins, ensure_ascii=False, indent=2))
    return logins


SECOND_CITY_LOGINS: list[tuple[Role, str | None, str]] = [(Role.HEALTH_STAFF, "kenko", "health"), (Role.ADMIN, None, "admin")]
SECOND_CITY_FIRST_KEY = 770001


def setup_second_city(moved: dict, progress: Callable[[str], None] = lambda m: None) -> list[dict]:
    """The demo's second city (its own installation, database and keys): a 健康増進センター, its logins,
    and the child who moved in from みどり市 (`moved`: the child's name, kana, birth date, sex and birth
    measurements, as the 転入届 gives them), entered under this city's own 宛名番号. Idempotent."""
    from yakuba.health.actions import do_add_child
    from yakuba.health.models import Child
    from yakuba.keyring import get_keyring

    keyring = get_keyring()
    progress("組織とログインを用意しています")
    with transaction.atomic():
        org, _ = Organisation.objects.get_or_create(code="kenko", defaults={
            "name": "健康増進センター", "kind": Organisation.Kind.CITY_DEPARTMENT})
        org.public_key, org.age_recipient = keyring.public_key_text(), keyring.age_recipient()
        org.save()
    logins = _logins({"kenko": org}, SECOND_CITY_LOGINS)
    fields = {k: moved.get(k) for k in ("name", "name_kana", "sex", "birth_weight_g")}
    fields["birth_date"] = dt.date.fromisoformat(str(moved["birth_date"]))
    if not Child.objects.filter(name_kana=fields["name_kana"], birth_date=fields["birth_date"]).exists():
        progress("転入した子を登録しています")
        do_add_child(User.objects.get(username="health"),
                     resident_key=str(SECOND_CITY_FIRST_KEY + Child.objects.count()), **fields)
    return logins


def _terminal_cookies(logins: list[dict], saved: dict[str, dict]) -> None:
    """The centre's logins are on registered terminals: `terminal_cookie` beside the password
    (yakuba.consult.demo_terminal; a cookie still good is kept across reruns)."""
    from yakuba.consult.demo_terminal import terminal_cookies

    users = {x["username"]: User.objects.get(username=x["username"]) for x in logins}
    cookies = terminal_cookies(users, saved)
    for x in logins:
        if x["username"] in cookies:
            x["terminal_cookie"] = cookies[x["username"]]


def _totp_secret(user: User) -> str | None:
    """The second factor of a role that needs one: a confirmed TOTP device, kept across reruns."""
    if not needs_factor(user.role):
        return None
    device = device_of(user)
    return secret_of(device) if device is not None else do_enroll(user, name="demo")[1]


def _water_debit(progress: Callable[[str], None]) -> None:
    """上下水道 口座振替: ~2,000 made-up customers and one month's debit, end to end (yakuba.debit.demo)."""
    from yakuba.debit.demo import run_month

    run_month(User.objects.get(username="water"), progress)


def _admission(progress: Callable[[str], None]) -> None:
    """利用調整: ~600 synthetic applicants, ~40 facilities, a round computed and approved (yakuba.admission.demo)."""
    from yakuba.admission.demo import run

    run(User.objects.get(username="staff"), User.objects.get(username="supervisor"), progress)


def _consult(progress: Callable[[str], None]) -> None:
    """基幹福祉相談センター: a few dozen synthetic cases across the four domains (yakuba.consult.demo)."""
    from yakuba.consult.demo import run

    run(User.objects.get(username="worker"), User.objects.get(username="worker2"),
        User.objects.get(username="center-chief"), progress)


def _health(progress: Callable[[str], None]) -> None:
    """健康増進センター: synthetic children and checkups, imported as a CSV from an older system (yakuba.health.demo)."""
    from yakuba.health.demo import run

    run(User.objects.get(username="health"), progress)


def _council(progress: Callable[[str], None]) -> None:
    """情報公開・個人情報保護審議会: synthetic members and a meeting (yakuba.council.demo)."""
    from yakuba.cityprofile.load import current
    from yakuba.council.demo import run

    run(current().city.name, progress)


def _applications(vendor: Organisation, progress: Callable[[str], None]) -> None:
    """AI-OCR intake: synthetic scanned forms read, partly verified; an earlier batch delivered and
    its scans erased with a certificate (yakuba.intake.demo)."""
    from yakuba.intake.demo import run

    run(vendor, User.objects.get(username="responsible"), User.objects.get(username="operator"),
        User.objects.get(username="staff"), progress)


def print_logins(logins: list[dict]) -> None:
    print("デモのログイン (demo logins):")
    for x in logins:
        totp = f"TOTP {x['totp_secret']}" if x.get("totp_secret") else ""
        print(f"  {x['role']:<20} {x['username']:<12} {x['password']:<20} {totp:<38} {x['organisation']}")
        if x.get("terminal_cookie"):
            c = x["terminal_cookie"]
            print(f"  {'':<20} {'':<12} 端末の Cookie (terminal cookie) {c['name']}={c['value']}")
