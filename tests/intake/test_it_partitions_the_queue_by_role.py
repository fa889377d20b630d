"""The operator's queue holds only fields that identify no one; the 責任者's holds the personal ones.
What an operator's browser receives never holds a personal value."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.intake.helpers import send_to_review
from yakuba.audit.models import AuditEntry
from yakuba.intake import fields as form
from yakuba.intake.actions import verification
from yakuba.intake.models import FieldValue
from yakuba.privacy.masking import MASK


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _personal_values(batch) -> set[str]:  # type: ignore[no-untyped-def]
    values = FieldValue.objects.filter(page__batch=batch, personal=True).exclude(value="").values_list("value", flat=True)
    return set(values) | {part for v in values for part in v.split() if len(part) >= 2}


@pytest.mark.django_db
def test_each_role_gets_its_own_queue(batch, operator, responsible) -> None:
    send_to_review(batch, personal=True)
    send_to_review(batch, personal=False)
    general = list(verification.queue(operator))
    assert general and not any(fv.personal for fv in general)
    assert list(verification.queue(operator, "personal")) == general  # an operator cannot ask for more
    personal = list(verification.queue(responsible))
    assert personal and all(fv.personal for fv in personal)
    assert {fv.field_id for fv in personal} <= form.personal_ids()
    everything = list(verification.queue(responsible, "all"))
    assert set(everything) == set(general) | set(personal)
    order = [(fv.page.seq, fv.position) for fv in everything]
    assert order == sorted(order)


@pytest.mark.django_db
def test_the_operators_screens_hold_no_personal_value(batch, operator, responsible) -> None:
    send_to_review(batch, personal=True)
    send_to_review(batch, personal=False)
    secrets = _personal_values(batch)
    assert len(secrets) > 10
    client = _client(operator)
    verify = client.get("/intake/verify/", follow=True)
    assert verify.status_code == 200 and verify.redirect_chain
    fv = verify.context["fv"]
    assert not fv.personal
    pages = [verify.content.decode(), client.get(f"/intake/batches/{batch.pk}/").content.decode()]
    pages += [client.get(f"/intake/pages/{p.pk}/").content.decode() for p in batch.pages.all()]
    pages += [client.get(f"/intake/verify/{fv.pk}/page/").content.decode()]
    for html in pages:
        for secret in secrets:
            assert secret not in html
    assert MASK in pages[2]
    for personal in FieldValue.objects.filter(page__batch=batch, personal=True)[:5]:
        assert f"/intake/fields/{personal.pk}/crop.png" not in "".join(pages)


@pytest.mark.django_db
def test_an_operator_opening_a_personal_field_is_refused_and_logged(batch, operator) -> None:
    fv = FieldValue.objects.filter(page__batch=batch, personal=True).exclude(value="").first()
    client = _client(operator)
    for url in (f"/intake/verify/{fv.pk}/", f"/intake/verify/{fv.pk}/page/"):
        response = client.get(url)
        assert response.status_code == 403 and fv.value not in response.content.decode()
    response = client.post(f"/intake/verify/{fv.pk}/", {"value": "書き換え"})
    assert response.status_code == 403
    fv.refresh_from_db()
    assert fv.value != "書き換え"
    refused = AuditEntry.objects.filter(action="intake.field.refused", target_id=str(fv.pk))
    assert refused.count() == 3 and refused[0].detail["field"] == fv.field_id


@pytest.mark.django_db
def test_the_responsible_sees_the_personal_field(batch, responsible) -> None:
    fv = send_to_review(batch, personal=True)[0]
    response = _client(responsible).get("/intake/verify/", follow=True)
    html = response.content.decode()
    first = response.context["fv"]
    assert first.personal and first.value in html and f"/intake/fields/{first.pk}/crop.png" in html
    read = AuditEntry.objects.filter(action="personal.read", target_id=str(first.pk)).get()
    assert read.categories == [first.category] and first.value not in str(read.chain_fields())
    assert fv.page.batch_id == batch.pk


@pytest.mark.django_db
def test_another_vendor_sees_nothing_of_the_batch(batch) -> None:
    from tests import factories
    from yakuba.accounts.models import Organisation

    other = Organisation.objects.create(code="vendor-other", name="別の委託先", kind=Organisation.Kind.VENDOR)
    client = _client(factories.user("vendor_responsible", username="other", org_code=other.code))
    fv = FieldValue.objects.filter(page__batch=batch).first()
    assert client.get(f"/intake/batches/{batch.pk}/").status_code == 404
    assert client.get(f"/intake/verify/{fv.pk}/").status_code == 404
    assert client.get(f"/intake/fields/{fv.pk}/crop.png").status_code == 404
    assert verification.next_field(factories.user("vendor_operator", username="o2", org_code=other.code)) is None
