"""In tests/consult, `client.force_login(user)` of a centre role also puts the client on a registered
terminal of the user's centre (tests.factories.terminal), as the demo's logins are: the tests of
other behaviours keep logging in with one line. The terminal tests log in without one
(`tests.consult.helpers.login_without_terminal`)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _terminal_for_force_login(monkeypatch: pytest.MonkeyPatch, _second_factor_for_force_login: None) -> None:
    from django.test import Client

    from tests import factories
    from yakuba.accounts.roles import CENTER_ROLES

    inner = Client.force_login

    def force_login(self, user, backend=None):  # type: ignore[no-untyped-def]
        inner(self, user, backend)
        if getattr(user, "role", "") in CENTER_ROLES and user.organisation_id \
                and not getattr(self, "without_terminal", False):
            factories.terminal(user, self)

    monkeypatch.setattr(Client, "force_login", force_login)
