"""What follows from reading and verifying: a page with no field waiting becomes the record with
its 基準点, and a batch whose pages and records are all done becomes ready to deliver.

Not a step anyone takes by hand: the other actions call these after a change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from yakuba.audit.log import record
from yakuba.intake.models import Application, Batch, FieldValue, Page
from yakuba.allocation.points import base_points
from yakuba.cityprofile.load import current as city_profile
from yakuba.privacy.declarations import Category


def _iso_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def complete_page(page: Page, user: Any) -> Application | None:
    """When no field waits any more: the record with its 基準点 (problems → the 責任者 looks)."""
    if page.status in (Page.Status.FAILED, Page.Status.EXCLUDED):
        return None
    rows = list(page.fields.order_by("position"))
    if not rows or any(r.status == FieldValue.Status.REVIEW for r in rows):
        if page.status != Page.Status.REVIEW:
            page.status = Page.Status.REVIEW
            page.save(update_fields=["status"])
        return None
    values = {r.field_id: r.value for r in rows}
    points = base_points(values, city_profile().points)
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


def batch_overview(batch: Batch) -> dict[str, Any]:
    """The batch page's lists: every page with its waiting fields, the records to check, the pages not read."""
    pages = list(batch.pages.annotate(
        review=Count("fields", filter=Q(fields__status=FieldValue.Status.REVIEW)),
        review_personal=Count("fields", filter=Q(fields__status=FieldValue.Status.REVIEW, fields__personal=True)),
    ).select_related("application"))
    checking = [p for p in pages if getattr(p, "application", None) is not None
                and p.application.status == Application.Status.CHECKING]
    return {
        "counts": batch_counts(batch), "pages": pages, "checking": checking,
        "failed": [p for p in pages if p.status == Page.Status.FAILED],
    }


def with_review_counts(batches: Any) -> Any:
    """The batch list: each batch with how many fields wait for a person."""
    return batches.annotate(review=Count("pages__fields", filter=Q(pages__fields__status=FieldValue.Status.REVIEW,
                                                                   pages__status=Page.Status.REVIEW)))
