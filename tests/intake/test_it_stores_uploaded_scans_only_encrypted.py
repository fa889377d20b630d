"""Uploaded scans exist on disk only encrypted (the vault), a PDF counts its pages, and the upload
starts the reading in the background."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from PIL import Image

from tests import factories
from yakuba.audit.models import AuditEntry
from yakuba.intake.actions import upload
from yakuba.intake.models import Batch, Scan
from yakuba.jobs.models import Job
from yakuba.vault import service as vault
from yakuba.vault.models import StoredObject


def _file(name: str, data: bytes) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


def _pdf(pngs: list[bytes]) -> bytes:
    images = [Image.open(io.BytesIO(p)).convert("L") for p in pngs]
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=200)
    return out.getvalue()


@pytest.mark.django_db
def test_it_stores_each_file_encrypted_and_counts_a_pdfs_pages(files, responsible) -> None:
    pdf = _pdf([files[1][1], files[2][1]])
    uploads = [upload.Upload(files[0][0], files[0][1]), upload.Upload("受付分.pdf", pdf)]
    batch = upload.do_create_batch(factories.org("vendor-entry"), "R8-試験便", uploads, responsible)

    assert (batch.scan_count, batch.page_count) == (2, 3)
    assert [s.page_count for s in batch.scans.all()] == [1, 2]
    objects = StoredObject.objects.filter(batch=batch.vault_tag)
    assert objects.count() == 2 and {o.kind for o in objects} == {StoredObject.Kind.SCAN}
    assert {"name", "address", "contact"} <= set(objects[0].categories)
    for scan, original in zip(batch.scans.order_by("seq"), (files[0][1], pdf)):
        on_disk = scan.stored.path.read_bytes()
        assert original[:64] not in on_disk and original[-64:] not in on_disk  # not the plaintext
        assert b"\x89PNG" not in on_disk[:16] and b"%PDF" not in on_disk[:16]
        back = io.BytesIO()
        vault.read(scan.stored, back, user=responsible)
        assert back.getvalue() == original
    assert AuditEntry.objects.filter(action="intake.batch.created", target_id=str(batch.pk)).exists()


@pytest.mark.django_db
def test_the_upload_screen_stores_the_batch_and_queues_the_reading(files, responsible) -> None:
    client = Client()
    client.force_login(responsible)
    response = client.post("/intake/batches/new/", {
        "name": "R8-第2便",
        "files": [_file(files[0][0], files[0][1]), _file(files[1][0], files[1][1])],
    })
    batch = Batch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/intake/batches/{batch.pk}/"
    assert batch.status == Batch.Status.READING and batch.scan_count == 2
    assert batch.job is not None and batch.job.kind == "intake.read_batch"
    assert Job.objects.get().status == Job.Status.QUEUED  # nothing was read inside the request
    page = client.get(response["Location"]).content.decode()
    assert "読み取り中" in page and 'hx-get="/intake/batches/%d/progress/"' % batch.pk in page
    assert Scan.objects.count() == 2


@pytest.mark.django_db
def test_an_operator_cannot_upload(files, operator) -> None:
    client = Client()
    client.force_login(operator)
    response = client.post("/intake/batches/new/", {"name": "x", "files": [_file(files[0][0], files[0][1])]})
    assert response.status_code == 403
    assert not Batch.objects.exists() and not StoredObject.objects.exists()


@pytest.mark.django_db
def test_an_upload_never_spools_to_a_temporary_file(files, responsible, settings, monkeypatch) -> None:
    """Django writes a large upload to a temporary file (plaintext on disk); scans stay in memory."""
    from django.core.files import uploadedfile

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000  # every scan is "large"

    def no_spooling(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("an upload was spooled to a temporary file")

    monkeypatch.setattr(uploadedfile.TemporaryUploadedFile, "__init__", no_spooling)
    client = Client()
    client.force_login(responsible)
    response = client.post("/intake/batches/new/", {"name": "R8-第3便", "files": [_file(files[0][0], files[0][1])]})
    assert response.status_code == 302 and Batch.objects.get().scan_count == 1
