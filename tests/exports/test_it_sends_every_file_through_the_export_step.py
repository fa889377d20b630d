"""Every screen that gave a file with personal data directly now asks the export step: the results
CSV, the 承諾/保留通知 in batch and for one child, the 不能通知 in batch and for one letter, pain.008.
The bulk ones give no file at all until approved; the single letters go straight to their download."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.debit.conftest import water_user
from tests.exports.conftest import approved_round, failed_debits, logged_in
from yakuba.accounts.roles import Role
from yakuba.exports.models import Export


@pytest.mark.django_db
def test_it_sends_the_admission_files_through_the_step(tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.YAKUBA_BULK_EXPORT_ROWS = 10
    staff, _, rnd = approved_round(tmp_path)
    client = logged_in(staff)
    for name, data, kind in [("admission:round_csv", {}, "admission.results"),
                             ("admission:round_notices", {"kind": ""}, "admission.notices")]:
        r = client.post(reverse(name, args=[rnd.pk]), {**data, "reason": "基幹系への登録"})
        assert r.status_code == 302 and r["Location"] == reverse("exports:list"), name  # no file: it waits
        export = Export.objects.get(kind=kind)
        assert export.status == Export.Status.PENDING and export.bulk and export.row_count == rnd.results.count()
        assert export.stored is not None and export.sha256
    result = rnd.results.first()
    r = client.get(reverse("admission:child_notice", args=[result.pk]))
    export = Export.objects.get(kind="admission.notice")
    assert r.status_code == 302 and r["Location"] == reverse("exports:download", args=[export.pk])
    assert not export.bulk and export.status == Export.Status.APPROVED and export.row_count == 1
    pdf = client.get(r["Location"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_it_sends_the_debit_files_through_the_step(settings) -> None:  # type: ignore[no-untyped-def]
    settings.YAKUBA_BULK_EXPORT_ROWS = 10
    staff, run, letters = failed_debits(12)
    supervisor = water_user(Role.CITY_SUPERVISOR, username="suido-sup")
    client = logged_in(staff)
    r = client.post(reverse("debit:notices_print"), {"reason": "11月分の不能通知"})
    assert r.status_code == 302 and r["Location"] == reverse("exports:list")
    batch = Export.objects.get(kind="debit.notices")
    assert batch.status == Export.Status.PENDING and batch.row_count == 12

    r = logged_in(supervisor).post(reverse("debit:run_pain008", args=[run.pk]), {"reason": "ISO 20022 の金融機関へ"})
    assert r.status_code == 302 and r["Location"] == reverse("exports:list")
    assert Export.objects.get(kind="debit.pain008").status == Export.Status.PENDING

    r = client.get(reverse("debit:notice_pdf", args=[letters[0].pk]))
    single = Export.objects.get(kind="debit.notice")
    assert r["Location"] == reverse("exports:download", args=[single.pk]) and not single.bulk
    assert client.get(r["Location"]).content.startswith(b"%PDF")


@pytest.mark.django_db
def test_a_bulk_request_without_a_reason_builds_nothing(tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.YAKUBA_BULK_EXPORT_ROWS = 10
    staff, _, rnd = approved_round(tmp_path)
    r = logged_in(staff).post(reverse("admission:round_csv", args=[rnd.pk]), follow=True)
    assert "出力の理由を入力してください" in r.content.decode()
    assert not Export.objects.exists()
