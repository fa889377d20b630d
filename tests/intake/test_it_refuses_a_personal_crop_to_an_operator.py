"""Image crops follow the same rule as values: an operator asking for a personal field's crop gets
403 and the refusal is audited; the operator's whole page has every personal field painted over."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from django.test import Client

from yakuba.audit.models import AuditEntry
from yakuba.intake import fields as form
from yakuba.intake.models import FieldValue
from yakuba.ocr.render import box_px
from yakuba.ocr.template import Box, load_template


def _outline(field) -> Box:  # type: ignore[no-untyped-def]
    """The box around everything written in a field (its cells and parts)."""
    boxes = [leaf.box for leaf in field.leaves()]
    x0, y0 = min(b.x for b in boxes), min(b.y for b in boxes)
    return Box(x0, y0, max(b.right for b in boxes) - x0, max(b.bottom for b in boxes) - y0)


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _image(response, kind: str = "image/png") -> np.ndarray:  # type: ignore[no-untyped-def]
    assert response.status_code == 200 and response["Content-Type"] == kind
    assert response["Cache-Control"] == "no-store"
    return cv2.imdecode(np.frombuffer(response.content, np.uint8), cv2.IMREAD_GRAYSCALE)


@pytest.mark.django_db
def test_an_operator_gets_403_for_a_personal_crop_and_it_is_audited(batch, operator, responsible) -> None:
    name = FieldValue.objects.filter(page__batch=batch, field_id="child_name").first()
    birth = FieldValue.objects.filter(page=name.page, field_id="child_birth").get()
    client = _client(operator)
    before = AuditEntry.objects.filter(action="file.read").count()
    refused = client.get(f"/intake/fields/{name.pk}/crop.png")
    assert refused.status_code == 403 and refused["Content-Type"].startswith("text/html")
    entry = AuditEntry.objects.filter(action="intake.crop.refused").get()
    assert entry.target_id == str(name.pk) and entry.actor_role == "vendor_operator"
    assert entry.detail == {"field": "child_name", "page": name.page_id}
    assert AuditEntry.objects.filter(action="file.read").count() == before  # nothing was decrypted

    crop = _image(client.get(f"/intake/fields/{birth.pk}/crop.png"))
    assert 20 < crop.shape[0] < 200 and 100 < crop.shape[1] < 1200
    read = AuditEntry.objects.filter(action="file.read").latest("seq")
    assert read.target_id == str(name.page.redacted_id)  # the painted page, never the full one
    assert "name" not in read.categories and "address" not in read.categories

    full = _image(_client(responsible).get(f"/intake/fields/{name.pk}/crop.png"))
    assert full.shape[0] > 20 and full.std() > 5  # handwriting, not paint


@pytest.mark.django_db
def test_the_operators_whole_page_has_every_personal_field_painted(batch, operator, responsible) -> None:
    page = batch.pages.first()
    theirs = _image(_client(operator).get(f"/intake/pages/{page.pk}/image.jpg"), "image/jpeg")
    ours = _image(_client(responsible).get(f"/intake/pages/{page.pk}/image.jpg"), "image/jpeg")
    assert theirs.shape == ours.shape
    template = load_template()
    for fid in form.personal_ids():
        x0, y0, x1, y1 = box_px(_outline(template.field(fid)), 200)
        painted = theirs[y0:y1, x0:x1].astype(int)
        assert painted.std() < 2 and abs(painted.mean() - 40) < 5, fid  # one flat colour: nothing written shows
    name = template.field("child_name")
    x0, y0, x1, y1 = box_px(_outline(name), 200)
    assert ours[y0:y1, x0:x1].std() > 5  # the 責任者 sees the handwriting
