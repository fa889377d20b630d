"""The water department runs a month from the screens in a real browser: create a run on a
holiday (moved), send it through the relay, take the results in, open a customer's history."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.browser.conftest import log_in, needs_chromium
from tests.debit.conftest import make_customers, water_user
from yakuba.debit.models import DebitRun

pytestmark = [needs_chromium]


@pytest.mark.browser
def test_a_month_from_the_screens(page, settings) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    settings.DEBIT_RELAY = "simulator"  # the loopback relay and bank simulator, as in the demo
    customers = make_customers(6)
    user = water_user()
    log_in(page, user.username, factories.PASSWORD)

    page.get_by_role("link", name="口座振替の処理").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("口座振替の処理")
    page.get_by_label("引落日").fill("2026-11-28")  # a Saturday
    page.get_by_role("button", name="振替データを作成する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"振替 \d+"))
    expect(page.locator("body")).to_contain_text("2026-11-30")  # the next business day
    run = DebitRun.objects.get()
    assert run.items.count() == 6

    page.get_by_role("button", name="中継サーバーへ送信する").click()
    expect(page.locator("body")).to_contain_text("送信")
    page.get_by_role("button", name="結果を受信して消込む").click()
    expect(page.locator("body")).to_contain_text("消込")
    run.refresh_from_db()
    assert run.status == DebitRun.Status.RECONCILED
    assert run.items.filter(result_code="").count() == 0

    page.goto("/debit/customers/")
    page.get_by_label(re.compile("使用者番号")).fill(customers[0].number)
    page.keyboard.press("Enter")
    page.get_by_role("link", name=customers[0].number).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"使用者 {customers[0].number}")
    expect(page.locator("body")).to_contain_text(f"振替 {run.pk}")
