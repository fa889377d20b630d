"""Upload: the 責任者 registers the scanned application forms of a 便 as one batch, stored only encrypted."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from django.conf import settings
from django.db import transaction

from yakuba.audit.log import record
from yakuba.intake import fields as form
from yakuba.intake import storage
from yakuba.intake.actions import reading
from yakuba.intake.errors import IntakeError
from yakuba.intake.models import Batch, Scan
from yakuba.vault.models import StoredObject

SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf")
MAX_NAME = 60
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_UPLOAD_BYTES = 512 * 1024 * 1024
MAX_FILES = 1000


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def check_name(name: str) -> str:
    """The batch's name, stripped; IntakeError when it is empty or too long."""
    name = (name or "").strip()
    if not name:
        raise IntakeError("バッチ名を入力してください(例: R8-第1便)。", where="name")
    if len(name) > MAX_NAME:
        raise IntakeError(f"バッチ名は{MAX_NAME}文字以内にしてください。", where="name")
    return name


def check_count(uploads: Sequence[Any]) -> None:
    if not uploads:
        raise IntakeError("スキャンしたファイルを選んでください。", where="files")
    if len(uploads) > MAX_FILES:
        raise IntakeError(f"一度に登録できるファイルは {MAX_FILES} 個までです。", where="files")


def check_total(too_large: bool) -> None:
    """The upload stopped at MAX_UPLOAD_BYTES (nothing of it is kept)."""
    if too_large:
        raise IntakeError(f"一度に登録できるのは合計 {MAX_UPLOAD_BYTES // (1024 * 1024)}MB までです。"
                          "何回かに分けて登録してください。", where="files")


def check_upload(name: str, data: bytes, number: int = 1) -> int:
    """The number of pages in an uploaded file, the `number`-th of the upload; IntakeError when it
    is not a readable scan, or over the size, pixel (`YAKUBA_UPLOAD_MAX_PIXELS`) or page
    (`YAKUBA_UPLOAD_MAX_PAGES`) limit: the pixels and pages are counted from the file's header
    before anything is decoded. The message names the file by its number and its own name."""
    shown = f"{number}番目のファイル {storage.safe_name(name)}"
    suffix = Path(storage.safe_name(name)).suffix.lower()
    if suffix not in SUFFIXES:
        raise IntakeError(f"{shown}: 対応していない形式です。PNG・JPEG・TIFF・PDF のファイルを選んでください。")
    if not data:
        raise IntakeError(f"{shown}: ファイルが空です。")
    if len(data) > MAX_FILE_BYTES:
        raise IntakeError(f"{shown}: ファイルが大きすぎます({MAX_FILE_BYTES // (1024 * 1024)}MB まで)。")
    if suffix == ".pdf":
        return _pdf_pages(shown, data)
    from yakuba.ocr import limits
    from yakuba.ocr.pipeline import PipelineError, decode_image  # OpenCV: only when a scan arrives

    try:
        decode_image(data, shown, settings.YAKUBA_UPLOAD_MAX_PIXELS)  # the header's size checked first
    except limits.ScanTooLarge as exc:
        raise IntakeError(str(exc)) from None
    except (PipelineError, limits.NotAnImage):
        raise IntakeError(f"{shown}: 画像として読めません。ファイルが壊れていないか確かめてください。") from None
    return 1


def _pdf_pages(shown: str, data: bytes) -> int:
    from pypdf import PdfReader

    from yakuba.ocr import limits

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise IntakeError(f"{shown}: パスワード付きの PDF は読み取れません。パスワードを外してから登録してください。")
        pages = len(reader.pages)
        limits.check_pages(pages, shown, settings.YAKUBA_UPLOAD_MAX_PAGES)
        for n, page in enumerate(reader.pages, 1):
            limits.check_pdf_page(page, f"{shown} の {n} ページ", settings.YAKUBA_UPLOAD_MAX_PIXELS)
    except IntakeError:
        raise
    except limits.ScanTooLarge as exc:
        raise IntakeError(str(exc)) from None
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on garbage
        raise IntakeError(f"{shown}: PDF として読めません。ファイルが壊れていないか確かめてください。") from None
    if pages == 0:
        raise IntakeError(f"{shown}: PDF にページがありません。")
    return pages


def check_batch(name: str, uploads: Sequence[Upload]) -> tuple[str, list[int]]:
    """The batch's name and each file's page count: every file checked before anything is written."""
    name = check_name(name)
    check_count(uploads)
    return name, [check_upload(u.name, u.data, n) for n, u in enumerate(uploads, 1)]


def do_create_batch(vendor: Any, name: str, uploads: Sequence[Upload], user: Any) -> Batch:
    """Check every file, then store them all (encrypted) in one batch — or nothing."""
    name, pages = check_batch(name, uploads)
    with storage.files_removed_on_failure() as stored, transaction.atomic():
        batch = Batch.objects.create(vendor=vendor, name=name, created_by=user, scan_count=len(uploads),
                                     page_count=sum(pages))
        for seq, (upload, count) in enumerate(zip(uploads, pages), start=1):
            obj = storage.store(stored, upload.data, kind=StoredObject.Kind.SCAN, batch=batch, user=user,
                                description=f"入園申請書スキャン {batch.code} ファイル{seq}",
                                categories=form.page_categories(personal=True))
            Scan.objects.create(batch=batch, seq=seq, file_name=storage.safe_name(upload.name)[:200], stored=obj,
                                page_count=count)
        record("intake.batch.created", actor=user, target=batch,
               detail={"scans": len(uploads), "pages": sum(pages)})
    return batch


def do_upload(vendor: Any, name: str, uploads: Sequence[Upload], user: Any) -> Batch:
    """What the upload screen does: the batch stored, and its reading queued in the background."""
    batch = do_create_batch(vendor, name, uploads, user)
    reading.do_start_reading(batch, user)
    return batch
