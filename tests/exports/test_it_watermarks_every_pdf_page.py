"""A delivered PDF carries the export id, the user and the time on every page (a small line in the
bottom margin) and in its metadata (/YakubaExport, /Keywords)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.exports.conftest import logged_in, pdf_pages
from yakuba.exports.models import Export


@pytest.mark.django_db
def test_it_watermarks_every_pdf_page(round_approved, settings) -> None:  # type: ignore[no-untyped-def]
    settings.YAKUBA_BULK_EXPORT_ROWS = 10
    staff, supervisor, rnd = round_approved
    client = logged_in(staff)
    client.post(reverse("admission:round_notices", args=[rnd.pk]), {"kind": "", "reason": "発送"})
    export = Export.objects.get()
    logged_in(supervisor).post(reverse("exports:decide", args=[export.pk]), {"decision": "approve"})
    pdf = client.post(reverse("exports:download", args=[export.pk])).content

    pages = pdf_pages(pdf)
    assert len(pages) >= rnd.results.count()  # one letter (at least one page) per child
    line = f"yakuba-export id={export.pk} user={staff.username} at="
    assert all(line in text for text in pages), [i for i, t in enumerate(pages) if line not in t]
    assert export.watermark.startswith(line) and all(export.watermark in text for text in pages)
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert meta["/YakubaExport"] == str(export.pk) and meta["/Keywords"] == export.watermark
    assert rnd.results.first().application.child_name in "".join(pages)  # the letters themselves are intact


@pytest.mark.django_db
def test_a_single_notice_at_the_counter_is_watermarked_too(round_approved) -> None:  # type: ignore[no-untyped-def]
    staff, _, rnd = round_approved
    client = logged_in(staff)
    r = client.get(reverse("admission:child_notice", args=[rnd.results.first().pk]), follow=True)
    export = Export.objects.get()
    assert r["Content-Disposition"].startswith("inline") and f"-export{export.pk}.pdf" in r["Content-Disposition"]
    assert all(f"yakuba-export id={export.pk}" in text for text in pdf_pages(r.content))
