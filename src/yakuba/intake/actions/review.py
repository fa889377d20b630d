"""Review: the 責任者's decisions on what verification left — a 基準点 with problems confirmed as it
is, a page taken out of the batch — and the rule that a record made from a scan is corrected
field by field on its page."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from yakuba.audit.log import record
from yakuba.intake import fields as form
from yakuba.intake.actions import records
from yakuba.intake.errors import FieldRefused, IntakeError
from yakuba.intake.models import Application, Batch, Page


def _check_open(batch: Batch | None, user: Any, who: str) -> None:
    if not form.is_responsible(user):
        raise FieldRefused(f"{who}は委託先責任者が行います。")
    if batch is not None and batch.finished:
        raise IntakeError("納品済みのバッチは修正できません。")


def check_confirm(app: Application, user: Any) -> None:
    _check_open(app.batch, user, "基準点の確定")
    if app.status != Application.Status.CHECKING:
        raise IntakeError("この申請は確認待ちではありません。")


def do_confirm_application(app: Application, user: Any, request: Any = None) -> Application:
    """The 責任者 has looked at a record whose 基準点 had problems, and confirms it as it is."""
    check_confirm(app, user)
    with transaction.atomic():
        app.status, app.confirmed_by, app.confirmed_at = Application.Status.CONFIRMED, user, timezone.now()
        app.save(update_fields=["status", "confirmed_by", "confirmed_at"])
        record("intake.application.confirmed", request=request, actor=user, target=app,
               detail={"problems": len(app.points_problems)})
        if app.batch is not None:
            records.refresh_batch(app.batch)
    return app


def check_exclude(page: Page, user: Any) -> None:
    _check_open(page.batch, user, "ページの除外")
    if page.status == Page.Status.EXCLUDED:
        raise IntakeError("このページは既に除外されています。")


def do_exclude_page(page: Page, user: Any, request: Any = None) -> Page:
    """Take a page out of the batch (unreadable, or not an application): the 責任者 only."""
    check_exclude(page, user)
    with transaction.atomic():
        Application.objects.filter(page=page).delete()
        page.status, page.excluded_by, page.excluded_at = Page.Status.EXCLUDED, user, timezone.now()
        page.save(update_fields=["status", "excluded_by", "excluded_at"])
        record("intake.page.excluded", request=request, actor=user, target=page, detail={"batch": page.batch_id})
        records.refresh_batch(page.batch)
    return page


def check_hand_edit(app: Application) -> None:
    """The record form is for records entered by hand: one read from a scan is delivered from its
    page's fields, so it is corrected there, field by field."""
    if app.page_id is not None:
        raise IntakeError("スキャンから作成した申請は、ページの画面で欄ごとに修正してください。")
