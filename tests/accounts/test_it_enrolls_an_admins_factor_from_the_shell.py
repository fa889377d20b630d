"""The first administrator of an installation is made from the shell (`yakuba manage create_admin`),
with its second factor; an administrator who lost the phone gets a new one there
(`yakuba manage enroll_factor`). The secret is printed once, the enrolment audited; a second
administrator made this way waits for the first one's approval, as every grant does."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories
from tests.badinput.helpers import yakuba
from yakuba.accounts.models import RoleGrant, User
from yakuba.accounts.roles import Role
from yakuba.audit.models import AuditEntry

PASSWORD = "a-long-enough-admin-passphrase-7"


def _secret(out: str) -> str:
    found = re.search(r"秘密鍵 \(base32[^:]*\): ([A-Z2-7]+)", out)
    assert found, out
    return found.group(1)


def _code(secret: str) -> str:
    from base64 import b32decode

    return f"{TOTP(b32decode(secret)).token():06d}"


def _create(username: str, monkeypatch: pytest.MonkeyPatch, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("YAKUBA_TEST_ADMIN_PASSWORD", password)
    return yakuba("manage", "create_admin", username, "--password-env", "YAKUBA_TEST_ADMIN_PASSWORD")


@pytest.mark.django_db(transaction=True)  # `yakuba manage` closes the connection when it ends, as manage.py does
def test_it_works(monkeypatch: pytest.MonkeyPatch) -> None:
    ran = _create("first-admin", monkeypatch)
    assert ran.code == 0, ran.err
    secret = _secret(ran.out)
    user = User.objects.get(username="first-admin")
    assert user.role == Role.ADMIN and user.is_active
    assert AuditEntry.objects.filter(action="account.created", target_id=str(user.pk),
                                     detail__second_person="bootstrap").exists()
    enrolled = AuditEntry.objects.get(action="account.factor.enrolled", target_id=str(user.pk))
    assert enrolled.detail["via"] == "shell"
    assert secret not in str(list(AuditEntry.objects.values_list("detail", flat=True)))

    client = Client()
    assert client.post("/login/", {"username": "first-admin", "password": PASSWORD}).status_code == 302
    assert client.get("/admin/")["Location"].startswith("/login/code/")
    response = client.post("/login/code/", {"code": _code(secret), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db(transaction=True)  # `yakuba manage` closes the connection when it ends, as manage.py does
def test_a_second_admin_from_the_shell_waits_for_the_first(monkeypatch: pytest.MonkeyPatch) -> None:
    factories.user(Role.ADMIN, "existing-admin")
    ran = _create("second-admin", monkeypatch)
    assert ran.code == 0, ran.err
    assert "承認するまで有効になりません" in ran.out
    user = User.objects.get(username="second-admin")
    assert user.role != Role.ADMIN
    assert RoleGrant.objects.filter(user=user, role=Role.ADMIN, status=RoleGrant.Status.PENDING).exists()

    client = Client()
    assert client.post("/login/", {"username": "second-admin", "password": PASSWORD}).status_code == 302
    client.post("/login/code/", {"code": _code(_secret(ran.out))})
    assert client.get("/admin/").status_code in (302, 403)


@pytest.mark.django_db(transaction=True)  # `yakuba manage` closes the connection when it ends, as manage.py does
def test_a_new_device_replaces_the_lost_one(monkeypatch: pytest.MonkeyPatch, settings) -> None:  # type: ignore[no-untyped-def]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the old code's failure would otherwise delay the new one
    made = _create("ops-lead", monkeypatch)
    assert made.code == 0, made.err
    first = _secret(made.out)
    ran = yakuba("manage", "enroll_factor", "ops-lead")
    assert ran.code == 0, ran.err
    second = _secret(ran.out)
    assert second != first
    user = User.objects.get(username="ops-lead")
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert AuditEntry.objects.filter(action="account.factor.enrolled", target_id=str(user.pk),
                                     detail__replaced=1).exists()

    client = Client()
    client.post("/login/", {"username": "ops-lead", "password": PASSWORD})
    assert client.post("/login/code/", {"code": _code(first), "next": "/admin/"})["Location"] == "/login/code/"
    assert AuditEntry.objects.filter(action="login.factor_failed", actor_id=user.pk).count() == 1
    assert client.post("/login/code/", {"code": _code(second), "next": "/admin/"})["Location"] == "/admin/"


@pytest.mark.django_db(transaction=True)  # `yakuba manage` closes the connection when it ends, as manage.py does
@pytest.mark.parametrize("argv, says", [
    (["enroll_factor", "nobody-here"], "利用者がいません"),
    (["enroll_factor", "t-vendor_operator"], "二段階認証は要りません"),
    (["create_admin", "t-vendor_operator", "--password-env", "YAKUBA_TEST_ADMIN_PASSWORD"], "すでにいます"),
    (["create_admin", "new-admin", "--password-env", "YAKUBA_TEST_UNSET_VARIABLE"], "パスワードがありません"),
    (["create_admin", "new-admin", "--organisation", "NOPE", "--password-env", "YAKUBA_TEST_ADMIN_PASSWORD"],
     "組織がありません"),
    (["create_admin", "new-admin"], "端末がありません"),
], ids=["unknown", "no-factor-role", "exists", "no-password", "no-org", "no-tty"])
def test_it_refuses_in_one_line(argv: list[str], says: str, monkeypatch: pytest.MonkeyPatch) -> None:
    factories.user(Role.VENDOR_OPERATOR)
    monkeypatch.setenv("YAKUBA_TEST_ADMIN_PASSWORD", PASSWORD)
    monkeypatch.delenv("YAKUBA_TEST_UNSET_VARIABLE", raising=False)
    ran = yakuba("manage", *argv)
    assert ran.code == 1 and not ran.crashed and ran.one_line and says in ran.err, ran.err
    assert not User.objects.filter(username="new-admin").exists()


@pytest.mark.django_db(transaction=True)  # `yakuba manage` closes the connection when it ends, as manage.py does
def test_a_weak_password_makes_no_admin(monkeypatch: pytest.MonkeyPatch) -> None:
    ran = _create("weak-admin", monkeypatch, password="short")
    assert ran.code == 1 and ran.one_line and "規則に合いません" in ran.err, ran.err
    assert not User.objects.filter(username="weak-admin").exists()
    assert not TOTPDevice.objects.exists()
