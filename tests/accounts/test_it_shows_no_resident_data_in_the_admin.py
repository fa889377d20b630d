"""The Django admin holds the organisations and users only: no model with residents' data, no
login attempts (django-axes keeps typed user names and addresses), no TOTP secrets."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client

from tests import factories
from yakuba.accounts.roles import Role

ALLOWED = {"accounts.user", "accounts.organisation", "auth.group"}


def test_it_works() -> None:
    registered = {m._meta.label_lower for m in admin.site._registry}
    assert registered <= ALLOWED, f"on the admin: {sorted(registered - ALLOWED)}"


@pytest.mark.django_db
def test_login_attempts_and_devices_are_not_reachable() -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(factories.user(Role.ADMIN))
    Client().post("/login/", {"username": "a-typed-name", "password": "wrong"})
    index = client.get("/admin/").content.decode()
    assert "axes" not in index.lower() and "otp" not in index.lower()
    for url in ("/admin/axes/accessattempt/", "/admin/axes/accessfailurelog/", "/admin/otp_totp/totpdevice/"):
        assert client.get(url).status_code == 404, url
    assert TOTPDevice.objects.exists()  # the admin's own device exists, just not on a screen
