"""Acceptance: the verification screen in the browser. An operator's page source holds no name,
kana, address, postal code, phone number or employer of the record and no crop of one; the 責任者's
does. Keyboard first: the value is focused, typing and Enter confirm it and open the next field,
Tab reaches 飛ばす and ページ全体."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.browser.conftest import log_in, needs_chromium
from tests.intake import helpers
from yakuba.accounts.roles import Role
from yakuba.intake.models import FieldValue

pytestmark = [needs_chromium]


@pytest.fixture
def batch(tmp_path_factory, monkeypatch, transactional_db):  # type: ignore[no-untyped-def]
    from yakuba.intake.actions import reading

    files = helpers.scans(str(tmp_path_factory.mktemp("scans")), 3)
    monkeypatch.setattr(reading, "read_page", helpers.cached_read(reading.read_page))
    responsible = factories.user(Role.VENDOR_RESPONSIBLE)
    batch = helpers.make_batch(files[:2], responsible)
    helpers.send_to_review(batch, personal=True, at_least=2)
    helpers.send_to_review(batch, personal=False, at_least=3)
    return batch, files


def _personal_secrets(batch, files) -> set[str]:  # type: ignore[no-untyped-def]
    """Every personal value of the record: as read, and as the form says (truth)."""
    from yakuba.intake import fields as form

    values = set(FieldValue.objects.filter(page__batch=batch, personal=True).exclude(value="")
                 .values_list("value", flat=True))
    for _, _, truth in files[:2]:
        values |= {truth[f] for f in form.personal_ids() if truth.get(f)}
    return values | {part for v in values for part in v.split() if len(part) >= 2}


def _personal_crops(batch) -> set[str]:  # type: ignore[no-untyped-def]
    return {f"/intake/fields/{pk}/crop.png"
            for pk in FieldValue.objects.filter(page__batch=batch, personal=True).values_list("pk", flat=True)}


def _current(page) -> FieldValue:  # type: ignore[no-untyped-def]
    pk = int(re.search(r"/intake/verify/(\d+)/", page.url).group(1))
    return FieldValue.objects.get(pk=pk)


@pytest.mark.browser
def test_the_operator_verifies_by_keyboard_and_never_receives_a_personal_field(page, batch) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    batch, files = batch
    user = factories.user(Role.VENDOR_OPERATOR)
    log_in(page, user.username, factories.PASSWORD)
    page.goto("/intake/verify/")
    expect(page).to_have_url(re.compile(r"/intake/verify/\d+/\?scope=general$"))
    value = page.locator("#value")
    expect(value).to_be_focused()
    first = _current(page)
    assert not first.personal
    crop = page.get_by_test_id("crop")
    expect(crop).to_have_attribute("src", f"/intake/fields/{first.pk}/crop.png")
    page.wait_for_function("document.querySelector('[data-testid=crop]').naturalWidth > 0")

    html = page.content()
    secrets = _personal_secrets(batch, files)
    assert len(secrets) > 10
    leaked = sorted(s for s in secrets if s in html)
    assert leaked == [], f"personal values reached the operator's browser: {leaked}"
    assert not [u for u in _personal_crops(batch) if u in html]

    # Tab from the value: the button, then 飛ばす, then ページ全体 — all reachable by keyboard.
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="確定して次へ")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="この欄を飛ばす")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="ページ全体を表示")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".notice")).to_contain_text("塗りつぶしています")
    page.wait_for_function("document.querySelector('img.page-image').naturalWidth > 0")
    whole = page.content()
    assert not [s for s in secrets if s in whole] and not [u for u in _personal_crops(batch) if u in whole]
    page.get_by_role("link", name=re.compile("の確認へ戻る")).click()
    expect(page.locator("#value")).to_be_focused()

    # Type the value (the text is selected, so typing replaces it) and press Enter: the next field.
    typed = first.value or {"checkbox": "0"}.get(first.type, "")
    if typed:
        page.keyboard.type(typed)
    else:
        page.keyboard.press("Delete")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/intake/verify/\d+/\?scope=general$"))
    second = _current(page)
    assert second.pk != first.pk and not second.personal
    expect(page.locator("#value")).to_be_focused()
    first.refresh_from_db()
    assert first.status == FieldValue.Status.VERIFIED and first.value == typed and first.verified_by_id == user.pk
    html = page.content()
    assert not [s for s in secrets if s in html] and not [u for u in _personal_crops(batch) if u in html]


@pytest.mark.browser
def test_the_responsible_person_gets_the_personal_field_and_its_crop(page, batch) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    batch, _ = batch
    user = factories.user(Role.VENDOR_RESPONSIBLE, username="resp-2")
    log_in(page, user.username, factories.PASSWORD)
    page.goto("/intake/verify/")
    expect(page).to_have_url(re.compile(r"/intake/verify/\d+/\?scope=personal$"))
    fv = _current(page)
    assert fv.personal and fv.value
    expect(page.locator("#value")).to_have_value(fv.value)
    expect(page.get_by_test_id("crop")).to_have_attribute("src", f"/intake/fields/{fv.pk}/crop.png")
    page.wait_for_function("document.querySelector('[data-testid=crop]').naturalWidth > 0")
    html = page.content()
    assert fv.value in html and f"/intake/fields/{fv.pk}/crop.png" in html

    with page.expect_navigation():
        page.keyboard.press("Enter")  # the value as read is right: Enter confirms it
    nxt = _current(page)
    assert nxt.pk != fv.pk and nxt.personal
    fv.refresh_from_db()
    assert fv.status == FieldValue.Status.VERIFIED and fv.verified_by_id == user.pk
