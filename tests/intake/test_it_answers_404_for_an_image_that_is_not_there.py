"""A page without its images (not read, or erased after the city's receipt) answers 404 for the
page image and the field crops — not an error page, not a message."""

from __future__ import annotations

import pytest
from django.test import Client

from yakuba.intake.models import FieldValue, Page


@pytest.mark.django_db
def test_a_page_without_images_answers_404(batch, responsible, operator) -> None:
    page = batch.pages.first()
    Page.objects.filter(pk=page.pk).update(image=None, redacted=None)
    general = FieldValue.objects.filter(page=page, personal=False).first()
    personal = FieldValue.objects.filter(page=page, personal=True).first()
    for user in (responsible, operator):
        client = Client()
        client.force_login(user)
        assert client.get(f"/intake/pages/{page.pk}/image.jpg").status_code == 404
        assert client.get(f"/intake/fields/{general.pk}/crop.png").status_code == 404
    client = Client()
    client.force_login(responsible)
    assert client.get(f"/intake/fields/{personal.pk}/crop.png").status_code == 404
