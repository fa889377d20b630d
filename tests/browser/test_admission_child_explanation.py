"""A child's page in a real browser: the decision, how the points were made up, and the reason in
Japanese for each higher wish — with cut-offs only, never another child's name or number."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser.conftest import log_in, needs_chromium
from tests.browser.test_admission_results_page import computed_round

pytestmark = [needs_chromium]


@pytest.mark.browser
def test_a_child_page_explains_the_decision(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    from yakuba.admission.models import Application, Result

    staff, rnd, _ = computed_round(tmp_path)
    result = rnd.results.filter(status=Result.Status.WAITING).select_related("application").first()
    log_in(page, staff.username, factories.PASSWORD)
    page.goto(f"/admission/rounds/{rnd.pk}/")
    page.get_by_role("link", name=result.application.receipt_number, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"決定理由 — 受付番号 {result.application.receipt_number}")
    expect(page.get_by_test_id("status")).to_contain_text("保留")
    expect(page.get_by_test_id("breakdown")).to_contain_text("基準点")
    expect(page.get_by_test_id("explanation")).to_contain_text("保留(待機)となりました")
    body = page.locator("main").inner_text()
    for other in Application.objects.exclude(pk=result.application_id):
        assert other.receipt_number not in body
        assert other.child_name not in body
