"""The city opens the vendor's package in memory: an upload's bytes are enough, and no file is
written while it is read (no plaintext of the applications ever lands in a temporary folder)."""

from __future__ import annotations

import io
import os
import tempfile

import pytest

from tests.admission.conftest import YEAR, build_package
from yakuba.admission.actions.deliveries import do_import_package
from yakuba.admission.models import Application


def _files_under(folder: str) -> set[str]:
    found = set()
    for root, _dirs, files in os.walk(folder):
        found.update(os.path.join(root, f) for f in files)
    return found


@pytest.mark.django_db
def test_it_works(tmp_path, staff, population, monkeypatch) -> None:
    data = build_package(tmp_path, population.records[:4]).read_bytes()
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    before = _files_under(str(spool))
    delivery = do_import_package(io.BytesIO(data), staff, admission_year=YEAR, name="upload.yakuba")
    assert delivery.records == 4 and Application.objects.count() == 4
    assert _files_under(str(spool)) == before == set()
    assert not os.listdir(spool)
