"""A file that is not a readable scan is refused with a Japanese message naming it, and nothing of
the batch is written — not the good files beside it either."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.test import Client

from tests import factories
from yakuba.intake.actions import upload
from yakuba.intake.errors import IntakeError
from yakuba.intake.models import Batch, Scan
from yakuba.vault import service as vault
from yakuba.vault.models import StoredObject


def _file(name: str, data: bytes) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


def _nothing_written() -> None:
    assert not Batch.objects.exists() and not Scan.objects.exists() and not StoredObject.objects.exists()
    files_dir = settings.FILES_DIR
    assert not files_dir.exists() or not [p for p in files_dir.rglob("*") if p.is_file()]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "data", "message"), [
    ("申請書.txt", b"hello", "対応していない形式です"),
    ("scan-01.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "画像として読めません"),
    ("scan-02.pdf", b"%PDF-1.4 garbage", "PDF として読めません"),
    ("scan-03.jpg", b"", "ファイルが空です"),
])
def test_it_refuses_a_bad_file_and_writes_nothing(files, responsible, name, data, message) -> None:
    uploads = [upload.Upload(files[0][0], files[0][1]), upload.Upload(name, data)]
    with pytest.raises(IntakeError) as err:
        upload.do_create_batch(factories.org("vendor-entry"), "R8-試験便", uploads, responsible)
    assert message in str(err.value) and name in str(err.value)
    _nothing_written()


@pytest.mark.django_db
def test_the_screen_shows_the_error_and_stores_nothing(files, responsible) -> None:
    client = Client()
    client.force_login(responsible)
    broken = _file("scan-09.png", b"not an image")
    response = client.post("/intake/batches/new/", {"name": "R8-試験便", "files": [_file(files[0][0], files[0][1]), broken]},
                           follow=True)
    assert "scan-09.png: 画像として読めません" in response.content.decode()
    _nothing_written()
    response = client.post("/intake/batches/new/", {"name": "R8-試験便"}, follow=True)
    assert "スキャンしたファイルを選んでください" in response.content.decode()
    response = client.post("/intake/batches/new/", {"name": " ", "files": [_file(files[0][0], files[0][1])]}, follow=True)
    assert "バッチ名を入力してください" in response.content.decode()
    _nothing_written()


@pytest.mark.django_db
def test_a_store_failing_half_way_leaves_no_file(files, responsible, monkeypatch) -> None:
    real = vault.store
    calls = []

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(vault, "store", failing)
    uploads = [upload.Upload(n, d) for n, d, _ in files[:2]]
    with pytest.raises(OSError):
        upload.do_create_batch(factories.org("vendor-entry"), "R8-試験便", uploads, responsible)
    _nothing_written()


@pytest.mark.django_db
def test_an_upload_over_the_limit_is_refused_before_anything_is_kept(files, responsible, monkeypatch) -> None:
    monkeypatch.setattr(upload, "MAX_UPLOAD_BYTES", len(files[0][1]) // 2)
    client = Client()
    client.force_login(responsible)
    response = client.post("/intake/batches/new/", {"name": "R8-試験便", "files": [_file(files[0][0], files[0][1])]},
                           follow=True)
    assert "何回かに分けて登録してください" in response.content.decode()
    _nothing_written()
