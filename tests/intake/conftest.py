"""Fixtures of the intake tests: synthetic scans read once, a vendor's two roles, a read batch."""

from __future__ import annotations

import pytest

from tests import factories
from tests.intake import helpers
from yakuba.accounts.roles import Role


@pytest.fixture(scope="session")
def files(tmp_path_factory):  # type: ignore[no-untyped-def]
    return helpers.scans(str(tmp_path_factory.mktemp("scans")), 3)


@pytest.fixture
def fast_reading(monkeypatch):  # type: ignore[no-untyped-def]
    from yakuba.intake.actions import reading

    monkeypatch.setattr(reading, "read_page", helpers.cached_read(reading.read_page))


@pytest.fixture
def responsible(db):  # type: ignore[no-untyped-def]
    return factories.user(Role.VENDOR_RESPONSIBLE)


@pytest.fixture
def operator(db):  # type: ignore[no-untyped-def]
    return factories.user(Role.VENDOR_OPERATOR)


@pytest.fixture
def batch(files, fast_reading, responsible):  # type: ignore[no-untyped-def]
    return helpers.make_batch(files[:2], responsible)
