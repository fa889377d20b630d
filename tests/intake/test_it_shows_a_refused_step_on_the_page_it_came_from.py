"""A step the intake refuses is shown as one Japanese message on the page the person came from
(``yakuba.web.user_errors``); nothing is changed."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.intake.helpers import city, send_to_review
from yakuba.intake.models import Batch
from yakuba.vault.models import StoredObject


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_an_export_with_fields_waiting_goes_back_to_the_batch_with_the_reason(batch, responsible) -> None:
    city()
    send_to_review(batch, personal=True)
    response = _client(responsible).post(f"/intake/batches/{batch.pk}/export/", {"recipient": "kodomo"}, follow=True)
    assert response.redirect_chain == [(f"/intake/batches/{batch.pk}/", 302)]
    assert "まだ納品できません" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status != Batch.Status.DELIVERED
    assert not StoredObject.objects.filter(kind=StoredObject.Kind.PACKAGE).exists()


@pytest.mark.django_db
def test_a_receipt_posted_without_its_file_is_asked_for(batch, responsible) -> None:
    response = _client(responsible).post(f"/intake/batches/{batch.pk}/receipt/", {}, follow=True)
    assert response.redirect_chain == [(f"/intake/batches/{batch.pk}/", 302)]
    assert "市から返された受領書のファイルを選んでください" in response.content.decode()


@pytest.mark.django_db
def test_a_record_read_from_a_scan_is_corrected_on_its_page(batch, files, operator, responsible) -> None:
    from tests.intake.helpers import finish

    finish(batch, files, operator, responsible)
    app = batch.applications.first()
    response = _client(responsible).get(f"/intake/{app.pk}/edit/", follow=True)
    assert response.redirect_chain == [(f"/intake/pages/{app.page_id}/", 302)]
    assert "ページの画面で欄ごとに修正してください" in response.content.decode()
