"""An attachment of each kind, opened by its assigned worker, is shown inline with the viewer's
name, the time and the case number over it; an image has them burned into its pixels too. The
page and its content are no-store and inline, and the page offers no download link."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.consult.helpers import BYTES_MARK, attach, viewer, world


def _open(kind: str):  # type: ignore[no-untyped-def]
    w = world()
    a = attach(w, kind)
    client = Client()
    client.force_login(w.worker)
    page, content = viewer(client, a)
    return w, a, client, page, content


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["pdf", "image", "audio"])
def test_it_shows_each_kind_inline_under_the_watermark(kind: str) -> None:
    w, a, client, page, content = _open(kind)
    assert page.status_code == 200
    body = page.content.decode()
    mark = re.search(r'data-testid="watermark"[^>]*>(.*?)</div>', body, re.S)
    assert mark, "the overlay is on the page"
    text = mark.group(1)
    now = timezone.localtime()
    assert "w-assigned" in text and w.case.number in text and now.strftime("%Y-%m-%d") in text
    assert page["Cache-Control"] == "no-store"
    assert "download" not in re.sub(r'controlslist="[^"]*"|attachment_download|/download/', "", body).lower()
    assert content.startswith(f"/consult/attachments/{a.pk}/content/?g=")
    r = client.get(content)
    assert r.status_code == 200
    assert r["Content-Disposition"].startswith("inline")
    assert r["Cache-Control"] == "no-store"
    got = b"".join(r.streaming_content) if r.streaming else r.content
    if kind == "pdf":
        assert r["Content-Type"] == "application/pdf" and got.startswith(b"%PDF") and BYTES_MARK in got
        assert 'data-pdfjs="/static/vendor/pdfjs/pdf.min.mjs"' in body and "<script>" not in body
    elif kind == "audio":
        assert r["Content-Type"] == "audio/wav" and got.startswith(b"RIFF") and r["Accept-Ranges"] == "bytes"
        assert "<audio" in body and "nodownload" in body
    else:
        assert r["Content-Type"] == "image/png"
        assert BYTES_MARK not in got  # re-encoded: the upload's own bytes and metadata are not sent


@pytest.mark.django_db
def test_the_image_has_the_watermark_burned_into_its_pixels() -> None:
    from PIL import Image, ImageChops

    from tests.consult.helpers import sample_png

    _w, a, client, _page, content = _open("image")
    got = Image.open(io.BytesIO(client.get(content).content)).convert("RGB")
    plain = Image.open(io.BytesIO(sample_png())).convert("RGB").resize(got.size)
    diff = ImageChops.difference(got, plain).convert("L").point(lambda v: 255 if v > 40 else 0)
    changed = diff.histogram()[255]
    assert changed > got.size[0] * got.size[1] // 20, "text is drawn over a good part of the image"


@pytest.mark.django_db
def test_each_viewing_is_one_audit_entry_with_the_categories() -> None:
    from yakuba.audit.models import AuditEntry

    w = world()
    a = attach(w, "audio", health=True)
    client = Client()
    client.force_login(w.worker)
    before = AuditEntry.objects.filter(action="consult.attachment.viewed").count()
    _page, content = viewer(client, a)
    for start in range(0, 20000, 1000):  # the player's range requests
        assert client.get(content, HTTP_RANGE=f"bytes={start}-{start + 999}").status_code == 206
    entries = AuditEntry.objects.filter(action="consult.attachment.viewed")
    assert entries.count() == before + 1
    entry = entries.order_by("-seq").first()
    assert entry.target_id == str(a.pk) and entry.actor_id == w.worker.pk
    assert set(entry.categories) == {"sensitive", "health"}
