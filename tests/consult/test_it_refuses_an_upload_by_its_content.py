"""An upload is judged by its content, never by its name or the browser's type: a program renamed
.pdf, a PNG bomb (a few bytes claiming ten billion pixels), a PDF over the page limit, a recording
over the minutes, a file over the size, garbage with a PDF's magic; each is one Japanese message on
the case page and nothing is stored. Only the case's assigned worker uploads, and only to an open case."""

from __future__ import annotations

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.consult.helpers import sample_pdf, sample_wav, world
from yakuba.consult.models import Attachment
from yakuba.vault.models import StoredObject


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + _chunk(b"IEND", b"")


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run in DOS mode"


def _post(client: Client, case_pk: int, name: str, data: bytes, content_type: str = "application/pdf"):  # type: ignore[no-untyped-def]
    return client.post(reverse("consult:attachment_upload", args=[case_pk]),
                       {"title": "試験の添付", "file": SimpleUploadedFile(name, data, content_type=content_type)}, follow=True)


def _messages(r) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in r.context["messages"]] if r.context else []


@pytest.fixture
def w(db):  # type: ignore[no-untyped-def]
    return world()


@pytest.mark.parametrize("name,data,expect", [
    ("診断書.pdf", EXE, "ファイルの中身で判定"),
    ("photo.png", png_bomb(), "画像が大きすぎます"),
    ("scan.pdf", sample_pdf(pages=4), "ページが多すぎます"),
    ("interview.wav", sample_wav(seconds=130, rate=8000), "録音が長すぎます"),
    ("broken.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 100, "PDFとして読めません"),
    ("empty.pdf", b"", "ファイルが空です"),
    ("notes.txt", "ただのテキスト".encode(), "ファイルの中身で判定"),
])
def test_it_refuses_by_content(w, settings, name: str, data: bytes, expect: str) -> None:  # type: ignore[no-untyped-def]
    settings.YAKUBA_ATTACHMENT_MAX_PAGES = 3
    settings.YAKUBA_ATTACHMENT_MAX_MINUTES = 2
    client = Client()
    client.force_login(w.worker)
    r = _post(client, w.case.pk, name, data)
    assert r.status_code == 200
    said = _messages(r)
    assert len(said) == 1 and expect in said[0], said
    assert not Attachment.objects.exists() and not StoredObject.objects.filter(kind="attachment").exists()


def test_a_file_over_the_size_is_refused_whole(w, settings) -> None:  # type: ignore[no-untyped-def]
    settings.YAKUBA_ATTACHMENT_MAX_MB = 1
    client = Client()
    client.force_login(w.worker)
    r = _post(client, w.case.pk, "big.wav", sample_wav(seconds=80, rate=16000))  # 2.5 MB
    said = _messages(r)
    assert len(said) == 1 and "大きすぎます" in said[0], said
    assert not Attachment.objects.exists()


def test_the_name_and_type_do_not_decide(w) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(w.worker)
    r = _post(client, w.case.pk, "program.exe", sample_pdf(pages=1), content_type="application/x-msdownload")
    assert _messages(r) and "登録しました" in _messages(r)[0]
    a = Attachment.objects.get()
    assert (a.kind, a.format, a.content_type, a.pages) == ("pdf", "pdf", "application/pdf", 1)
    assert a.stored.batch == f"consult-case:{w.case.pk}" and a.stored.categories == ["sensitive"]
    assert a.stored.path.read_bytes()[:6] == b"YKBENV"  # encrypted at rest


def test_only_the_assigned_worker_uploads(w) -> None:  # type: ignore[no-untyped-def]
    for user in (w.other_worker, w.chief):
        client = Client()
        client.force_login(user)
        r = client.post(reverse("consult:attachment_upload", args=[w.case.pk]),
                        {"title": "x", "file": SimpleUploadedFile("a.pdf", sample_pdf(1))})
        assert r.status_code == 403, user.username
    assert not Attachment.objects.exists()


def test_a_health_marked_upload_is_health_in_the_vault(w) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(w.worker)
    client.post(reverse("consult:attachment_upload", args=[w.case.pk]),
                {"title": "診断書", "health": "on", "file": SimpleUploadedFile("a.pdf", sample_pdf(1))})
    assert Attachment.objects.get().stored.categories == ["health", "sensitive"]
