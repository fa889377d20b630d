"""The city opens the vendor's package in memory: an upload's bytes are enough, and no temporary
file or folder is made while it is read (no plaintext of the applications ever lands on disk)."""

from __future__ import annotations

import io

import pytest

from tests.admission.conftest import YEAR, build_package
from yakuba.admission.actions.deliveries import do_import_package
from yakuba.admission.models import Application


@pytest.mark.django_db
def test_it_works(tmp_path, staff, population, request) -> None:
    data = build_package(tmp_path, population.records[:4]).read_bytes()
    made = request.getfixturevalue("temporary_files")  # only from here on: the package is built
    delivery = do_import_package(io.BytesIO(data), staff, admission_year=YEAR, name="upload.yakuba")
    assert delivery.records == 4 and Application.objects.count() == 4
    assert made == []
