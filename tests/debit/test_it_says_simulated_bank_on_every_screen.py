"""The bank simulator runs only when configured so (the profile's `relay = "simulator"` or
YAKUBA_DEBIT_RELAY=simulator), and while it does every screen says 「模擬銀行」; a real relay, or
none, and the banner is gone (a relay-sim folder in the data directory chooses nothing)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests import cityprofiles, factories
from tests.debit.conftest import water_user
from yakuba.accounts.roles import Role
from yakuba.debit.relay import configured

BANNER = 'data-testid="simulated-bank"'
SIMULATOR = re.compile(r'^relay = "simulator"$', re.M)


def pages(user) -> list[str]:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return [client.get(url).content.decode() for url in ("/", "/debit/")]


@pytest.mark.django_db
def test_it_says_so_on_every_screen_while_the_simulator_is_configured(settings) -> None:
    settings.DEBIT_RELAY = None  # the demo profile's relay = "simulator"
    assert configured() == "simulator"
    shown = pages(water_user())
    assert all(BANNER in page and "模擬銀行" in page for page in shown)
    other = Client()
    other.force_login(factories.user(Role.VENDOR_OPERATOR))
    assert BANNER in other.get("/").content.decode()


@pytest.mark.django_db
def test_it_has_no_banner_and_no_simulator_with_a_real_relay_or_none(settings, monkeypatch, tmp_path) -> None:
    settings.DEBIT_RELAY = None
    settings.DATA_DIR = tmp_path
    (tmp_path / "relay-sim").mkdir()
    certs = tmp_path / "certs"
    certs.mkdir()
    for name in ("client.pem", "client.key", "ca.pem"):
        (certs / name).write_text("-----BEGIN TEST-----\n", encoding="utf-8")
    debit = (cityprofiles.DEMO_PROFILE / "debit.toml").read_text(encoding="utf-8")
    real = SIMULATOR.sub(f'[relay]\nurl = "https://relay.example.lg.jp:8443"\ncert = "{certs}/client.pem"\n'
                         f'key = "{certs}/client.key"\nca = "{certs}/ca.pem"\n', debit)
    cityprofiles.use(monkeypatch, cityprofiles.copy_demo(tmp_path / "real", debit_toml=real))
    assert configured()["url"] == "https://relay.example.lg.jp:8443"
    user = water_user()
    assert not any(BANNER in page for page in pages(user))
    cityprofiles.use(monkeypatch, cityprofiles.copy_demo(tmp_path / "none", debit_toml=SIMULATOR.sub("", debit)))
    assert configured() is None
    assert not any(BANNER in page for page in pages(user))
    settings.DEBIT_RELAY = "simulator"  # the environment says so (YAKUBA_DEBIT_RELAY=simulator)
    assert all(BANNER in page for page in pages(user))

