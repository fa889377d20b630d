"""Each role logs in through the real form, sees its own home page and menu, and logs out."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.browser.conftest import log_in, needs_chromium
from yakuba.accounts.roles import Role

pytestmark = [needs_chromium]

# What each role's home menu must offer, and what it must not (the access rules, seen from the page).
AUDIT_LOG = "監査ログ"
FIELD_LIST = "個人情報の項目一覧(宣言)"
CERTIFICATES = "消去証明書"
HANDOVER = "受け渡しパッケージの記録"
EXPORTS = "出力の申請と承認"
JOBS = "バックグラウンド処理の状況"
INTAKE = "入園申請の一覧"
CONSULT = "相談支援の作業一覧"
HEALTH = "乳幼児の一覧"
ALL_ITEMS = {AUDIT_LOG, FIELD_LIST, CERTIFICATES, HANDOVER, EXPORTS, JOBS, INTAKE, CONSULT, HEALTH}

MENU = {
    Role.VENDOR_OPERATOR: {INTAKE, EXPORTS, JOBS},
    Role.VENDOR_RESPONSIBLE: {INTAKE, EXPORTS, JOBS, CERTIFICATES, HANDOVER},
    Role.CITY_STAFF: {EXPORTS, JOBS, HANDOVER},
    Role.CITY_SUPERVISOR: {AUDIT_LOG, FIELD_LIST, CERTIFICATES, HANDOVER, EXPORTS, JOBS},
    Role.COUNCIL_MEMBER: {AUDIT_LOG, FIELD_LIST, CERTIFICATES, HANDOVER, JOBS},
    Role.ADMIN: {AUDIT_LOG, FIELD_LIST, CERTIFICATES, HANDOVER, JOBS},
    Role.CENTER_WORKER: {CONSULT, EXPORTS, JOBS},
    Role.CENTER_SUPERVISOR: {CONSULT, EXPORTS, JOBS},
    Role.AGENCY_STAFF: {JOBS},
    Role.HEALTH_STAFF: {HEALTH, JOBS},
}


def test_every_role_has_an_expectation() -> None:
    assert set(MENU) == set(Role)


@pytest.mark.browser
@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_a_role_logs_in_sees_its_menu_and_logs_out(page, role: Role) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    user = factories.user(role)
    log_in(page, user.username, factories.PASSWORD)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_test_id("home-heading")).to_have_text(f"{role.label}のホーム")
    expect(page.get_by_test_id("current-role")).to_contain_text(str(role.label))

    links = {t.strip() for t in page.get_by_role("main").get_by_role("link").all_inner_texts()}
    offered = links & ALL_ITEMS
    assert offered == MENU[role], f"{role.value}: menu {sorted(offered)}, expected {sorted(MENU[role])}"
    for item in ALL_ITEMS - MENU[role]:
        expect(page.get_by_role("link", name=item, exact=True)).to_have_count(0)

    # Every menu link leads to a page this role may open (no 403 behind a menu item).
    first = sorted(MENU[role])[0]
    page.get_by_role("link", name=first, exact=True).click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("この画面を利用する権限がありません")
    page.go_back()

    page.get_by_role("button", name="ログアウト").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("ログイン")
    expect(page.get_by_role("button", name="ログアウト")).to_have_count(0)
    page.goto("/")  # the session is gone: home asks for a login again
    expect(page).to_have_url(re.compile(r"/login/"))
