"""Browser tests: Playwright (sync API) driving Debian's chromium against pytest-django's live server.

Never `playwright install` (it downloads a browser; these machines have no internet): the tests
drive /usr/bin/chromium (`scripts/setup --with-browser` installs it). Without it, the browser
modules skip themselves with a clear reason (see `needs_chromium`).

One browser per test module, a fresh context (cookies, storage) per test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"{CHROMIUM} がありません / is missing: install Debian's chromium (scripts/setup --with-browser)",
)
"""For a browser test module's `pytestmark`: skip only when the browser itself is missing."""

TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def _async_unsafe_allowed() -> Iterator[None]:
    """Playwright's sync API keeps an asyncio event loop in this thread; Django then refuses ORM
    calls from it (SynchronousOnlyOperation). Allow them for the browser modules only, and put the
    environment back afterwards so the rest of the suite keeps Django's check."""
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if before is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="module")
def browser(_async_unsafe_allowed: None) -> Iterator["Browser"]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: "Browser", live_server, transactional_db) -> Iterator["Page"]:  # type: ignore[no-untyped-def]
    """A fresh context per test (no cookies carried over), pointed at the live server."""
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


def _device(username: str):  # type: ignore[no-untyped-def]
    """The user's TOTP device, made (confirmed) when its role needs one and it has none yet."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from yakuba.accounts.models import User
    from yakuba.accounts.sensitive import needs_factor

    user = User.objects.filter(username=username).first()
    if user is None:
        return None
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()
    if device is None and needs_factor(user.role):
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return device


def current_code(username: str, totp_secret: str | None = None) -> str:
    """The code an authenticator app shows now for this user's TOTP device (the test database's;
    created if the user has none), or for `totp_secret` (base32, as `--logins-json` gives it).
    A code already used is refused (django-otp), so this is the first time step not used yet."""
    import time
    from base64 import b32decode

    from django_otp.oath import TOTP

    device = _device(username)
    assert device is not None, f"{username} has no TOTP device"
    key = b32decode(totp_secret) if totp_secret else device.bin_key
    totp = TOTP(key, device.step, device.t0, device.digits, device.drift)
    while True:
        now = totp.t()
        for t in range(now - device.tolerance, now + device.tolerance + 1):
            if t > device.last_t:
                totp.drift = device.drift + (t - now)
                return f"{totp.token():0{device.digits}d}"
        time.sleep(1)  # every step of the window used already: wait for the next one


def put_on_terminal(page: "Page", username: str, terminal_cookie: dict | None = None) -> None:
    """A centre login's browser holds its registered terminal's cookie (`terminal_cookie` as
    `--logins-json` gives it, else a terminal registered now for the test's user)."""
    from yakuba.accounts.models import User
    from yakuba.accounts.roles import CENTER_ROLES

    if terminal_cookie is None:
        user = User.objects.filter(username=username).first()
        if user is None or user.role not in CENTER_ROLES:
            return
        from tests import factories

        _terminal, (name, value) = factories.terminal(user)
        terminal_cookie = {"name": name, "value": value}
    if not page.url.startswith("http"):
        page.goto("/login/")  # a cookie needs the site's address
    from urllib.parse import urlsplit

    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(page.url))  # the whole site: a cookie for /login/ stays there
    page.context.add_cookies([{"name": terminal_cookie["name"], "value": terminal_cookie["value"],
                               "url": origin, "httpOnly": True, "sameSite": "Strict"}])


def log_in(page: "Page", username: str, password: str, totp_secret: str | None = None,
           terminal_cookie: dict | None = None) -> None:
    """Log in through the real form, keyboard only: the username field has autofocus. A role that
    needs the second factor then gets the code page: the current code is typed there too. A centre
    role's browser is put on a registered terminal first (`put_on_terminal`)."""
    from playwright.sync_api import expect

    _device(username)  # the test's users get theirs as the demo's do
    put_on_terminal(page, username, terminal_cookie)
    page.goto("/login/")
    username_field = page.get_by_label("ユーザー名")
    expect(username_field).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("パスワード")).to_be_focused()
    page.keyboard.type(password)
    with page.expect_navigation():  # the POST and its redirect, before the caller goes on
        page.keyboard.press("Enter")
    if "/login/code/" in page.url:
        expect(page.get_by_label("確認コード")).to_be_focused()
        page.keyboard.type(current_code(username, totp_secret))
        with page.expect_navigation():
            page.keyboard.press("Enter")
