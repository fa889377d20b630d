"""In a real browser: staff of the new city open the child who moved in, choose the former city and the
3歳児健診 and ask, keyboard only; the received record appears on the child's page. They print the family's
letter; in another browser the family types the one-time code and sees the exchange in the log, each line
with its checked proof, and what was received."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import factories
from tests.browser.conftest import log_in, needs_chromium
from tests.health import helpers, linkage_kit
from tests.health.test_it_asks_the_former_city_for_a_childs_checkups import moved

pytestmark = [needs_chromium]


@pytest.mark.browser
def test_it_works(page, browser, live_server, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    s, child, _ = moved(tmp_path)
    linkage_kit.use(monkeypatch, linkage_kit.InProcess(s))
    staff = helpers.staff()
    log_in(page, staff.username, factories.PASSWORD)
    page.goto(f"/health/children/{child.pk}/")
    provider = page.get_by_label("照会先(転入前の市町村)")
    provider.focus()
    expect(provider).to_have_value("city-a")
    page.keyboard.press("Tab")
    page.keyboard.press("End")  # the last checkup: 3歳児健診
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("received-y3")).to_contain_text("A市（サンプル）から")
    expect(page.get_by_test_id("received-y3").locator('[data-field="judgement"]')).to_contain_text("要精査")

    page.get_by_test_id("family-letter").click()
    code = page.get_by_test_id("family-code").inner_text()
    assert len(code) == 19

    family = browser.new_context(base_url=live_server.url, locale="ja-JP").new_page()
    family.goto("/family/")
    expect(family.get_by_label("確認コード")).to_be_visible()
    family.get_by_label("確認コード").fill(code)
    family.keyboard.press("Enter")
    rows = family.get_by_test_id("log-entries").locator("tbody tr")
    expect(rows).to_have_count(3)  # the query, the 提供, and the staff's read when the page showed it
    expect(rows.nth(0)).to_contain_text("照会")
    expect(rows.nth(1)).to_contain_text("提供")
    expect(rows.nth(2)).to_contain_text("職員の閲覧")
    rows.nth(1).get_by_text("包含証明(確認済み)").click()
    expect(rows.nth(1).locator("code").first).to_be_visible()
    expect(family.get_by_test_id("family-received-y3")).to_contain_text("A市（サンプル）から")
    family.context.close()
    s.close()
