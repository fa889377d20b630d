"""Attachments of a case (§4): upload, view inline, download as an export.

- Upload (``do_upload``): only the case's assigned workers, the case open; the kind is decided by the
  content's magic bytes (``consult.media``), never the name or the browser's type; size, pixels,
  pages and minutes are checked from the headers before the file is stored, encrypted, in the vault
  (batch ``consult-case:<pk>``, categories SENSITIVE, + HEALTH when marked 要配慮).
- View (``do_view``): the assigned workers, and the centre's supervisor for files without health
  details (``access.CATEGORIES``). One audit entry per viewing, with the categories; it returns a
  short-lived view grant, a signed token naming the viewer, the file and that entry: the player's
  range requests (``check_grant``) carry it, so an hour of audio is one entry, not thousands.
- Download (``do_request_download``): an export (``consult.exporters``), which always waits for the
  センター長's approval and is watermarked; delivered once by the export step.

Everyone else — the centre's other staff, 福祉課, the council, an agency — is refused (403).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from yakuba.audit.log import record
from yakuba.consult import media
from yakuba.consult.access import CATEGORIES, Level, access_case
from yakuba.consult.actions.cases import check_writable
from yakuba.consult.errors import ConsultError
from yakuba.consult.models import Attachment, Case, case_batch
from yakuba.privacy.declarations import Category
from yakuba.vault import service as vault
from yakuba.vault.models import StoredObject

__all__ = ["limits", "check_upload", "do_upload", "viewing_level", "check_view", "do_view", "Grant", "check_grant",
           "watermark_lines", "check_request_download", "do_request_download", "export_kind", "MAX_TITLE"]

MAX_TITLE = 100
_SALT = "yakuba.consult.attachment-view"
FORBIDDEN = "この添付ファイルを閲覧する権限がありません。"


def limits() -> media.Limits:
    return media.Limits(max_bytes=settings.YAKUBA_ATTACHMENT_MAX_MB * 1024 * 1024,
                        max_pixels=settings.YAKUBA_ATTACHMENT_MAX_PIXELS,
                        max_pages=settings.YAKUBA_ATTACHMENT_MAX_PAGES,
                        max_seconds=settings.YAKUBA_ATTACHMENT_MAX_MINUTES * 60)


# --- upload -------------------------------------------------------------------------------------


def check_upload(case: Case, user: Any, *, title: str, data: bytes) -> tuple[media.Format, media.Meta]:
    check_writable(case, user)
    title = (title or "").strip()
    if not title:
        raise ConsultError("表題を入力してください(例: 診断書の写し)。", where="title")
    if len(title) > MAX_TITLE:
        raise ConsultError(f"表題は{MAX_TITLE}文字以内にしてください。", where="title")
    fmt = media.sniff(data or b"")
    if fmt is None:
        raise media.AttachmentRefused(f"添付できるのは {media.SUPPORTED} のファイルだけです(ファイルの中身で判定します。"
                                      "名前や拡張子を変えても添付できません)。", where="file")
    return fmt, media.probe(fmt, data, limits())


def do_upload(case: Case, user: Any, *, title: str, data: bytes, health: bool = False,
              request: Any = None) -> Attachment:
    """Check, then store encrypted (the plaintext only ever in memory) and record — or nothing."""
    fmt, meta = check_upload(case, user, title=title, data=data)
    categories = [Category.SENSITIVE.value] + ([Category.HEALTH.value] if health else [])
    with transaction.atomic():
        stored = vault.store(io.BytesIO(data), kind=StoredObject.Kind.ATTACHMENT, organisation=case.centre, user=user,
                             description=f"ケース {case.number} の添付({fmt.label})", categories=categories,
                             batch=case_batch(case.pk))
        a = Attachment.objects.create(case=case, kind=fmt.kind, format=fmt.id, content_type=fmt.mime,
                                      title=title.strip(), health=health, stored=stored, size=len(data),
                                      pages=meta.pages, width=meta.width, height=meta.height, seconds=meta.seconds,
                                      uploaded_by=user)
        record("consult.attachment.added", request=request, actor=user, target=case, categories=a.categories,
               detail={"attachment": a.pk, "kind": a.kind, "format": a.format, "size": a.size, "stored": str(stored.id)})
    return a


# --- viewing ------------------------------------------------------------------------------------


def viewing_level(user: Any, attachment: Attachment) -> Level:
    """The user's level on the attachment's case when it lets them see this file's categories, else NONE."""
    level = access_case(user, attachment.case)
    if level < Level.SUPERVISOR or not set(attachment.categories) <= {c.value for c in CATEGORIES[level]}:
        return Level.NONE
    return level


def check_view(user: Any, attachment: Attachment) -> Level:
    level = viewing_level(user, attachment)
    if level == Level.NONE:
        raise PermissionDenied(FORBIDDEN)
    if attachment.stored.erased:
        raise ConsultError(f"添付 {attachment.pk} は消去済みです。", where=f"attachment {attachment.pk}")
    return level


@dataclass(frozen=True)
class Grant:
    token: str
    entry: int
    at: dt.datetime
    expires_at: dt.datetime


def grant_seconds(attachment: Attachment) -> int:
    """How long a viewing's grant lasts: the setting, plus the length of a recording."""
    return settings.YAKUBA_ATTACHMENT_VIEW_S + int(attachment.seconds or 0)


def do_view(user: Any, attachment: Attachment, *, request: Any = None) -> Grant:
    """One viewing: audited with the file's categories; the grant its content requests carry."""
    check_view(user, attachment)
    now = timezone.now()
    entry = record("consult.attachment.viewed", request=request, actor=user, target=attachment,
                   categories=attachment.categories,
                   detail={"case": attachment.case_id, "kind": attachment.kind, "stored": str(attachment.stored_id)})
    token = signing.dumps({"a": attachment.pk, "u": user.pk, "e": entry.pk, "t": int(now.timestamp())}, salt=_SALT,
                          compress=False)
    return Grant(token, entry.pk, now, now + dt.timedelta(seconds=grant_seconds(attachment)))


def check_grant(user: Any, attachment: Attachment, token: str) -> dict[str, Any]:
    """The grant of a viewing by this user of this file, still valid, and the user still allowed."""
    check_view(user, attachment)
    try:
        grant = signing.loads(token or "", salt=_SALT, max_age=grant_seconds(attachment))
    except signing.BadSignature:  # also SignatureExpired
        raise PermissionDenied("閲覧の許可が無効か期限切れです。ケースの画面から開き直してください。") from None
    if grant.get("a") != attachment.pk or grant.get("u") != user.pk:
        raise PermissionDenied("閲覧の許可が無効か期限切れです。ケースの画面から開き直してください。")
    return grant  # type: ignore[no-any-return]


def watermark_lines(user: Any, attachment: Attachment, at: dt.datetime) -> list[str]:
    """What the watermark says: who looks, when, at which case (a photograph of the screen names its taker)."""
    local = timezone.localtime(at)
    return [f"閲覧者 {user.username}", f"{local:%Y-%m-%d %H:%M:%S}", f"ケース {attachment.case.number} 添付 {attachment.pk}",
            "持出禁止"]


def watermarked_image(user: Any, attachment: Attachment, grant: dict[str, Any]) -> bytes:
    """The image with the viewer, the time of the viewing and the case burned in (server-side)."""
    with vault.open_range(attachment.stored) as opened:
        data = b"".join(opened.reader.read_range(0, opened.size))
    at = dt.datetime.fromtimestamp(grant["t"], tz=dt.timezone.utc)
    return media.burn_watermark(data, media.BY_ID[attachment.format], watermark_lines(user, attachment, at))


# --- download: an export -------------------------------------------------------------------------


def export_kind(attachment: Attachment) -> str:
    return f"consult.attachment.{attachment.format}" + (".health" if attachment.health else "")


def check_request_download(user: Any, attachment: Attachment, reason: str) -> None:
    """Only an assigned worker asks; the reason is what the センター長 decides on."""
    if viewing_level(user, attachment) < Level.ASSIGNED:
        raise PermissionDenied(FORBIDDEN)
    if not (reason or "").strip():
        raise ConsultError("ダウンロードの理由を入力してください(センター長が承認します)。", where="reason")


def do_request_download(user: Any, attachment: Attachment, reason: str, *, request: Any = None) -> Any:
    """Ask for the file as an export: built and watermarked now, waiting for the センター長."""
    from yakuba.exports.actions.approval import do_request_export

    check_request_download(user, attachment, reason)
    return do_request_export(user, export_kind(attachment), {"attachment": attachment.pk}, reason=reason)
