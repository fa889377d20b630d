"""Verification: a person confirms or corrects the fields the OCR was not sure of, one at a time.

What an operator receives never holds a personal field (氏名, フリガナ, 〒, 住所, 電話番号, 勤務先):
not in the queue, not its value, not its image crop, not a whole page showing it (the operator's
page image has those fields painted over). The 責任者 (vendor_responsible) gets them; each read
of a value is audited (ids and category), each refusal too.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from yakuba.audit import budget
from yakuba.audit.log import record
from yakuba.intake import fields as form
from yakuba.intake import storage
from yakuba.intake.actions import records
from yakuba.intake.errors import FieldRefused, ImageMissing, IntakeError
from yakuba.intake.models import Batch, FieldValue, Page
from yakuba.ocr.canonical import canonical
from yakuba.privacy.masking import MASK

SCOPES = ("general", "personal", "all")


# --------------------------------------------------------------------------- the queue


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


def fields_for(user: Any) -> QuerySet[FieldValue]:
    """Every field this user may open at all (their organisation's; an operator: no personal one)."""
    qs = FieldValue.objects.filter(page__batch__vendor=user.organisation).select_related("page", "page__batch")
    return qs if form.is_responsible(user) else qs.filter(personal=False)


def field_after(user: Any, pk: str | None) -> FieldValue | None:
    """The field the person skipped (``?after=``), if it is one they may open."""
    if not (pk or "").isdigit():
        return None
    return fields_for(user).filter(pk=int(pk or "0")).first()


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


# --------------------------------------------------------------------------- opening a field


def check_field(fv: FieldValue, user: Any, request: Any = None) -> None:
    """May this user open the field (its screen, its page)? A refusal is audited (ids only)."""
    if not form.may_see(user, fv.personal):
        record("intake.field.refused", request=request, actor=user, target=fv,
               detail={"field": fv.field_id, "page": fv.page_id})
        raise FieldRefused("この欄は委託先責任者だけが確認できます。")


def show_field(fv: FieldValue, user: Any, request: Any = None) -> dict[str, Any]:
    """What the verification screen shows of a field; the read is audited (ids, category)."""
    if not form.may_see(user, fv.personal):
        raise FieldRefused("この欄を表示する権限がありません。")
    if fv.value or fv.ocr_value:
        budget.check(request, user, 1, "personal.read")
        record("personal.read", request=request, actor=user, target=fv, categories=[fv.category],
               detail={"field": fv.field_id, "page": fv.page_id})
    return {"value": fv.value, "ocr_value": fv.ocr_value, "reason": fv.reason}


def page_rows(page: Page, user: Any, request: Any = None) -> list[dict[str, Any]]:
    """Every field of the page; personal ones masked for an operator (value and reason). The values
    shown are audited as one listing (ids and categories)."""
    rows = []
    shown: list[int] = []
    categories: set[str] = set()
    for fv in page.fields.all():
        visible = form.may_see(user, fv.personal)
        if visible and fv.value:
            shown.append(fv.pk)
            categories.add(fv.category)
        rows.append({"fv": fv, "visible": visible, "value": fv.value if visible else MASK,
                     "reason": fv.reason if visible else ""})
    if shown:
        budget.check(request, user, len(shown))
        record("personal.list", request=request, target_type="intake.fieldvalue", categories=categories,
               detail={"ids": shown, "count": len(shown), "page": page.pk})
    return rows


# --------------------------------------------------------------------------- confirming or correcting


def check_value(fv: FieldValue, raw: str) -> str:
    """The value in the canonical form of the field's type; IntakeError saying why not — without
    repeating what was typed (a date of birth is personal too)."""
    try:
        return canonical(fv.type, raw or "")
    except ValueError as exc:
        reason = str(exc).split(": ", 1)[0]
        raise IntakeError(f"{fv.label}: {reason}", where=fv.field_id) from None


def check_verify(fv: FieldValue, user: Any) -> None:
    if not form.may_see(user, fv.personal):
        raise FieldRefused("この欄を確認する権限がありません。")
    if fv.page.batch.finished:
        raise IntakeError("納品済みのバッチは修正できません。")
    if fv.page.status in (Page.Status.EXCLUDED, Page.Status.FAILED):
        raise IntakeError("このページは除外されているか、読み取れなかったページです。")


def do_verify_field(fv: FieldValue, raw: str, user: Any, request: Any = None) -> FieldValue:
    """A person's value for a field (canonical form of its type); audited without the value."""
    check_verify(fv, user)
    value = check_value(fv, raw)
    page = fv.page
    with transaction.atomic():
        changed = value != fv.value
        fv.value, fv.status = value, FieldValue.Status.VERIFIED
        fv.verified_by, fv.verified_at = user, timezone.now()
        fv.save(update_fields=["value", "status", "verified_by", "verified_at"])
        record("intake.field.verified", request=request, actor=user, target=fv, categories=[fv.category],
               detail={"field": fv.field_id, "page": page.pk, "changed": changed})
        records.complete_page(page, user)
        records.refresh_batch(page.batch)
    return fv


# --------------------------------------------------------------------------- images


def crop_png(fv: FieldValue, user: Any, request: Any = None) -> bytes:
    """The field's image: a personal field's only for the 責任者 (a refusal is audited)."""
    from yakuba.ocr.pipeline import field_crop  # OpenCV: only when an image is asked for
    from yakuba.cityprofile.load import current as city_profile

    if not form.may_see(user, fv.personal):
        record("intake.crop.refused", request=request, actor=user, target=fv,
               detail={"field": fv.field_id, "page": fv.page_id})
        raise FieldRefused("この欄の画像は委託先責任者だけが表示できます。")
    page = fv.page
    obj = page.image if fv.personal else page.redacted  # the least that shows the field
    if obj is None:
        raise ImageMissing()
    return storage.png(field_crop(storage.decode(storage.read_stored(obj, user, request)), city_profile().load_template(),
                                  fv.field_id))


def page_jpeg(page: Page, user: Any, request: Any = None) -> bytes:
    """The whole page on request: for an operator with every personal field painted over."""
    obj = page.image if form.is_responsible(user) else page.redacted
    if obj is None:
        raise ImageMissing()
    return storage.read_stored(obj, user, request)
