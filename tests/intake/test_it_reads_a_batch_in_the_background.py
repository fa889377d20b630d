"""The reading runs in `yakuba worker` with progress the batch page polls; each page's fields and
its two images are stored; a page that cannot be aligned is listed with its reason for the 責任者."""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.core.management import call_command
from django.test import Client
from PIL import Image

from tests import factories
from yakuba.intake import fields as form
from yakuba.intake.actions import reading, upload
from yakuba.intake.errors import IntakeError
from yakuba.intake.models import Batch, FieldValue, Page
from yakuba.jobs.models import Job
from yakuba.vault.models import StoredObject


def _blank_png() -> bytes:
    out = io.BytesIO()
    Image.fromarray(np.full((2339, 1654), 255, np.uint8)).save(out, format="PNG")
    return out.getvalue()


def _file(name: str, data: bytes) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


@pytest.mark.django_db(transaction=True)
def test_it_reads_in_the_worker_and_reports_progress(files, fast_reading) -> None:
    responsible = factories.user("vendor_responsible")
    client = Client()
    client.force_login(responsible)
    client.post("/intake/batches/new/", {"name": "R8-試験便", "files": [
        _file(files[0][0], files[0][1]), _file(files[1][0], files[1][1]), _file("白紙.png", _blank_png())]})
    batch = Batch.objects.get()
    progress = client.get(f"/intake/batches/{batch.pk}/progress/", HTTP_HX_REQUEST="true")
    assert "待機中" in progress.content.decode() and "HX-Refresh" not in progress

    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", "--no-reload", verbosity=0)

    job = Job.objects.get()
    assert job.status == Job.Status.DONE, job.message
    assert (job.done, job.total) == (3, 3) and job.result["pages"] == 3 and job.result["failed"] == 1
    batch.refresh_from_db()
    assert batch.status in (Batch.Status.VERIFYING, Batch.Status.READY) and batch.read_at is not None
    pages = list(batch.pages.order_by("seq"))
    assert [p.name for p in pages] == [files[0][0], files[1][0], "白紙.png"]
    read, blank = pages[:2], pages[2]
    for page in read:
        assert page.fields.count() == len(form.form_fields())
        assert page.image is not None and page.redacted is not None
        assert set(page.fields.filter(personal=True).values_list("field_id", flat=True)) == form.personal_ids()
    assert blank.status == Page.Status.FAILED and blank.error and not blank.fields.exists()
    assert StoredObject.objects.filter(batch=batch.vault_tag).count() == 3 + 2 * 2  # scans + two images a page

    done = client.get(f"/intake/batches/{batch.pk}/progress/", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true" and "完了" in done.content.decode()
    page = client.get(f"/intake/batches/{batch.pk}/").content.decode()
    assert "読み取れなかったページ" in page and blank.error in page and "除外する" in page

    operator = Client()
    operator.force_login(factories.user("vendor_operator"))
    seen = operator.get(f"/intake/batches/{batch.pk}/").content.decode()
    assert "白紙.png" not in seen and files[0][0] not in seen  # file names: only for the 責任者


@pytest.mark.django_db
def test_a_page_the_worker_read_is_not_read_again(batch, responsible, monkeypatch) -> None:
    before = list(batch.pages.values_list("pk", flat=True))
    monkeypatch.setattr(reading, "read_page", lambda image, name: pytest.fail("read again"))
    reading.do_read_batch(batch, responsible)
    assert list(batch.pages.values_list("pk", flat=True)) == before


@pytest.mark.django_db
def test_the_responsible_can_exclude_an_unreadable_page(files, fast_reading, responsible) -> None:
    from tests.intake.helpers import make_batch

    batch = make_batch([files[0], ("白紙.png", _blank_png(), {})], responsible)
    blank = batch.pages.get(status=Page.Status.FAILED)
    client = Client()
    client.force_login(responsible)
    client.post(f"/intake/pages/{blank.pk}/exclude/")
    blank.refresh_from_db()
    assert blank.status == Page.Status.EXCLUDED
    assert FieldValue.objects.filter(page__batch=batch).exists()


@pytest.mark.django_db
def test_a_batch_being_read_is_not_queued_twice(files, responsible) -> None:
    batch = upload.do_create_batch(factories.org("vendor-entry"), "R8-試験便",
                                  [upload.Upload(files[0][0], files[0][1])], responsible)
    reading.do_start_reading(batch, responsible)
    with pytest.raises(IntakeError, match="読み取りの処理中です"):
        reading.do_start_reading(batch, responsible)
    assert Job.objects.count() == 1


@pytest.mark.django_db
def test_it_reads_a_batch_again_when_its_worker_was_killed(batch, responsible) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from yakuba.jobs.models import LEASE, Job

    job = Job.objects.create(kind="intake.read_batch", params={"batch": batch.pk}, status=Job.Status.RUNNING,
                             started_at=timezone.now() - LEASE - dt.timedelta(minutes=1))
    batch.job = job
    batch.save(update_fields=["job"])
    again = reading.do_start_reading(batch, responsible)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and again.pk != job.pk and again.status == Job.Status.QUEUED
