"""An uploaded scan over the pixel limit (a decompression bomb), a PDF over the page limit or with a
page image over the pixel limit, and a file over the size limit are each refused with a Japanese
message naming the file by its number in the upload — before a pixel is decoded, nothing written."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from tests import factories
from tests.bombs import pdf_of_pages, pdf_with_a_huge_image, png_bomb
from yakuba.intake.actions import upload
from yakuba.intake.errors import IntakeError
from yakuba.intake.models import Batch
from yakuba.ocr import pipeline


@pytest.fixture
def no_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """OpenCV decodes the good scans, but is never handed a crafted file (tests.bombs)."""
    real = pipeline.cv2.imdecode

    def guarded(buffer, flags):  # type: ignore[no-untyped-def]
        assert bytes(buffer[:8]) != b"\x89PNG\r\n\x1a\n" or bytes(buffer[16:24]) not in CRAFTED, \
            "cv2.imdecode reached with a decompression bomb"
        return real(buffer, flags)

    monkeypatch.setattr(pipeline.cv2, "imdecode", guarded)


CRAFTED = {png_bomb()[16:24], png_bomb(2_000, 1_000)[16:24]}  # the IHDR's width and height


def _refused(files, responsible, name: str, data: bytes) -> str:  # type: ignore[no-untyped-def]
    uploads = [upload.Upload(files[0][0], files[0][1]), upload.Upload(name, data)]
    with pytest.raises(IntakeError) as caught:
        upload.do_create_batch(factories.org("vendor-entry"), "R8-試験便", uploads, responsible)
    assert not Batch.objects.exists()
    return str(caught.value)


@pytest.mark.django_db
def test_it_works(files, responsible, no_decoding) -> None:  # type: ignore[no-untyped-def]
    message = _refused(files, responsible, "bomb.png", png_bomb())
    assert message.startswith("2番目のファイル bomb.png: 画像が大きすぎます") and "/tmp" not in message


@pytest.mark.django_db
def test_it_refuses_a_pdf_over_the_page_limit(files, responsible, settings) -> None:  # type: ignore[no-untyped-def]
    settings.YAKUBA_UPLOAD_MAX_PAGES = 3
    assert "2番目のファイル many.pdf: ページが多すぎます(4 ページ。3 ページまで)" in \
        _refused(files, responsible, "many.pdf", pdf_of_pages(4))


@pytest.mark.django_db
def test_it_refuses_a_pdf_page_image_over_the_pixel_limit(files, responsible, no_decoding) -> None:  # type: ignore[no-untyped-def]
    assert "2番目のファイル huge.pdf の 1 ページ: 画像が大きすぎます" in \
        _refused(files, responsible, "huge.pdf", pdf_with_a_huge_image())


@pytest.mark.django_db
def test_it_refuses_a_file_over_the_size_limit(files, responsible, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(upload, "MAX_FILE_BYTES", len(files[0][1]))
    big = b"\x89PNG" + b"0" * len(files[0][1])
    assert "2番目のファイル big.png: ファイルが大きすぎます" in _refused(files, responsible, "big.png", big)


@pytest.mark.django_db
def test_the_screen_says_so(files, responsible, no_decoding, settings) -> None:  # type: ignore[no-untyped-def]
    settings.YAKUBA_UPLOAD_MAX_PIXELS = 1_000_000
    client = Client()
    client.force_login(responsible)
    bomb = io.BytesIO(png_bomb(2_000, 1_000))
    bomb.name = "scan-02.png"
    response = client.post("/intake/batches/new/", {"name": "R8-試験便", "files": [bomb]}, follow=True)
    assert "1番目のファイル scan-02.png: 画像が大きすぎます(2000×1000 ピクセル。1,000,000 ピクセルまで)" \
        in response.content.decode()
    assert not Batch.objects.exists()
