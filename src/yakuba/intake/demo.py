"""The demo city's intake: synthetic scanned forms, read with the real OCR, partly verified.

Two batches go through the same actions as the screens:

- ``R8-前回分`` (a few pages): read, every field verified, 基準点 confirmed, delivered to 子ども家庭課
  as a signed, encrypted package, accepted by the city (this installation hosts the city too), the
  receipt confirmed — so its scans are erased and the erasure certificate is on the batch;
- ``R8-第1便`` (``YAKUBA_DEMO_SCANS`` pages, default 60): read, the first half of its pages verified
  (operators the general fields, the 責任者 the personal ones), the rest waiting in the queues.

The forms are made by ``yakuba.ocr.synth`` (invented names, みどり市's real postal codes with invented
番地); a person "verifies" a field by typing what the form says, which the synthesis knows.
"""

from __future__ import annotations

import time
from typing import Any, Callable

from yakuba.handover import service as handover
from yakuba.intake.actions import delivery, reading, review, upload, verification
from yakuba.intake.models import Application, Batch, FieldValue, Page
from yakuba.ocr.synth import png_bytes, synth_pages
from yakuba.site.config import env_int

SEED = 20261126
MAIN_BATCH = "R8-第1便"
PREVIOUS_BATCH = "R8-前回分"


def page_count() -> int:
    """How many forms the main batch has (``YAKUBA_DEMO_SCANS``; the tests use a few)."""
    return env_int("YAKUBA_DEMO_SCANS", 60)


def run(vendor: Any, responsible: Any, operator: Any, city_staff: Any, progress: Callable[[str], None]) -> None:
    for stuck in Batch.objects.filter(vendor=vendor, status=Batch.Status.READING, job__isnull=True):
        # a demo killed during its OCR: read on where it stopped (the pages read are kept)
        progress(f"{stuck.name}: 中断された読み取りを再開します")
        reading.do_read_batch(stuck, responsible, progress=_every(progress, 10))
    if Batch.objects.filter(vendor=vendor).exists():
        return
    main = page_count()
    previous = max(1, min(3, main // 20))
    total = previous + main
    progress(f"架空の入園申請書 {total} 枚をスキャン画像として作っています")
    truth: dict[str, dict[str, str]] = {}
    uploads = []
    for page in synth_pages(total, SEED):  # in memory: no scan of a (synthetic) person is written to disk
        truth[page.name] = page.truth
        uploads.append(upload.Upload(page.name, png_bytes(page.scan.image)))

    progress(f"{PREVIOUS_BATCH}: {previous} 枚を読み取り、確認して市へ納品します")
    batch = upload.do_create_batch(vendor, PREVIOUS_BATCH, uploads[:previous], responsible)
    reading.do_read_batch(batch, responsible, progress=_every(progress, 10))
    _verify(batch, truth, operator, responsible, share=1.0)
    _deliver_and_erase(batch, responsible, city_staff)

    progress(f"{MAIN_BATCH}: {main} 枚を暗号化して登録し、AI-OCR で読み取ります(1枚 0.5〜1 秒ほど)")
    batch = upload.do_create_batch(vendor, MAIN_BATCH, uploads[previous:], responsible)
    started = time.perf_counter()
    reading.do_read_batch(batch, responsible, progress=_every(progress, 10))
    progress(f"{MAIN_BATCH}: 読み取りました({time.perf_counter() - started:.0f} 秒)。前半のページを確認済みにします")
    _verify(batch, truth, operator, responsible, share=0.5)


def _every(progress: Callable[[str], None], step: int) -> Callable[[int, int, str], None]:
    def report(done: int, total: int, message: str) -> None:
        if done and (done % step == 0 or done == total):
            progress(f"  {done} / {total} ページ")
    return report


def _verify(batch: Any, truth: dict[str, dict[str, str]], operator: Any, responsible: Any, *, share: float) -> None:
    """Type what the form says into the first `share` of the pages' review fields."""
    pages = list(batch.pages.filter(status=Page.Status.REVIEW).order_by("seq"))
    for page in pages[: round(len(pages) * share)]:
        answers = truth.get(page.name, {})
        for fv in page.fields.filter(status=FieldValue.Status.REVIEW).order_by("position"):
            user = responsible if fv.personal else operator
            verification.do_verify_field(fv, answers.get(fv.field_id, ""), user)


def _deliver_and_erase(batch: Any, responsible: Any, city_staff: Any) -> None:
    for page in batch.pages.filter(status=Page.Status.FAILED):
        review.do_exclude_page(page, responsible)
    for app in batch.applications.filter(status=Application.Status.CHECKING):
        review.do_confirm_application(app, responsible)
    delivery.do_export_batch(batch, responsible, delivery.DEFAULT_RECIPIENT)
    batch.refresh_from_db()
    data = delivery.package_bytes(batch, responsible)
    # 子ども家庭課 opens it in memory (in the demo this installation is the city's too) and returns the receipt.
    accepted = handover.accept(data, recipient=delivery.DEFAULT_RECIPIENT, user=city_staff,
                               name=f"intake-{batch.code}.yakuba")
    delivery.do_receive_receipt(batch, accepted.receipt, responsible)
