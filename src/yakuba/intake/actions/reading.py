"""Reading: the 責任者 starts (or resumes) the AI-OCR of a batch; the background job reads its pages.

Each page's fields and its two images (aligned; personal fields painted over) are stored in one
step, so a job stopped half-way goes on where it stopped: pages already read are kept.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Callable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from yakuba.audit.log import record
from yakuba.intake import fields as form
from yakuba.intake import storage
from yakuba.intake.actions import records
from yakuba.intake.errors import IntakeError
from yakuba.intake.models import Batch, FieldValue, Page, Scan
from yakuba.jobs.models import Job
from yakuba.jobs.tasks import start
from yakuba.vault.models import StoredObject

if TYPE_CHECKING:
    import numpy as np

    from yakuba.ocr.pipeline import PageResult

Progress = Callable[[int, int, str], None]


def _no_progress(done: int, total: int, message: str) -> None:
    pass


def check_start_reading(batch: Batch) -> None:
    """A delivered batch is not read again, nor one whose reading is still running."""
    if batch.finished:
        raise IntakeError("納品済みのバッチは読み取り直せません。")
    if batch.job is not None and not batch.job.finished and not batch.job.stalled:
        raise IntakeError("このバッチは読み取りの処理中です。終わるまでお待ちください。")


def do_start_reading(batch: Batch, user: Any) -> Job:
    """Queue the reading as a background job (`yakuba worker`); the batch page shows its progress."""
    check_start_reading(batch)
    if batch.job is not None and not batch.job.finished:
        Job.fail_stalled()  # its worker stopped: the pages already read are kept, the rest is read again
    with transaction.atomic():
        job = start("intake.read_batch", user=user, params={"batch": batch.pk})
        Batch.objects.filter(pk=batch.pk).update(job=job, status=Batch.Status.READING)
    batch.refresh_from_db()
    return job


# The OCR (OpenCV, the engine's models) is imported where a page is read: the web starts without it.


def ocr_engine() -> Any:
    """The OCR engine of this process: ``YAKUBA_OCR_ENGINE`` (default rapidocr)."""
    from yakuba.ocr.pipeline import default_engine

    return default_engine(os.environ.get("YAKUBA_OCR_ENGINE", "rapidocr"))


def read_page(image: "np.ndarray", name: str) -> "PageResult":
    """One page through the pipeline (align, recognise, canonical, checks, decide)."""
    from yakuba.ocr.pipeline import read_image

    return read_image(image, name, engine=ocr_engine())


def do_read_batch(batch: Batch, user: Any, progress: Progress = _no_progress) -> Batch:
    """Read every page not read yet (so a restarted job goes on where it stopped)."""
    from yakuba.ocr.pipeline import PipelineError, pages_from_bytes
    from yakuba.cityprofile.load import current as city_profile

    template = city_profile().load_template()
    Batch.objects.filter(pk=batch.pk).update(status=Batch.Status.READING)
    total = sum(batch.scans.values_list("page_count", flat=True))
    done = batch.pages.count()
    progress(done, total, "読み取りを始めます")
    for scan in batch.scans.filter(read_at__isnull=True).order_by("seq"):
        data = storage.read_stored(scan.stored, user)
        seen = set(batch.pages.filter(scan=scan).values_list("name", flat=True))
        try:
            for name, image in pages_from_bytes(storage.safe_name(scan.file_name), data):
                if name in seen:
                    continue
                _store_page(batch, scan, name, read_page(image, name), user, template)
                done += 1
                progress(done, total, f"{done} / {total} ページを読み取りました")
        except PipelineError as exc:  # the whole file (checked at upload, so rare)
            _store_failed(batch, scan, scan.file_name, str(exc), user)
            done += 1
        Scan.objects.filter(pk=scan.pk).update(read_at=timezone.now())
    batch.refresh_from_db()
    batch.status, batch.read_at = Batch.Status.VERIFYING, timezone.now()
    batch.page_count = batch.pages.count()
    batch.save(update_fields=["status", "read_at", "page_count"])
    records.refresh_batch(batch)
    counts = records.batch_counts(batch)
    record("intake.batch.read", actor=user, target=batch,
           detail={"pages": counts["pages"], "failed": counts["failed"], "review": counts["review_fields"]})
    return batch


def _next_seq(batch: Batch) -> int:
    return (batch.pages.aggregate(m=Max("seq"))["m"] or 0) + 1


def _store_failed(batch: Batch, scan: Scan, name: str, error: str, user: Any) -> Page:
    with transaction.atomic():
        page = Page.objects.create(batch=batch, scan=scan, seq=_next_seq(batch), name=name[:220],
                                   status=Page.Status.FAILED, error=error[:300])
        record("intake.page.failed", actor=user, target=page, detail={"batch": batch.pk})
    return page


def _store_page(batch: Batch, scan: Scan, name: str, result: "PageResult", user: Any, template: Any) -> Page:
    """The page's fields and its two images (aligned; personal fields painted over), in one step."""
    from yakuba.ocr.pipeline import redact

    if result.error or result.aligned is None:
        return _store_failed(batch, scan, name, result.error or "ページを様式に合わせられません", user)
    with storage.files_removed_on_failure() as stored, transaction.atomic():
        page = Page.objects.create(batch=batch, scan=scan, seq=_next_seq(batch), name=name[:220],
                                   seconds=float(result.seconds or 0.0))
        page.image = storage.store(stored, storage.jpeg(result.aligned), kind=StoredObject.Kind.SCAN,
                                   batch=batch, user=user, description=f"入園申請書 {page.label} 様式に合わせた画像",
                                   categories=form.page_categories(personal=True))
        page.redacted = storage.store(stored, storage.jpeg(redact(result.aligned, template, form.personal_ids())),
                                      kind=StoredObject.Kind.SCAN, batch=batch, user=user,
                                      description=f"入園申請書 {page.label} 個人を特定する欄を塗りつぶした画像",
                                      categories=form.page_categories(personal=False))
        FieldValue.objects.bulk_create(_field_rows(page, result))
        page.status = Page.Status.REVIEW
        page.save(update_fields=["image", "redacted", "status"])
        records.complete_page(page, user)
    return page


def _field_rows(page: Page, result: "PageResult") -> list[FieldValue]:
    known = form.by_id()
    rows = []
    for fid, r in result.fields.items():
        f = known.get(fid)
        if f is None:
            continue
        status = FieldValue.Status.ACCEPTED if r.status == "accepted" else FieldValue.Status.REVIEW
        rows.append(FieldValue(page=page, field_id=fid, position=f.position, type=f.type, personal=f.personal,
                               category=f.category.value, value=r.value, ocr_value=r.value,
                               confidence=float(r.confidence), status=status, reason=(r.reason or "")[:300]))
    return rows
