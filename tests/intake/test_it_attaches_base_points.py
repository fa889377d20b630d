"""A page whose every field is accepted or verified becomes a record with its 基準点 from the scoring
table (data); a score with problems waits for the 責任者, who confirms it; then the batch is ready."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.intake.helpers import finish
from yakuba.intake.actions import verification
from yakuba.intake.models import Application, Batch, FieldValue, Page
from yakuba.allocation.points import base_points


@pytest.mark.django_db
def test_every_finished_page_has_a_record_with_its_base_points(batch, files, operator, responsible) -> None:
    finish(batch, files, operator, responsible)
    assert batch.status == Batch.Status.READY
    for page in batch.pages.all():
        assert page.status == Page.Status.COMPLETE
        app = Application.objects.get(page=page)
        values = dict(page.fields.values_list("field_id", "value"))
        assert app.values == values and len(values) == 52
        points = base_points(values)
        assert app.base_points == points.total > 0
        assert app.points_lines == [{"guardian": x.guardian, "reason": x.reason, "points": x.points} for x in points.lines]
        assert app.status == Application.Status.CONFIRMED
        assert app.child_name == values["child_name"] and app.receipt_number == page.label
        assert "income" not in app.values and not any("tax" in k for k in app.values)


@pytest.mark.django_db
def test_a_score_with_problems_waits_for_the_responsible(batch, files, operator, responsible) -> None:
    finish(batch, files, operator, responsible)
    page = batch.pages.first()
    for fv in FieldValue.objects.filter(page=page, field_id__startswith="guardian1_need_"):
        verification.do_verify_field(fv, "0", operator)  # no 事由 ticked for 保護者1
    app = Application.objects.get(page=page)
    assert app.status == Application.Status.CHECKING
    assert any("保育が必要な事由が選択されていません" in p for p in app.points_problems)
    batch.refresh_from_db()
    assert batch.status == Batch.Status.VERIFYING

    operator_client, responsible_client = Client(), Client()
    operator_client.force_login(operator)
    responsible_client.force_login(responsible)
    assert operator_client.post(f"/intake/pages/{page.pk}/confirm/").status_code == 403
    listing = responsible_client.get(f"/intake/batches/{batch.pk}/").content.decode()
    assert "基準点の確認待ち" in listing and "保育が必要な事由が選択されていません" in listing
    responsible_client.post(f"/intake/pages/{page.pk}/confirm/")
    app.refresh_from_db()
    assert app.status == Application.Status.CONFIRMED and app.confirmed_by == responsible
    batch.refresh_from_db()
    assert batch.status == Batch.Status.READY
