"""Synthetic organisations and users for tests (no real person anywhere)."""

from __future__ import annotations

import datetime as dt

from yakuba.accounts.grants import without_second_person
from yakuba.accounts.models import Organisation, User
from yakuba.accounts.roles import Role

PASSWORD = "correct-horse-battery-staple-42"

ROLE_ORG = {
    Role.VENDOR_OPERATOR: "vendor-entry",
    Role.VENDOR_RESPONSIBLE: "vendor-entry",
    Role.CITY_STAFF: "kodomo",
    Role.CITY_SUPERVISOR: "kodomo",
    Role.COUNCIL_MEMBER: "council",
    Role.CENTER_WORKER: "center",
    Role.CENTER_SUPERVISOR: "center",
    Role.AGENCY_STAFF: "agency",
    Role.HEALTH_STAFF: "kenko",
    Role.ADMIN: None,
}
ORGS = {
    "vendor-entry": ("試験データ入力株式会社", Organisation.Kind.VENDOR),
    "kodomo": ("子ども家庭課", Organisation.Kind.CITY_DEPARTMENT),
    "council": ("審議会事務局", Organisation.Kind.COUNCIL),
    "center": ("試験基幹福祉相談センター", Organisation.Kind.CENTER),
    "agency": ("試験地域包括支援センター", Organisation.Kind.AGENCY),
    "fukushi": ("福祉課", Organisation.Kind.CITY_DEPARTMENT),
    "kenko": ("健康増進センター", Organisation.Kind.CITY_DEPARTMENT),
}


def org(code: str) -> Organisation:
    existing = Organisation.objects.filter(code=code).first()
    if existing:
        return existing
    name, kind = ORGS[code]
    return Organisation.objects.get_or_create(code=code, defaults={"name": name, "kind": kind})[0]


def user(role: str, username: str | None = None, org_code: str | None = "default") -> User:
    code = ROLE_ORG[Role(role)] if org_code == "default" else org_code
    u = User(username=username or f"t-{role}", role=role, organisation=org(code) if code else None)
    u.is_staff = u.is_superuser = role == Role.ADMIN
    u.set_password(PASSWORD)
    with without_second_person("test fixture"):  # a role grant would otherwise wait (accounts.grants)
        u.save()
    return u


def application(vendor: Organisation, n: int = 1, **overrides: object):  # type: ignore[no-untyped-def]
    from yakuba.intake.models import Application

    values = dict(
        receipt_number=f"T-{n:04d}", child_name=f"試験 太郎{n}", child_kana=f"シケン タロウ{n}",
        child_birth_date=dt.date(2023, 5, 1), guardian_name=f"試験 花子{n}", postal_code="999-0001",
        address=f"架空市本町{n}-1-1", phone="000-0000-0000", need_reason="就労(フルタイム)", base_points=20,
    )
    values.update(overrides)
    return Application.objects.create(vendor=vendor, **values)


def terminal(user: User, client=None, *, label: str = "試験端末"):  # type: ignore[no-untyped-def]
    """A registered terminal of `user`'s centre (issued by a センター長 of it when there is one) and its
    cookie's (name, value); with a `client`, the cookie is set on it, as the device's browser holds it."""
    from django.utils import timezone

    from yakuba.consult import terminals as core
    from yakuba.consult.models import Terminal

    issuer = User.objects.filter(organisation_id=user.organisation_id, role=Role.CENTER_SUPERVISOR).order_by("pk").first()
    secret, now = core.new_secret(), timezone.now()
    t = Terminal.objects.create(organisation_id=user.organisation_id, label=label, issued_by=issuer or user,
                                code_hash=core.digest(core.new_code()), code_expires_at=now, registered_at=now,
                                secret_hash=core.digest(secret), expires_at=now + dt.timedelta(days=30))
    cookie = (core.COOKIE, core.cookie_value(t.pk, secret))
    if client is not None:
        client.cookies[cookie[0]] = cookie[1]
    return t, cookie
