"""An uploaded 所得割額 file — personal data — is read from memory: not even a file larger than
Django's 2.5 MB spooling threshold lands in a temporary folder, and nothing is written for it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.admission.conftest import YEAR
from yakuba.admission.models import Resident


@pytest.mark.django_db
def test_it_works(imported, staff, population, temporary_files) -> None:
    Resident.objects.update(income_tax_amount=None)
    known = dict(population.incomes)
    lines = ["宛名番号,所得割額"] + [f"{k},{v}" for k, v in known.items()]
    lines += [f"8{n:08d},{n % 90000}" for n in range(180_000)]  # 宛名番号 not in the 住民記録: ~2.9 MB
    body = ("\n".join(lines) + "\n").encode("cp932")
    assert len(body) > 2_621_440  # Django's FILE_UPLOAD_MAX_MEMORY_SIZE: above it, a temp file by default
    client = Client()
    client.force_login(staff)
    upload = SimpleUploadedFile("所得割額.csv", body, content_type="text/csv")
    response = client.post(reverse("admission:income"), {"income": upload, "year": YEAR}, follow=True)
    assert response.status_code == 200
    assert "所得割額を" in response.content.decode()
    assert Resident.objects.filter(income_tax_amount__isnull=False).count() == len(known)
    assert temporary_files == []
