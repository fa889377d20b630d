"""What reaches the browser: masked personal data for the operator, a Japanese error on a failed
login, and a skip link as the first Tab stop."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.browser.conftest import log_in, needs_chromium
from yakuba.accounts.roles import Role
from yakuba.privacy.masking import MASK

pytestmark = [needs_chromium]


@pytest.fixture
def applications():  # type: ignore[no-untyped-def]
    vendor = factories.org("vendor-entry")
    return [factories.application(vendor, n) for n in range(1, 4)]


def _secrets(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [app.child_name, app.child_kana, app.guardian_name, app.address, app.phone, app.postal_code]


@pytest.mark.browser
def test_the_operator_never_receives_names_addresses_or_phones(page, applications) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    user = factories.user(Role.VENDOR_OPERATOR)
    log_in(page, user.username, factories.PASSWORD)

    page.goto("/intake/")
    expect(page.get_by_role("heading", level=1)).to_have_text("入園申請の一覧")
    expect(page.locator(".notice")).to_contain_text("伏せ字")
    pages = {"/intake/": page.content()}
    assert "就労(フルタイム)" in pages["/intake/"]  # what the operator needs is still there

    page.get_by_role("link", name=applications[1].receipt_number, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"入園申請 {applications[1].receipt_number}")
    pages[page.url] = page.content()

    for where, html in pages.items():
        assert MASK in html, where
        for app in applications:
            for secret in _secrets(app):
                assert secret not in html, f"{secret!r} reached the operator's browser on {where}"


@pytest.mark.browser
def test_the_responsible_person_sees_the_names(page, applications) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    user = factories.user(Role.VENDOR_RESPONSIBLE)
    log_in(page, user.username, factories.PASSWORD)

    page.goto("/intake/")
    for app in applications:
        expect(page.get_by_role("cell", name=app.child_name, exact=True)).to_be_visible()
        expect(page.get_by_role("cell", name=app.guardian_name, exact=True)).to_be_visible()
    expect(page.locator(".notice")).to_have_count(0)

    page.get_by_role("link", name=applications[0].receipt_number, exact=True).click()
    expect(page.locator('[data-field="child_name"]')).to_have_text(applications[0].child_name)
    expect(page.locator('[data-field="address"]')).to_have_text(applications[0].address)


@pytest.mark.browser
def test_a_failed_login_shows_the_japanese_error(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    user = factories.user(Role.VENDOR_OPERATOR)
    log_in(page, user.username, "not-the-password-at-all")

    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_role("alert")).to_have_text("ユーザー名またはパスワードが正しくありません。")
    expect(page.get_by_role("button", name="ログアウト")).to_have_count(0)
    assert "not-the-password-at-all" not in page.content()


@pytest.mark.browser
def test_the_skip_link_is_the_first_tab_stop(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    user = factories.user(Role.CITY_STAFF)
    log_in(page, user.username, factories.PASSWORD)
    expect(page.get_by_test_id("home-heading")).to_be_visible()

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="本文へ移動")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # hidden until focused, then on screen
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), "the focused skip link has no visible focus ring"

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("#main")).to_be_focused()
