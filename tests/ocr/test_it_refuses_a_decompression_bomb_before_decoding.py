"""A scan that claims more pixels or pages than the limits (yakuba.ocr.limits) is refused from its
header: OpenCV's decoder is never reached, and a PDF's pages are counted before any is rendered."""

from __future__ import annotations

import cv2
import pytest

from tests.bombs import pdf_of_pages, pdf_with_a_huge_image, png_bomb
from yakuba.ocr import limits, pipeline


@pytest.fixture
def no_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("cv2.imdecode reached with a decompression bomb")

    monkeypatch.setattr(pipeline.cv2, "imdecode", refuse)


def test_it_works(no_decoding: None) -> None:
    bomb = png_bomb()
    assert len(bomb) < 20_000
    with pytest.raises(limits.ScanTooLarge, match="画像が大きすぎます") as caught:
        pipeline.decode_image(bomb, "scan-07.png")
    assert "scan-07.png" in str(caught.value)
    [(name, page)] = list(pipeline.pages_from_bytes("scan-07.png", bomb))  # in a batch: that page is unreadable
    assert name == "scan-07.png" and "画像が大きすぎます" in page.reason  # type: ignore[attr-defined]


def test_it_refuses_an_image_just_over_the_limit(no_decoding: None) -> None:
    with pytest.raises(limits.ScanTooLarge, match=r"10001×5000"):
        pipeline.decode_image(png_bomb(10_001, 5_000), "a.png", max_pixels=50_000_000)


def test_it_still_decodes_an_image_within_the_limit() -> None:
    import numpy as np

    ok, data = cv2.imencode(".png", np.full((40, 30), 255, np.uint8))
    assert pipeline.decode_image(data.tobytes(), "small.png").shape == (40, 30)


def test_it_counts_a_pdf_s_pages_before_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_PAGES", 3)
    with pytest.raises(pipeline.PipelineError, match="ページが多すぎます"):
        list(pipeline.pages_from_bytes("many.pdf", pdf_of_pages(4)))
    assert len(list(pipeline.pages_from_bytes("few.pdf", pdf_of_pages(3)))) == 3


def test_it_refuses_a_pdf_page_whose_image_claims_too_many_pixels(no_decoding: None) -> None:
    [(name, page)] = list(pipeline.pages_from_bytes("huge.pdf", pdf_with_a_huge_image()))
    assert name == "huge.pdf#1" and "画像が大きすぎます" in page.reason  # type: ignore[attr-defined]


def test_pillow_refuses_beyond_the_limit_too() -> None:
    from PIL import Image

    assert Image.MAX_IMAGE_PIXELS == limits.MAX_PIXELS
