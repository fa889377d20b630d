"""Roles that see names or approve sign in with a TOTP code after the password; until the code is
given, every page but the code page and logout sends them to it; wrong codes count toward the
lockout and are audited."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories
from tests.accounts.test_access_matrix import _url
from yakuba.accounts.access import routes
from yakuba.accounts.roles import Role
from yakuba.accounts.sensitive import needs_factor
from yakuba.audit.models import AuditEntry

FACTOR_ROLES = [r for r in Role if needs_factor(r)]


def _password_login(role: str, username: str | None = None) -> tuple[Client, object]:
    user = factories.user(role, username)
    client = Client()
    assert client.post("/login/", {"username": user.username, "password": factories.PASSWORD}).status_code == 302
    return client, user


def _code(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + offset)
    return f"{totp.token():06d}"


def test_the_roles_that_need_it_follow_from_the_policy() -> None:
    assert set(FACTOR_ROLES) == {Role.VENDOR_RESPONSIBLE, Role.CITY_STAFF, Role.CITY_SUPERVISOR, Role.ADMIN,
                                 Role.CENTER_WORKER, Role.CENTER_SUPERVISOR, Role.AGENCY_STAFF, Role.HEALTH_STAFF}
    # agency staff see, in clear, the fields a disclosure chose for their organisation (names among them)


@pytest.mark.django_db
@pytest.mark.parametrize("role", FACTOR_ROLES, ids=[r.value for r in FACTOR_ROLES])
def test_it_works(role: str) -> None:
    """Password only: no page of the site (personal data or not, the admin included) opens."""
    client, _ = _password_login(role)
    opened = []
    for route in routes():
        if route.rule is None or route.rule.public or route.rule.before_factor:
            continue
        url = _url(route.pattern)
        response = client.get(url)
        if not (response.status_code == 302 and response["Location"].startswith("/login/code/")):
            opened.append(f"{url} → {response.status_code}")
    assert opened == []


@pytest.mark.django_db
def test_the_right_code_opens_the_site_and_is_audited() -> None:
    client, user = _password_login(Role.CITY_STAFF)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page = client.get("/login/code/?next=/jobs/").content.decode()
    assert 'autocomplete="one-time-code"' in page and "autofocus" in page and 'inputmode="numeric"' in page
    response = client.post("/login/code/", {"code": _code(device), "next": "/jobs/"})
    assert response.status_code == 302 and response["Location"] == "/jobs/"
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="login.factor", actor_id=user.pk).exists()


@pytest.mark.django_db
def test_roles_without_names_need_no_code() -> None:
    client, _ = _password_login(Role.VENDOR_OPERATOR)
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_wrong_codes_lock_the_user_out(settings) -> None:  # type: ignore[no-untyped-def]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own slowdown aside: axes' lockout is tested
    client, user = _password_login(Role.CITY_SUPERVISOR)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        last = client.post("/login/code/", {"code": wrong})
    assert last.status_code == 429
    assert AuditEntry.objects.filter(action="login.factor_failed", actor_id=user.pk).count() == settings.AXES_FAILURE_LIMIT
    assert client.get("/").status_code == 302  # the session ended
    # the right password and the right code do not help until the cool-off is over
    again = Client()
    assert again.post("/login/", {"username": user.username, "password": factories.PASSWORD}).status_code == 429


@pytest.mark.django_db
def test_a_new_password_login_does_not_forget_the_wrong_codes(settings) -> None:  # type: ignore[no-untyped-def]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client, user = _password_login(Role.ADMIN)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/login/code/", {"code": wrong})
    client.post("/login/", {"username": user.username, "password": factories.PASSWORD})
    assert client.post("/login/code/", {"code": wrong}).status_code == 429


@pytest.mark.django_db
def test_an_admin_enrolls_a_device_and_sees_the_secret_once() -> None:
    admin = factories.user(Role.ADMIN, "admin-1")
    staff = factories.user(Role.CITY_STAFF, "staff-1")
    client = Client()
    client.force_login(admin)
    assert "staff-1" in client.get("/accounts/devices/").content.decode()
    response = client.post("/accounts/devices/", {"user": staff.pk})
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', response.content.decode()).group(1)
    assert response["Cache-Control"] == "no-store"
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed and secret not in client.get("/accounts/devices/").content.decode()
    entry = AuditEntry.objects.get(action="account.factor.enrolled")
    assert entry.actor_id == admin.pk and secret not in str(entry.chain_fields())
