"""A 相談支援員 in a real browser, keyboard and forms only: 相談受付 → assessment → plan → consultation
records → a 支援会議 shares without consent → a referral with the person's consent → the consent is
revoked → the next share by that consent is refused. The agency's staff then sees exactly the
fields chosen for it, and nothing else of the case."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.browser.conftest import TIMEOUT_MS, log_in, needs_chromium
from tests.consult.helpers import agency, city_department
from yakuba.accounts.roles import Role

pytestmark = [needs_chromium]


def _exactly(label: str) -> "re.Pattern[str]":
    return re.compile(rf"^\s*{re.escape(label)}:?\s*$")  # Django's label suffix


def _form(page, action: str):  # type: ignore[no-untyped-def]
    return page.locator(f"form[action='{action}']")


@pytest.mark.browser
def test_consult_case_from_intake_to_a_refused_share(page, browser, live_server) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    from yakuba.consult.models import Case, Disclosure

    worker = factories.user(Role.CENTER_WORKER, "e2e-worker")
    houkatsu = agency("e2e-houkatsu", "試験地域包括支援センター", "houkatsu")
    soudan = agency("e2e-soudan", "試験相談支援事業所", "soudan")
    staff = factories.user(Role.AGENCY_STAFF, "e2e-agency", org_code=houkatsu.code)
    city_department()
    log_in(page, worker.username, factories.PASSWORD)

    page.goto("/consult/intake/")
    page.get_by_label(_exactly("氏名")).fill("試験 花子")
    page.get_by_label("生年月日").fill("1946-04-01")
    page.get_by_label("住所").fill("架空市本町1-2-3")
    page.get_by_label("高齢").check()
    page.get_by_label("経路").select_option(label="電話")
    page.get_by_label("相談の内容(本人の言葉で)").fill("E2E-WORRY 一人で暮らすのが不安です")
    page.get_by_role("button", name="受け付ける").click()
    expect(page).to_have_url(re.compile(r"/consult/cases/\d+/$"))
    case = Case.objects.get()
    base = f"/consult/cases/{case.pk}"

    form = _form(page, f"{base}/assessment/")
    form.get_by_label("生活の状況").fill("E2E-SITUATION 日中は一人")
    form.get_by_label("心身の状況・障がい").fill("E2E-HEALTH 要介護1")
    form.get_by_label("リスク").fill("E2E-RISK 火の不始末")
    form.get_by_role("button", name="記録する").click()
    expect(page.get_by_test_id("timeline")).to_contain_text("E2E-SITUATION")

    form = _form(page, f"{base}/plan/")
    form.get_by_label("方針").fill("E2E-PLAN 在宅生活を支える")
    form.get_by_label("目標").fill("E2E-GOAL 週に一度は人と話す")
    form.get_by_role("button", name="作成する").click()
    expect(page.get_by_text("E2E-GOAL 週に一度は人と話す")).to_be_visible()

    form = _form(page, f"{base}/records/")
    form.get_by_label("方法").select_option(label="訪問")
    form.get_by_label("相談の内容").fill("E2E-SAID 訪問して話を聞いた")
    form.get_by_role("button", name="記録する").click()
    expect(page.get_by_test_id("timeline")).to_contain_text("E2E-SAID")

    # 支援会議: convened by 福祉課, both agencies members bound to secrecy; shares without consent.
    form = _form(page, f"{base}/meetings/")
    form.get_by_label("開催日").fill("2026-12-01")
    form.get_by_label("議題").fill("E2E-AGENDA 見守りの分担")
    form.get_by_role("button", name="支援会議を記録する").click()
    meeting = case.meetings.get()
    page.goto(f"/consult/meetings/{meeting.pk}/")
    for org in (houkatsu, soudan):
        form = _form(page, f"/consult/meetings/{meeting.pk}/members/")
        form.get_by_label("構成員(関係機関)").select_option(label=org.name)
        form.get_by_label(re.compile("守秘義務")).check()
        form.get_by_role("button", name="構成員に加える").click()
        expect(page.get_by_text(org.name).first).to_be_visible()

    def share(to: str, basis: str, **by: str) -> None:
        page.goto(f"{base}/")
        form = _form(page, f"{base}/share/")
        form.get_by_label("提供先").select_option(label=to)
        form.get_by_label("法的根拠").select_option(label=basis)
        for name, label in by.items():
            form.get_by_label(_exactly(name)).select_option(label=label)
        form.get_by_label(_exactly("氏名")).check()
        form.get_by_label("リスク").check()
        form.get_by_label("提供の方法").select_option(label="期限付きの閲覧")
        form.get_by_role("button", name="提供を記録する").click()

    share(houkatsu.name, "支援会議(社会福祉法第106条の6)", 支援会議=f"支援会議 {meeting.pk}(2026-12-01)")
    expect(page.get_by_test_id("disclosures")).to_contain_text(houkatsu.name)
    assert Disclosure.objects.filter(case=case, basis="meeting", revoked_at=None).count() == 1

    # Referral with consent: recorded on the case, then used for a share to the 相談支援事業所.
    form = _form(page, f"{base}/consents/")
    form.get_by_label(soudan.name).check()
    form.get_by_label(re.compile(r"^\s*基本情報")).check()
    form.get_by_label(re.compile(r"^\s*相談の内容・生活の状況・リスク")).check()
    form.get_by_label("利用目的").fill("障害福祉サービスの利用に向けたつなぎ")
    form.get_by_label("同意の方法").select_option(label="書面")
    form.get_by_role("button", name="同意を記録する").click()
    consent = case.consents.get()
    share(soudan.name, "本人の同意", 同意=f"同意 {consent.pk}")
    expect(page.get_by_test_id("disclosures")).to_contain_text(soudan.name)
    assert Disclosure.objects.filter(case=case, basis="consent").count() == 1

    # The consent is revoked: the next share by it is refused, and nothing is recorded.
    form = page.locator(f"form[action='/consult/consents/{consent.pk}/revoke/']")
    form.get_by_label("撤回の理由").fill("本人から申し出")
    form.get_by_role("button", name="撤回を記録する").click()
    expect(page.get_by_test_id("consents")).to_contain_text("撤回済み")
    share(soudan.name, "本人の同意", 同意=f"同意 {consent.pk}(撤回済み)")
    expect(page.get_by_role("alert").or_(page.locator(".messages"))).to_contain_text("撤回")
    assert Disclosure.objects.filter(case=case, basis="consent").count() == 1

    # The 地域包括支援センター's member sees the two chosen fields, no note, no health detail.
    other = browser.new_context(base_url=live_server.url, locale="ja-JP")
    other.set_default_timeout(TIMEOUT_MS)
    agency_page = other.new_page()
    log_in(agency_page, staff.username, factories.PASSWORD)
    shared = Disclosure.objects.get(case=case, organisation=houkatsu)
    agency_page.goto(f"/consult/shared/{shared.pk}/")
    body = agency_page.locator("main")
    expect(body).to_contain_text("試験 花子")
    expect(body).to_contain_text("E2E-RISK")
    for secret in ("E2E-HEALTH", "E2E-SAID", "E2E-WORRY", "E2E-PLAN", "架空市本町"):
        expect(body).not_to_contain_text(secret)
    assert agency_page.goto(f"{base}/").status == 403
    other.close()
