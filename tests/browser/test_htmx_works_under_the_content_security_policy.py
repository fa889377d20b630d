"""Under the Content-Security-Policy (no inline script or style), htmx still polls and swaps a
job's progress, the page's own script runs, and the browser reports no CSP violation."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser.conftest import log_in, needs_chromium
from yakuba.accounts.roles import Role

pytestmark = [needs_chromium]


@pytest.mark.browser
def test_it_works(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    from yakuba.jobs.models import Job

    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning")
            and "favicon" not in (m.location or {}).get("url", "") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    user = factories.user(Role.CITY_STAFF)
    job = Job.objects.create(kind="audit.verify", status=Job.Status.RUNNING, created_by=user, message="はじめ")
    log_in(page, user.username, factories.PASSWORD)
    response = page.goto(f"/jobs/{job.pk}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.get_by_text("はじめ")).to_be_visible()
    Job.objects.filter(pk=job.pk).update(message="途中まで進みました", done=1, total=2)
    with page.expect_response(lambda r: r.url.endswith(f"/jobs/{job.pk}/") and r.request.headers.get("hx-request")):
        pass
    expect(page.get_by_text("途中まで進みました")).to_be_visible()
    assert page.evaluate("window.htmx.config.includeIndicatorStyles") is False
    assert page.locator("style").count() == 0  # htmx injected no stylesheet of its own
    violations = [p for p in problems if "Content Security Policy" in p or "Refused to" in p]
    assert violations == [] and problems == []
