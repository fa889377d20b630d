"""A download of an attachment is an export: asked by the assigned worker with a reason, it waits
for the センター長 (a second person), is refused before, delivered once after, and watermarked
(PDF: the export line on every page and in its metadata; an image: burned in; a WAV: its INFO
chunk; every file: the export id in its name). Nobody else may ask or approve."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse

from tests.consult.helpers import attach, world
from yakuba.exports import watermark
from yakuba.exports.models import Export


def _request(client: Client, a) -> Export:  # type: ignore[no-untyped-def]
    r = client.post(reverse("consult:attachment_download", args=[a.pk]), {"reason": "関係機関への提出(本人同意あり)"})
    assert r.status_code == 302 and r["Location"] == reverse("exports:list")
    return Export.objects.order_by("-pk").first()  # type: ignore[return-value]


@pytest.mark.django_db
@pytest.mark.parametrize("kind,ext", [("pdf", "pdf"), ("image", "png"), ("audio", "wav")])
def test_it_waits_for_the_chief_then_goes_once_watermarked(kind: str, ext: str) -> None:
    w = world()
    a = attach(w, kind)
    worker = Client()
    worker.force_login(w.worker)
    export = _request(worker, a)
    assert export.status == Export.Status.PENDING and export.bulk
    assert export.kind.startswith("consult.attachment.")
    download = reverse("exports:download", args=[export.pk])
    refused = worker.post(download, follow=True)
    assert "承認されていません" in refused.content.decode()
    assert not refused.get("Content-Disposition")
    # the requester may not approve their own; the chief may
    worker.post(reverse("exports:decide", args=[export.pk]), {"decision": "approve"})
    export.refresh_from_db()
    assert export.status == Export.Status.PENDING
    chief = Client()
    chief.force_login(w.chief)
    assert str(export.pk) in chief.get(reverse("exports:list")).content.decode()
    chief.post(reverse("exports:decide", args=[export.pk]), {"decision": "approve"})
    export.refresh_from_db()
    assert export.status == Export.Status.APPROVED and export.decided_by == w.chief
    got = worker.post(download)
    assert got.status_code == 200
    assert got["Content-Disposition"].startswith("attachment") and f"-export{export.pk}.{ext}" in got["Content-Disposition"]
    body = got.content
    assert export.watermark.startswith(f"yakuba-export id={export.pk} user=w-assigned")
    if kind == "pdf":
        assert watermark.find(body) == export.pk
        from pypdf import PdfReader

        assert all(f"id={export.pk}" in (p.extract_text() or "") for p in PdfReader(io.BytesIO(body)).pages)
    elif kind == "image":
        from PIL import Image

        assert watermark.find(body) == export.pk  # the PNG's text chunk
        assert Image.open(io.BytesIO(body)).size == (64, 48)
    else:
        assert body.startswith(b"RIFF") and watermark.find(body) == export.pk  # the INFO chunk
        import wave

        assert wave.open(io.BytesIO(body)).getnframes() == 16000  # still plays: 2 s at 8 kHz
    # once only
    again = worker.post(download, follow=True)
    assert "既にダウンロード済み" in again.content.decode()


@pytest.mark.django_db
def test_a_rejected_request_never_goes() -> None:
    w = world()
    a = attach(w, "pdf")
    worker = Client()
    worker.force_login(w.worker)
    export = _request(worker, a)
    chief = Client()
    chief.force_login(w.chief)
    chief.post(reverse("exports:decide", args=[export.pk]), {"decision": "reject"})
    r = worker.post(reverse("exports:download", args=[export.pk]), follow=True)
    assert not r.get("Content-Disposition") and "承認されていません" in r.content.decode()


@pytest.mark.django_db
def test_only_the_assigned_worker_may_ask_and_a_reason_is_needed() -> None:
    w = world()
    a = attach(w, "pdf")
    url = reverse("consult:attachment_download", args=[a.pk])
    for user in (w.other_worker, w.chief):
        c = Client()
        c.force_login(user)
        assert c.post(url, {"reason": "持ち出したい"}).status_code == 403, user.username
    worker = Client()
    worker.force_login(w.worker)
    r = worker.post(url, {"reason": ""}, follow=True)
    assert "理由を入力してください" in r.content.decode()
    assert not Export.objects.exists()
