"""A value refused by its field's type is answered with why, on the field's screen — never with
what was typed (a date of birth is personal too): the message names the field and the rule only."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from yakuba.intake.actions import verification
from yakuba.intake.errors import IntakeError
from yakuba.intake.models import FieldValue


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["2023-13-45", "令和5年2月30日", "きのう"])
def test_a_refused_date_is_not_repeated(batch, operator, typed) -> None:
    fv = FieldValue.objects.filter(page__batch=batch, field_id="child_birth").first()
    fv.status = FieldValue.Status.REVIEW
    fv.save()
    with pytest.raises(IntakeError) as err:
        verification.check_value(fv, typed)
    assert fv.label in str(err.value) and typed not in str(err.value)

    client = Client()
    client.force_login(operator)
    response = client.post(f"/intake/verify/{fv.pk}/", {"value": typed, "scope": "general"})
    assert response.status_code == 400
    alert = re.search(r'<p class="message message--error" role="alert">(.*?)</p>', response.content.decode()).group(1)
    assert fv.label in alert and typed not in alert
    fv.refresh_from_db()
    assert fv.status == FieldValue.Status.REVIEW
