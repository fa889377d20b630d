"""`yakuba exports identify FILE` names the export a file came from: by its SHA-256 (the very file
delivered), else by its watermark (the file was changed: PDF page text or metadata, the CSV line,
the file name); a file of no export is one Japanese line and exit 1."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader, PdfWriter

from tests import factories
from tests.exports.conftest import failed_debits, logged_in
from yakuba.accounts.roles import Role
from yakuba.cli import main
from yakuba.exports.models import Export


def _identify(path, capsys) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main(["exports", "identify", str(path)])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def delivered_csv(db, settings):  # type: ignore[no-untyped-def]
    settings.YAKUBA_BULK_EXPORT_ROWS = 10
    vendor = factories.org("vendor-entry")
    for n in range(1, 13):
        factories.application(vendor, n)
    requester = logged_in(factories.user(Role.VENDOR_RESPONSIBLE))
    requester.post("/exports/request/", {"kind": "intake.applications", "reason": "市への報告"})
    export = Export.objects.get()
    approver = factories.user(Role.VENDOR_RESPONSIBLE, username="resp-2")
    logged_in(approver).post(f"/exports/{export.pk}/decide/", {"decision": "approve"})
    return export, requester.post(f"/exports/{export.pk}/download/").content


@pytest.mark.django_db
def test_it_names_the_export_by_its_hash(delivered_csv, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    export, content = delivered_csv
    leaked = tmp_path / "anything.csv"
    leaked.write_bytes(content)
    code, out, _ = _identify(leaked, capsys)
    assert code == 0
    assert f"出力番号: {export.pk}" in out and "申請者: t-vendor_responsible" in out and "理由: 市への報告" in out
    assert "承認: resp-2" in out and "件数: 12" in out and "一致: SHA-256" in out


@pytest.mark.django_db
def test_it_names_an_altered_file_by_its_watermark(delivered_csv, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    export, content = delivered_csv
    altered = tmp_path / "list.csv"
    altered.write_bytes(content.replace(b"\r\n", b"\n"))  # opened and saved again
    code, out, _ = _identify(altered, capsys)
    assert code == 0 and f"出力番号: {export.pk}" in out and "一部一致" in out
    # the header line removed too: the file name still says which export it was
    stripped = tmp_path / export.filename
    stripped.write_bytes(content.split(b"\r\n", 1)[1])
    code, out, _ = _identify(stripped, capsys)
    assert code == 0 and f"出力番号: {export.pk}" in out and "一部一致" in out


@pytest.mark.django_db
def test_it_names_a_pdf_from_its_pages_when_the_metadata_is_gone(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    staff, _, letters = failed_debits(2)
    client = logged_in(staff)
    pdf = client.get(reverse("debit:notice_pdf", args=[letters[0].pk]), follow=True).content
    export = Export.objects.get()
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        writer.add_page(page)  # the pages only: no metadata
    out_file = tmp_path / "scan.pdf"
    buf = io.BytesIO()
    writer.write(buf)
    out_file.write_bytes(buf.getvalue())
    assert PdfReader(io.BytesIO(buf.getvalue())).metadata.get("/YakubaExport") is None
    code, out, _ = _identify(out_file, capsys)
    assert code == 0 and f"出力番号: {export.pk}" in out and "一部一致" in out and "承認: 不要" in out


@pytest.mark.django_db
def test_a_file_of_no_export_is_one_line_and_exit_1(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "other.csv"
    other.write_text("受付番号\r\nB0001-0001\r\n", encoding="utf-8")
    code, out, err = _identify(other, capsys)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "該当する出力は見つかりません" in err
