"""子ども家庭課 staff ask for the results CSV and the batch of 保留通知 in a real browser: nothing
downloads until the 所属長 approves on /exports/; then each downloads once, the PDF's pages carry
the watermark, and `yakuba exports identify` names the export from the downloaded file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import factories
from tests.browser.conftest import TIMEOUT_MS, log_in, needs_chromium
from tests.exports.conftest import approved_round, pdf_pages

pytestmark = [needs_chromium]


@pytest.mark.browser
def test_exports_wait_for_the_supervisor(page, browser, live_server, tmp_path, settings, capsys) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    from yakuba.cli import main
    from yakuba.exports.models import Export

    from yakuba.admission.models import Result

    staff, supervisor, rnd = approved_round(tmp_path)
    waiting = rnd.results.filter(status=Result.Status.WAITING).count()
    assert waiting >= 2
    settings.YAKUBA_BULK_EXPORT_ROWS = waiting  # both files are bulk
    downloads: list[object] = []
    page.on("download", lambda d: downloads.append(d))

    log_in(page, staff.username, factories.PASSWORD)
    page.goto(f"/admission/rounds/{rnd.pk}/")
    page.get_by_label("出力の理由", exact=False).fill("基幹系への登録と保留通知の発送")
    page.get_by_role("button", name="結果データ(CSV)").click()
    expect(page).to_have_url(f"{live_server.url}/exports/")
    expect(page.get_by_text("承認を待っています")).to_be_visible()
    page.goto(f"/admission/rounds/{rnd.pk}/")
    page.get_by_label("出力の理由", exact=False).fill("保留通知の発送")
    page.get_by_role("button", name="保留通知を一括印刷").click()
    expect(page).to_have_url(f"{live_server.url}/exports/")
    csv_export, pdf_export = Export.objects.get(kind="admission.results"), Export.objects.get(kind="admission.notices")
    for export in (csv_export, pdf_export):
        expect(page.get_by_test_id(f"export-status-{export.pk}")).to_have_text("承認待ち")
        expect(page.get_by_role("button", name=f"出力 {export.pk} をダウンロード")).to_have_count(0)
    assert downloads == []  # nothing has left yet

    boss = browser.new_context(base_url=live_server.url, locale="ja-JP")
    boss.set_default_timeout(TIMEOUT_MS)
    chief = boss.new_page()
    log_in(chief, supervisor.username, factories.PASSWORD)
    chief.goto("/exports/")
    pending = chief.get_by_test_id("pending-exports")
    expect(pending).to_contain_text("保留通知の発送")  # the reason, with the rows and categories
    expect(pending).to_contain_text("identifier")
    for export in (csv_export, pdf_export):
        chief.get_by_role("button", name=f"出力 {export.pk} を承認する").click()
        expect(chief.get_by_role("button", name=f"出力 {export.pk} を承認する")).to_have_count(0)
    boss.close()

    page.goto("/exports/")
    files: dict[int, Path] = {}
    for export in (csv_export, pdf_export):
        expect(page.get_by_test_id(f"export-status-{export.pk}")).to_have_text("出力可")
        with page.expect_download() as info:
            page.get_by_role("button", name=f"出力 {export.pk} をダウンロード").click()
        download = info.value
        assert f"-export{export.pk}." in download.suggested_filename
        files[export.pk] = tmp_path / download.suggested_filename
        download.save_as(files[export.pk])
    page.goto("/exports/")  # the download left the page as it was; the list now says so
    for export in (csv_export, pdf_export):
        expect(page.get_by_test_id(f"export-status-{export.pk}")).to_have_text("出力済み")
        expect(page.get_by_role("button", name=f"出力 {export.pk} をダウンロード")).to_have_count(0)

    pages = pdf_pages(files[pdf_export.pk].read_bytes())
    assert pages and all(f"yakuba-export id={pdf_export.pk} user={staff.username}" in text for text in pages)
    assert files[csv_export.pk].read_bytes().startswith(f"\ufeff#yakuba-export id={csv_export.pk} ".encode())

    capsys.readouterr()
    assert main(["exports", "identify", str(files[pdf_export.pk])]) == 0
    out = capsys.readouterr().out
    assert f"出力番号: {pdf_export.pk}" in out and f"申請者: {staff.username}" in out
    assert f"承認: {supervisor.username}" in out and "理由: 保留通知の発送" in out and "一致: SHA-256" in out
