"""A 所得割額 file, a facilities file or a package over `YAKUBA_UPLOAD_LIMIT_MB` is refused with a
message that says the file is too large (not 「ファイルを指定してください」), nothing of it is
kept, and no temporary file is made."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.admission.conftest import YEAR


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "field"), [("admission:income", "income"), ("admission:round_create", "facilities"),
                                            ("admission:import", "package")])
def test_it_works(staff, settings, temporary_files, url: str, field: str) -> None:  # type: ignore[no-untyped-def]
    settings.YAKUBA_UPLOAD_LIMIT_MB = 1
    client = Client()
    client.force_login(staff)
    upload = SimpleUploadedFile("所得割額.csv", b"1" * (1024 * 1024 + 10), content_type="text/csv")
    response = client.post(reverse(url), {field: upload, "year": YEAR}, follow=True)
    page = response.content.decode()
    assert "ファイルが大きすぎます(一度に送れるのは 1MB まで)" in page
    assert "ファイルを指定してください" not in page
    assert temporary_files == []
