"""Logins, logouts, failed logins and refused screens go into the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from yakuba.accounts.access import access_denied
from yakuba.audit.log import pseudonym, record


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record("login", request=request, actor=user)


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record("logout", request=request, actor=user)


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))
    user = get_user_model().objects.filter(username=username).first()
    detail = {"user_id": user.pk} if user else {"username_pseudonym": pseudonym(username)}
    record("login.failed", request=request, actor=None, detail=detail)


@receiver(access_denied)
def on_access_denied(sender: Any, request: Any, view: str, **kwargs: Any) -> None:
    record("access.denied", request=request, detail={"view": view})
