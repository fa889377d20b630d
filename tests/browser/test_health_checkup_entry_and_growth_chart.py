"""The 健康増進センター's staff in a real browser, keyboard first: open a child, type a 3〜4か月 checkup
with Tab between the fields and Enter to record, confirm the one value outside the growth reference,
and see the child's growth chart drawn."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser.conftest import log_in, needs_chromium
from tests.health import helpers
from yakuba.health.models import Checkup

pytestmark = [needs_chromium]


@pytest.mark.browser
def test_a_checkup_typed_on_the_keyboard(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    staff = helpers.staff()
    child = helpers.child(sex="female")
    log_in(page, staff.username, factories.PASSWORD)
    page.get_by_role("link", name="乳幼児の一覧").first.click()
    page.get_by_label("宛名番号(完全一致)または氏名カナ(前方一致)").fill(child.resident_key)
    page.keyboard.press("Enter")
    expect(page.locator('[data-field="name"]')).to_have_text(child.name)
    page.get_by_role("link", name="開く").click()
    page.get_by_role("link", name="3〜4か月児健診").click()

    # the date has the focus; Tab goes on to 身長, 体重, 胸囲, 頭囲
    expect(page.get_by_label("健診受診日")).to_be_focused()
    page.keyboard.type("2024-05-20")
    expect(page.get_by_label("健診受診日")).to_have_value("2024-05-20")
    for value in ("62.0", "4.700", "40.5", "40.0"):
        page.keyboard.press("Tab")
        page.keyboard.type(value)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("confirm-warnings")).to_be_visible()
    assert not Checkup.objects.exists()
    expect(page.get_by_label("体重(kg)")).to_have_value("4.700")  # nothing typed is lost
    page.get_by_label("体重 4.70kg は 4か月の3〜97パーセンタイル", exact=False).check()
    page.get_by_role("button", name="記録する").click()

    expect(page.get_by_test_id("checkup-m3_4")).to_contain_text("4.700")
    checkup = Checkup.objects.get()
    assert checkup.confirmed_warnings == ["weight_kg:outside_band"]
    canvas = page.locator('canvas[data-growth-chart="1"]')
    expect(canvas).to_be_visible()
    drawn = page.evaluate("() => Object.keys(Chart.instances).length")
    assert drawn == 2, "both growth charts are drawn"
