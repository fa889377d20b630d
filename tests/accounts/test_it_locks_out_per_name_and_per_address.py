"""django-axes locks a user name whatever the address, and an address whatever the user names:
guessing one account from many machines, and spraying one password over many accounts from one
machine, are both stopped."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from yakuba.accounts.roles import Role


def _try(address: str, username: str, password: str = "wrong-password-1") -> int:
    return Client(REMOTE_ADDR=address).post("/login/", {"username": username, "password": password}).status_code


@pytest.mark.django_db
def test_it_works(settings) -> None:  # type: ignore[no-untyped-def]
    """One name from many addresses."""
    factories.user(Role.VENDOR_OPERATOR, username="target")
    for i in range(settings.AXES_FAILURE_LIMIT):
        _try(f"198.51.100.{i + 1}", "target")
    assert _try("203.0.113.77", "target", factories.PASSWORD) == 429


@pytest.mark.django_db
def test_one_address_over_many_names_is_locked(settings) -> None:  # type: ignore[no-untyped-def]
    factories.user(Role.VENDOR_OPERATOR, username="someone")
    for i in range(settings.AXES_FAILURE_LIMIT):
        _try("198.51.100.9", f"name-{i}", "Spring2026!")
    assert _try("198.51.100.9", "someone", factories.PASSWORD) == 429
    assert _try("203.0.113.5", "someone", factories.PASSWORD) == 302  # the account itself is not locked


@pytest.mark.django_db
def test_below_the_limit_nothing_is_locked(settings) -> None:  # type: ignore[no-untyped-def]
    factories.user(Role.VENDOR_OPERATOR, username="someone")
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        _try("198.51.100.9", f"name-{i}")
    assert _try("198.51.100.9", "someone", factories.PASSWORD) == 302
