"""The vendor's intake, step by step; every step audited (ids and counts, never values).

    batch = create_batch(vendor, "R8-第1便", [Upload(name, data), …], user)   # encrypted in the vault
    start_reading(batch, user)                 # background job → read_batch(batch, user, progress)
    fv = next_field(user)                      # the operator's queue: no personal field ever
    verify_field(fv, "5", user)                # a page with every field done → Application + 基準点
    export_batch(batch, user, "kodomo")        # signed, encrypted package for the city
    receive_receipt(batch, receipt, user)      # the city's receipt → scans erased, certificate kept

Errors for the user are `IntakeError` with one Japanese line; a failing step leaves nothing
half-written (files stored for a rolled-back step are removed again).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from yakuba.errors import YakubaError
from yakuba.audit.log import record
from yakuba.intake import fields as form
from yakuba.intake.memfile import plaintext_path, safe_name
from yakuba.intake.models import Application, Batch, FieldValue, Page, Scan
from yakuba.privacy.declarations import Category
from yakuba.privacy.errors import PrivacyError
from yakuba.vault import service as vault
from yakuba.vault.models import ErasureCertificate, StoredObject

if TYPE_CHECKING:
    import numpy as np

    from yakuba.ocr.pipeline import PageResult

Progress = Callable[[int, int, str], None]

SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf")
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_UPLOAD_BYTES = 512 * 1024 * 1024
MAX_FILES = 1000
DEFAULT_RECIPIENT = "kodomo"
PAGE_JPEG_QUALITY = 85


def _no_progress(done: int, total: int, message: str) -> None:
    pass


class IntakeError(YakubaError):
    """A step of the intake refused; `str()` is one Japanese line for the user."""


class FieldRefused(IntakeError):
    """This user may not receive this field (a personal field for an operator)."""


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


# --------------------------------------------------------------------------- helpers


@contextmanager
def _files_removed_on_failure() -> Iterator[list[StoredObject]]:
    """Vault files written inside the block are unlinked again if the block fails (its rows roll back)."""
    stored: list[StoredObject] = []
    try:
        yield stored
    except BaseException:
        for obj in stored:
            obj.path.unlink(missing_ok=True)
        raise


def _store(stored: list[StoredObject], data: bytes, *, kind: str, description: str, batch: Batch, user: Any,
           categories: Sequence[str]) -> StoredObject:
    obj = vault.store(io.BytesIO(data), kind=kind, description=description, organisation=batch.vendor, user=user,
                      categories=categories, batch=batch.vault_tag)
    stored.append(obj)
    return obj


def _read_stored(obj: StoredObject, user: Any, request: Any = None) -> bytes:
    if obj.erased:
        raise IntakeError("画像は消去済みです。")
    buf = io.BytesIO()
    vault.read(obj, buf, user=user, request=request)
    return buf.getvalue()


def _png(image: "np.ndarray") -> bytes:
    import cv2

    ok, data = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 3])
    if not ok:  # pragma: no cover - OpenCV encodes any uint8 image
        raise IntakeError("画像を保存できません。")
    return data.tobytes()


def _jpeg(image: "np.ndarray") -> bytes:
    """A stored page image: JPEG keeps a noisy 200 dpi scan at a third of the PNG's size."""
    import cv2

    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, PAGE_JPEG_QUALITY])
    if not ok:  # pragma: no cover
        raise IntakeError("画像を保存できません。")
    return data.tobytes()


def _decode(data: bytes) -> "np.ndarray":
    import cv2
    import numpy as np

    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    if image is None:  # pragma: no cover - we wrote it
        raise IntakeError("保存された画像を読めません。")
    return image


# --------------------------------------------------------------------------- upload


def check_upload(name: str, data: bytes) -> int:
    """The number of pages in an uploaded file; IntakeError when it is not a readable scan."""
    shown = safe_name(name)
    suffix = Path(shown).suffix.lower()
    if suffix not in SUFFIXES:
        raise IntakeError(f"{shown}: 対応していない形式です。PNG・JPEG・TIFF・PDF のファイルを選んでください。")
    if not data:
        raise IntakeError(f"{shown}: ファイルが空です。")
    if len(data) > MAX_FILE_BYTES:
        raise IntakeError(f"{shown}: ファイルが大きすぎます({MAX_FILE_BYTES // (1024 * 1024)}MB まで)。")
    if suffix == ".pdf":
        from pypdf import PdfReader

        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise IntakeError(f"{shown}: パスワード付きの PDF は読み取れません。パスワードを外してから登録してください。")
            pages = len(reader.pages)
        except IntakeError:
            raise
        except Exception:  # noqa: BLE001 - pypdf raises many kinds on garbage
            raise IntakeError(f"{shown}: PDF として読めません。ファイルが壊れていないか確かめてください。") from None
        if pages == 0:
            raise IntakeError(f"{shown}: PDF にページがありません。")
        return pages
    from yakuba.ocr.pipeline import PipelineError, decode_image

    try:
        decode_image(data, shown)
    except PipelineError:
        raise IntakeError(f"{shown}: 画像として読めません。ファイルが壊れていないか確かめてください。") from None
    return 1


def create_batch(vendor: Any, name: str, uploads: Sequence[Upload], user: Any) -> Batch:
    """Check every file, then store them all (encrypted) in one batch — or nothing."""
    name = (name or "").strip()
    if not name:
        raise IntakeError("バッチ名を入力してください(例: R8-第1便)。")
    if len(name) > 60:
        raise IntakeError("バッチ名は60文字以内にしてください。")
    if not uploads:
        raise IntakeError("スキャンしたファイルを選んでください。")
    if len(uploads) > MAX_FILES:
        raise IntakeError(f"一度に登録できるファイルは {MAX_FILES} 個までです。")
    pages = [check_upload(u.name, u.data) for u in uploads]  # every file, before anything is written
    with _files_removed_on_failure() as stored, transaction.atomic():
        batch = Batch.objects.create(vendor=vendor, name=name, created_by=user, scan_count=len(uploads),
                                     page_count=sum(pages))
        for seq, (upload, count) in enumerate(zip(uploads, pages), start=1):
            obj = _store(stored, upload.data, kind=StoredObject.Kind.SCAN, batch=batch, user=user,
                         description=f"入園申請書スキャン {batch.code} ファイル{seq}",
                         categories=form.page_categories(personal=True))
            Scan.objects.create(batch=batch, seq=seq, file_name=safe_name(upload.name)[:200], stored=obj,
                                page_count=count)
        record("intake.batch.created", actor=user, target=batch,
               detail={"scans": len(uploads), "pages": sum(pages)})
    return batch


def start_reading(batch: Batch, user: Any) -> Any:
    """Queue the reading as a background job (`yakuba worker`); the batch page shows its progress."""
    from yakuba.jobs.models import Job
    from yakuba.jobs.tasks import start

    if batch.finished:
        raise IntakeError("納品済みのバッチは読み取り直せません。")
    if batch.job is not None and not batch.job.finished:
        if not batch.job.stalled:
            raise IntakeError("このバッチは読み取りの処理中です。終わるまでお待ちください。")
        Job.fail_stalled()  # its worker stopped: the pages already read are kept, the rest is read again
    with transaction.atomic():
        job = start("intake.read_batch", user=user, params={"batch": batch.pk})
        Batch.objects.filter(pk=batch.pk).update(job=job, status=Batch.Status.READING)
    batch.refresh_from_db()
    return job


# --------------------------------------------------------------------------- reading


def ocr_engine() -> Any:
    """The OCR engine of this process: ``YAKUBA_OCR_ENGINE`` (default rapidocr)."""
    import os

    from yakuba.ocr.pipeline import default_engine

    return default_engine(os.environ.get("YAKUBA_OCR_ENGINE", "rapidocr"))


def read_page(image: "np.ndarray", name: str) -> "PageResult":
    """One page through the pipeline (align, recognise, canonical, checks, decide)."""
    from yakuba.ocr.pipeline import read_image

    return read_image(image, name, engine=ocr_engine())


def read_batch(batch: Batch, user: Any, progress: Progress = _no_progress) -> Batch:
    """Read every page not read yet (so a restarted job goes on where it stopped)."""
    from yakuba.ocr.pipeline import PipelineError, pages_from_bytes
    from yakuba.ocr.template import load_template

    template = load_template()
    Batch.objects.filter(pk=batch.pk).update(status=Batch.Status.READING)
    total = sum(batch.scans.values_list("page_count", flat=True))
    done = batch.pages.count()
    progress(done, total, "読み取りを始めます")
    for scan in batch.scans.filter(read_at__isnull=True).order_by("seq"):
        data = _read_stored(scan.stored, user)
        seen = set(batch.pages.filter(scan=scan).values_list("name", flat=True))
        try:
            for name, image in pages_from_bytes(safe_name(scan.file_name), data):
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
    refresh_batch(batch)
    counts = batch_counts(batch)
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
    known = form.by_id()
    with _files_removed_on_failure() as stored, transaction.atomic():
        page = Page.objects.create(batch=batch, scan=scan, seq=_next_seq(batch), name=name[:220],
                                   seconds=float(result.seconds or 0.0))
        page.image = _store(stored, _jpeg(result.aligned), kind=StoredObject.Kind.SCAN, batch=batch, user=user,
                            description=f"入園申請書 {page.label} 様式に合わせた画像",
                            categories=form.page_categories(personal=True))
        page.redacted = _store(stored, _jpeg(redact(result.aligned, template, form.personal_ids())),
                               kind=StoredObject.Kind.SCAN, batch=batch, user=user,
                               description=f"入園申請書 {page.label} 個人を特定する欄を塗りつぶした画像",
                               categories=form.page_categories(personal=False))
        rows = []
        for fid, r in result.fields.items():
            f = known.get(fid)
            if f is None:
                continue
            status = FieldValue.Status.ACCEPTED if r.status == "accepted" else FieldValue.Status.REVIEW
            rows.append(FieldValue(page=page, field_id=fid, position=f.position, type=f.type, personal=f.personal,
                                   category=f.category.value, value=r.value, ocr_value=r.value,
                                   confidence=float(r.confidence), status=status, reason=(r.reason or "")[:300]))
        FieldValue.objects.bulk_create(rows)
        page.status = Page.Status.REVIEW
        page.save(update_fields=["image", "redacted", "status"])
        complete_page(page, user)
    return page


# --------------------------------------------------------------------------- the finished record


def _iso_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def complete_page(page: Page, user: Any) -> Application | None:
    """When no field waits any more: the record with its 基準点 (problems → the 責任者 looks)."""
    from yakuba.ocr.points import base_points

    if page.status in (Page.Status.FAILED, Page.Status.EXCLUDED):
        return None
    rows = list(page.fields.order_by("position"))
    if not rows or any(r.status == FieldValue.Status.REVIEW for r in rows):
        if page.status != Page.Status.REVIEW:
            page.status = Page.Status.REVIEW
            page.save(update_fields=["status"])
        return None
    values = {r.field_id: r.value for r in rows}
    points = base_points(values)
    app = Application.objects.filter(page=page).first() or Application(
        page=page, batch=page.batch, vendor=page.batch.vendor, receipt_number=page.label)
    postal = values.get("postal_code", "")
    app.child_name = values.get("child_name", "")[:60]
    app.child_kana = values.get("child_kana", "")[:60]
    app.child_birth_date = _iso_date(values.get("child_birth", ""))
    app.guardian_name = (values.get("guardian1_name") or values.get("guardian2_name") or "")[:60]
    app.postal_code = f"{postal[:3]}-{postal[3:]}" if len(postal) == 7 else postal[:8]
    app.address = values.get("address", "")[:200]
    app.phone = values.get("phone", "")[:20]
    app.need_reason = "／".join(line.reason for line in points.lines)[:40]
    app.base_points = points.total
    app.points_lines = [{"guardian": x.guardian, "reason": x.reason, "points": x.points} for x in points.lines]
    app.points_problems = list(points.problems)
    app.wishes = [values[f"wish{i}"] for i in range(1, 6) if values.get(f"wish{i}")]
    app.values = values
    if points.problems:
        app.status, app.confirmed_by, app.confirmed_at = Application.Status.CHECKING, None, None
    else:
        app.status, app.confirmed_by, app.confirmed_at = Application.Status.CONFIRMED, None, timezone.now()
    app.save()
    if page.status != Page.Status.COMPLETE:
        page.status = Page.Status.COMPLETE
        page.save(update_fields=["status"])
    record("intake.application.completed", actor=user, target=app, categories=[Category.CIRCUMSTANCES.value],
           detail={"page": page.pk, "base_points": points.total, "problems": len(points.problems)})
    return app


def confirm_application(app: Application, user: Any, request: Any = None) -> Application:
    """The 責任者 has looked at a record whose 基準点 had problems, and confirms it as it is."""
    if not form.is_responsible(user):
        raise FieldRefused("基準点の確定は委託先責任者が行います。")
    if app.batch is not None and app.batch.finished:
        raise IntakeError("納品済みのバッチは修正できません。")
    if app.status != Application.Status.CHECKING:
        raise IntakeError("この申請は確認待ちではありません。")
    with transaction.atomic():
        app.status, app.confirmed_by, app.confirmed_at = Application.Status.CONFIRMED, user, timezone.now()
        app.save(update_fields=["status", "confirmed_by", "confirmed_at"])
        record("intake.application.confirmed", request=request, actor=user, target=app,
               detail={"problems": len(app.points_problems)})
        if app.batch is not None:
            refresh_batch(app.batch)
    return app


def exclude_page(page: Page, user: Any, request: Any = None) -> Page:
    """Take a page out of the batch (unreadable, or not an application): the 責任者 only."""
    if not form.is_responsible(user):
        raise FieldRefused("ページの除外は委託先責任者が行います。")
    if page.batch.finished:
        raise IntakeError("納品済みのバッチは修正できません。")
    if page.status == Page.Status.EXCLUDED:
        raise IntakeError("このページは既に除外されています。")
    with transaction.atomic():
        Application.objects.filter(page=page).delete()
        page.status, page.excluded_by, page.excluded_at = Page.Status.EXCLUDED, user, timezone.now()
        page.save(update_fields=["status", "excluded_by", "excluded_at"])
        record("intake.page.excluded", request=request, actor=user, target=page, detail={"batch": page.batch_id})
        refresh_batch(page.batch)
    return page


def refresh_batch(batch: Batch) -> Batch:
    """確認中 ↔ 納品可能: ready when every page is done (or excluded) and every record confirmed."""
    batch.refresh_from_db(fields=["status"])
    if batch.status not in (Batch.Status.VERIFYING, Batch.Status.READY):
        return batch
    open_pages = batch.pages.exclude(status__in=[Page.Status.COMPLETE, Page.Status.EXCLUDED]).exists()
    unconfirmed = batch.applications.exclude(status=Application.Status.CONFIRMED).exists()
    ready = not open_pages and not unconfirmed and batch.applications.exists()
    status = Batch.Status.READY if ready else Batch.Status.VERIFYING
    if status != batch.status:
        batch.status = status
        batch.save(update_fields=["status"])
    return batch


def batch_counts(batch: Batch) -> dict[str, int]:
    pages = {s: 0 for s in Page.Status.values}
    for status in batch.pages.values_list("status", flat=True):
        pages[status] += 1
    fvs = FieldValue.objects.filter(page__batch=batch)
    review = fvs.filter(status=FieldValue.Status.REVIEW, page__status=Page.Status.REVIEW)
    return {
        "pages": sum(pages.values()), "failed": pages["failed"], "complete": pages["complete"],
        "excluded": pages["excluded"], "review_pages": pages["review"],
        "fields": fvs.count(), "accepted": fvs.filter(status=FieldValue.Status.ACCEPTED).count(),
        "verified": fvs.filter(status=FieldValue.Status.VERIFIED).count(),
        "review_fields": review.count(), "review_personal": review.filter(personal=True).count(),
        "review_general": review.filter(personal=False).count(),
        "checking": batch.applications.filter(status=Application.Status.CHECKING).count(),
        "applications": batch.applications.count(),
    }


# --------------------------------------------------------------------------- the queue

SCOPES = ("general", "personal", "all")


def scope_for(user: Any, asked: str | None) -> str:
    """An operator's queue is always the general one; the 責任者's the personal one unless asked."""
    if not form.is_responsible(user):
        return "general"
    return asked if asked in SCOPES else "personal"


def queue(user: Any, scope: str | None = None) -> QuerySet[FieldValue]:
    """Fields waiting for a person, that this user may see, in batch, page and form order."""
    scope = scope_for(user, scope)
    qs = FieldValue.objects.filter(
        status=FieldValue.Status.REVIEW, page__status=Page.Status.REVIEW,
        page__batch__vendor=user.organisation,
        page__batch__status__in=[Batch.Status.READING, Batch.Status.VERIFYING],
    )
    if scope == "general":
        qs = qs.filter(personal=False)
    elif scope == "personal":
        qs = qs.filter(personal=True)
    return qs.select_related("page", "page__batch").order_by("page__batch_id", "page__seq", "position", "pk")


def next_field(user: Any, scope: str | None = None, after: FieldValue | None = None) -> FieldValue | None:
    """The next field of the queue (after `after`, wrapping round; never `after` itself)."""
    qs = queue(user, scope)
    if after is None:
        return qs.first()
    b, s, p = after.page.batch_id, after.page.seq, after.position
    later = qs.filter(
        Q(page__batch_id__gt=b)
        | Q(page__batch_id=b, page__seq__gt=s)
        | Q(page__batch_id=b, page__seq=s, position__gt=p)
        | Q(page__batch_id=b, page__seq=s, position=p, pk__gt=after.pk)
    ).first()
    return later or qs.exclude(pk=after.pk).first()


def fields_for(user: Any) -> QuerySet[FieldValue]:
    """Every field this user may open at all (their organisation's; an operator: no personal one)."""
    qs = FieldValue.objects.filter(page__batch__vendor=user.organisation).select_related("page", "page__batch")
    return qs if form.is_responsible(user) else qs.filter(personal=False)


def show_field(fv: FieldValue, user: Any, request: Any = None) -> dict[str, Any]:
    """What the verification screen shows of a field; the read is audited (ids, category)."""
    if not form.may_see(user, fv.personal):
        raise FieldRefused("この欄を表示する権限がありません。")
    if fv.value:
        record("personal.read", request=request, actor=user, target=fv, categories=[fv.category],
               detail={"field": fv.field_id, "page": fv.page_id})
    return {"value": fv.value, "ocr_value": fv.ocr_value, "reason": fv.reason}


def verify_field(fv: FieldValue, raw: str, user: Any, request: Any = None) -> FieldValue:
    """A person's value for a field (canonical form of its type); audited without the value."""
    from yakuba.ocr.canonical import canonical

    if not form.may_see(user, fv.personal):
        raise FieldRefused("この欄を確認する権限がありません。")
    page = fv.page
    if page.batch.finished:
        raise IntakeError("納品済みのバッチは修正できません。")
    if page.status in (Page.Status.EXCLUDED, Page.Status.FAILED):
        raise IntakeError("このページは除外されているか、読み取れなかったページです。")
    try:
        value = canonical(fv.type, raw or "")
    except ValueError as exc:
        raise IntakeError(f"{fv.label}: {exc}") from None
    with transaction.atomic():
        changed = value != fv.value
        fv.value, fv.status = value, FieldValue.Status.VERIFIED
        fv.verified_by, fv.verified_at = user, timezone.now()
        fv.save(update_fields=["value", "status", "verified_by", "verified_at"])
        record("intake.field.verified", request=request, actor=user, target=fv, categories=[fv.category],
               detail={"field": fv.field_id, "page": page.pk, "changed": changed})
        complete_page(page, user)
        refresh_batch(page.batch)
    return fv


# --------------------------------------------------------------------------- images


def crop_png(fv: FieldValue, user: Any, request: Any = None) -> bytes:
    """The field's image: a personal field's only for the 責任者 (a refusal is audited)."""
    from yakuba.ocr.pipeline import field_crop
    from yakuba.ocr.template import load_template

    if not form.may_see(user, fv.personal):
        record("intake.crop.refused", request=request, actor=user, target=fv,
               detail={"field": fv.field_id, "page": fv.page_id})
        raise FieldRefused("この欄の画像を表示する権限がありません。")
    page = fv.page
    obj = page.image if fv.personal else page.redacted  # the least that shows the field
    if obj is None:
        raise IntakeError("このページには画像がありません。")
    return _png(field_crop(_decode(_read_stored(obj, user, request)), load_template(), fv.field_id))


def page_jpeg(page: Page, user: Any, request: Any = None) -> bytes:
    """The whole page on request: for an operator with every personal field painted over."""
    obj = page.image if form.is_responsible(user) else page.redacted
    if obj is None:
        raise IntakeError("このページには画像がありません。")
    return _read_stored(obj, user, request)


# --------------------------------------------------------------------------- delivery


def export_batch(batch: Batch, user: Any, recipient: str = DEFAULT_RECIPIENT) -> Batch:
    """The batch's records as a signed package encrypted for the city; kept (encrypted) to hand over."""
    from yakuba.handover import service as handover
    from yakuba.intake import delivery

    if not form.is_responsible(user):
        raise FieldRefused("納品は委託先責任者が行います。")
    refresh_batch(batch)
    if batch.status != Batch.Status.READY:
        raise IntakeError("確認待ちの欄・ページ・申請が残っているため、まだ納品できません。")
    apps = list(batch.applications.select_related("page", "batch").order_by("receipt_number"))
    records, count = delivery.records_bytes(apps)
    header = delivery.header_bytes(batch, count, recipient)
    try:
        with tempfile.TemporaryDirectory(prefix="yakuba-package-") as folder, \
                plaintext_path(delivery.HEADER_FILE, header) as header_path, \
                plaintext_path(delivery.RECORDS_FILE, records) as records_path, \
                _files_removed_on_failure() as stored, transaction.atomic():
            out = Path(folder) / f"intake-{batch.code}.yakuba"
            manifest = handover.create(out, [header_path, records_path], sender=batch.vendor.code,
                                       recipient=recipient, purpose=f"保育所等入園申請データの納品 {batch.code}",
                                       user=user)
            obj = _store(stored, out.read_bytes(), kind=StoredObject.Kind.PACKAGE, batch=batch, user=user,
                         description=f"入園申請データの納品パッケージ {batch.code}",
                         categories=form.page_categories(personal=True))
            batch.status, batch.recipient, batch.package_id = Batch.Status.DELIVERED, recipient, manifest.package_id
            batch.package_file, batch.delivered_at = obj, timezone.now()
            batch.save(update_fields=["status", "recipient", "package_id", "package_file", "delivered_at"])
            batch.applications.update(status=Application.Status.DELIVERED)
            record("intake.batch.delivered", actor=user, target=batch,
                   detail={"package": str(manifest.package_id), "records": count, "recipient": recipient})
    except PrivacyError as exc:
        raise IntakeError(f"納品パッケージを作れません: {exc}") from None
    return batch


def package_bytes(batch: Batch, user: Any, request: Any = None) -> bytes:
    if not form.is_responsible(user):
        raise FieldRefused("納品パッケージは委託先責任者が扱います。")
    if batch.package_file is None:
        raise IntakeError("このバッチはまだ納品されていません。")
    if batch.package_file.erased:
        raise IntakeError("納品パッケージは受領確認後に消去されました。")
    data = _read_stored(batch.package_file, user, request)
    record("intake.package.downloaded", request=request, actor=user, target=batch,
           detail={"package": str(batch.package_id)})
    return data


def receive_receipt(batch: Batch, data: bytes, user: Any, request: Any = None) -> ErasureCertificate:
    """The city's signed receipt for this batch's package → erase the batch's scans, keep the certificate.

    A receipt that does not verify, or is for another package, is refused, audited, and erases nothing.
    """
    from yakuba.handover import service as handover

    def refuse(reason: str, message: str) -> IntakeError:
        record("intake.receipt.refused", request=request, actor=user, target=batch, detail={"reason": reason})
        return IntakeError(message)

    if not form.is_responsible(user):
        raise FieldRefused("受領書の確認は委託先責任者が行います。")
    if batch.status != Batch.Status.DELIVERED or batch.package_id is None:
        raise refuse("not_waiting", "このバッチは受領書を待っていません。")
    try:
        package_id = str(json.loads(data.decode("utf-8"))["receipt"]["package_id"])
    except (UnicodeError, ValueError, KeyError, TypeError):
        raise refuse("unreadable", "受領書として読めません。市から返された受領書(JSON)を選んでください。") from None
    if package_id != str(batch.package_id):
        raise refuse("other_package", "この受領書は、このバッチの納品パッケージのものではありません。")
    try:
        sent = handover.confirm_receipt(data, user=user)
    except PrivacyError as exc:
        raise refuse(type(exc).__name__, f"受領書を確認できません: {exc}") from None
    batch.receipt_at = sent.receipt_at
    batch.save(update_fields=["receipt_at"])
    return erase_batch(batch, user)


def erase_batch(batch: Batch, user: Any) -> ErasureCertificate:
    """Erase every file of the batch (scans, page images, the package), and what the database held of it."""
    if batch.receipt_at is None:
        raise IntakeError("市の受領確認の前には消去できません。")
    live = StoredObject.objects.filter(batch=batch.vault_tag, erased_at__isnull=True)
    if live.exists():
        cert = vault.erase(list(live), user=user,
                           summary=f"入園申請書スキャン {batch.code}({batch.scan_count}ファイル・{batch.page_count}ページ)と納品パッケージ")
    else:  # erased before, the batch not yet marked (a crash in between)
        done = StoredObject.objects.filter(batch=batch.vault_tag, certificate__isnull=False).order_by("-erased_at").first()
        if done is None or done.certificate is None:
            raise IntakeError("消去する対象がありません。")
        cert = done.certificate
    with transaction.atomic():
        fields_deleted, _ = FieldValue.objects.filter(page__batch=batch).delete()
        records_deleted, _ = Application.objects.filter(batch=batch).delete()
        Page.objects.filter(batch=batch).update(name="")
        Scan.objects.filter(batch=batch).update(file_name="")
        batch.status, batch.certificate, batch.erased_at = Batch.Status.ERASED, cert, timezone.now()
        batch.save(update_fields=["status", "certificate", "erased_at"])
        record("intake.batch.erased", actor=user, target=batch,
               detail={"certificate": str(cert.id), "files": cert.count, "records": records_deleted,
                       "fields": fields_deleted})
    return cert
