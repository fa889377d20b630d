"""One field per screen: the value prefilled and focused, Enter confirms and opens the next field,
a value that is not of the field's type is refused in Japanese; every verification is audited with
ids only."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.intake.helpers import send_to_review
from yakuba.audit.models import AuditEntry
from yakuba.intake.actions import verification
from yakuba.intake.errors import FieldRefused
from yakuba.intake.models import FieldValue


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_enter_confirms_and_the_next_field_follows(batch, operator) -> None:
    waiting = send_to_review(batch, personal=False, at_least=3)
    client = _client(operator)
    first = verification.next_field(operator)
    html = client.get(f"/intake/verify/{first.pk}/").content.decode()
    assert 'id="value"' in html and "autofocus" in html and f'value="{first.value}"' in html
    form = html[html.index('id="value"'):]  # in tab order: the value, the button, skip, the whole page
    assert form.index('type="submit"') < form.index("この欄を飛ばす") < form.index("ページ全体を表示")
    assert f'src="/intake/fields/{first.pk}/crop.png"' in html

    typed = first.value or ("1" if first.type == "checkbox" else "")
    response = client.post(f"/intake/verify/{first.pk}/", {"value": typed, "scope": "general"})
    second = verification.next_field(operator)
    assert response.status_code == 302 and response["Location"] == f"/intake/verify/{second.pk}/?scope=general"
    first.refresh_from_db()
    assert first.status == FieldValue.Status.VERIFIED and first.verified_by == operator
    entry = AuditEntry.objects.filter(action="intake.field.verified").latest("seq")
    assert entry.target_id == str(first.pk) and entry.detail == {"field": first.field_id, "page": first.page_id, "changed": False}  # ids only
    assert len(waiting) >= 3


@pytest.mark.django_db
def test_skip_goes_to_the_next_without_changing_anything(batch, operator) -> None:
    send_to_review(batch, personal=False, at_least=2)
    client = _client(operator)
    first = verification.next_field(operator)
    response = client.get(f"/intake/verify/?scope=general&after={first.pk}")
    assert response.status_code == 302 and f"/intake/verify/{first.pk}/" not in response["Location"]
    first.refresh_from_db()
    assert first.status == FieldValue.Status.REVIEW


@pytest.mark.django_db
def test_a_value_of_the_wrong_shape_is_refused_in_japanese(batch, operator) -> None:
    fv = FieldValue.objects.filter(page__batch=batch, field_id="wish1").first()
    fv.status = FieldValue.Status.REVIEW
    fv.save()
    response = _client(operator).post(f"/intake/verify/{fv.pk}/", {"value": "12"})
    assert response.status_code == 400
    assert "施設コードは4桁です" in response.content.decode() and 'role="alert"' in response.content.decode()
    fv.refresh_from_db()
    assert fv.status == FieldValue.Status.REVIEW


@pytest.mark.django_db
def test_values_are_kept_in_their_canonical_form(batch, operator, responsible) -> None:
    birth = FieldValue.objects.filter(page__batch=batch, field_id="child_birth").first()
    verification.do_verify_field(birth, "令和5年5月1日", operator)
    birth.refresh_from_db()
    assert birth.value == "2023-05-01"
    postal = FieldValue.objects.filter(page__batch=batch, field_id="postal_code").first()
    with pytest.raises(FieldRefused):
        verification.do_verify_field(postal, "376-0101", operator)
    verification.do_verify_field(postal, "３７６－０１０１", responsible)
    postal.refresh_from_db()
    assert postal.value == "3760101"


@pytest.mark.django_db
def test_the_queue_says_when_nothing_is_left(batch, operator) -> None:
    FieldValue.objects.filter(page__batch=batch).update(status=FieldValue.Status.ACCEPTED)
    response = _client(operator).get("/intake/verify/")
    assert response.status_code == 200 and "確認待ちの欄はありません" in response.content.decode()
