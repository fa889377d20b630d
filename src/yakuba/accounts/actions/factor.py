"""The second factor (TOTP, django-otp) of the roles that see names or approve (`sensitive.needs_factor`).

- `needs_verification(user)`: signed in with the password, but the code not yet given; the
  access middleware then sends every page to the code page.
- `do_verify(request, code)`: a right code marks the session verified (and forgets the failed
  attempts); a wrong one is a failed login for django-axes (counted toward the lockout of the
  user name and of the address) and an audit entry; at the limit the session ends.
- `do_enroll(user, by)`: a new confirmed device for `user`, the old ones removed; the secret
  (base32) is returned to be shown once and never stored elsewhere.
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from yakuba.accounts.errors import AccountsError, WrongCode
from yakuba.accounts.sensitive import needs_factor
from yakuba.audit.log import record

LOCKED = "ログインに続けて失敗したため、しばらくログインできません。時間をおいてから、もう一度ログインしてください。"


def needs_verification(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not needs_factor(user.role):
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified() if callable(is_verified) else False)


def device_of(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def secret_of(device: TOTPDevice) -> str:
    """The device's key in base32, as authenticator apps take it."""
    return b32encode(device.bin_key).decode("ascii")


def _locked_out(request: Any, credentials: dict[str, str]) -> None:
    if AxesProxyHandler.is_locked(request, credentials):
        logout(request)
        raise AccountsError(LOCKED, where="login")


def do_verify(request: Any, code: str) -> TOTPDevice:
    user = request.user
    credentials = {"username": user.get_username()}
    _locked_out(request, credentials)
    device = device_of(user)
    if device is None:
        raise AccountsError("二段階認証の端末が登録されていません。管理者に端末の登録を依頼してください。",
                            where="device")
    if not device.verify_token(code.strip()):
        record("login.factor_failed", request=request, actor=user, detail={"user_id": user.pk, "device_id": device.pk})
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        _locked_out(request, credentials)
        raise WrongCode(where="code")
    otp_login(request, device)
    reset(username=user.get_username())
    record("login.factor", request=request, actor=user, detail={"user_id": user.pk, "device_id": device.pk})
    return device


def will_need_factor(user: Any) -> bool:
    """Its role needs a second factor, now or once its pending grant is approved."""
    return needs_factor(user.role) or any(g.status == "pending" and needs_factor(g.role) for g in user.role_grants.all())


def check_enroll(user: Any) -> None:
    if not will_need_factor(user):
        raise AccountsError("この利用者の役割には二段階認証は要りません。", where=f"user {user.pk}")


def do_enroll(user: Any, by: Any = None, *, request: Any = None, name: str = "yakuba") -> tuple[TOTPDevice, str]:
    """A new confirmed device; returns it and its secret (base32), to be shown once."""
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
        record("account.factor.enrolled", request=request, actor=by, target_type="accounts.user", target_id=user.pk,
               detail={"user_id": user.pk, "device_id": device.pk, "replaced": removed, "via": "web" if request else "shell"})
    return device, secret_of(device)


def forget_failures(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """user_logged_in: a role without a second factor is fully signed in by its password."""
    if request is not None and not needs_factor(getattr(user, "role", "")):
        reset(username=user.get_username())
