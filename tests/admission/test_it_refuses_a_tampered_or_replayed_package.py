"""A tampered package and a replayed one are refused with a clear message, each audited; nothing is created."""

from __future__ import annotations

import pytest

from tests.admission.conftest import YEAR, build_package
from yakuba.admission.actions.deliveries import do_import_package
from yakuba.admission.errors import AdmissionError
from yakuba.admission.models import Application, Delivery
from yakuba.audit.models import AuditEntry


def _refusals() -> list[dict]:
    return list(AuditEntry.objects.filter(action="admission.import.refused").values_list("detail", flat=True))


@pytest.mark.django_db
def test_it_refuses_a_tampered_package(tmp_path, staff, population) -> None:
    package = build_package(tmp_path, population.records[:5])
    data = bytearray(package.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered = tmp_path / "tampered.yakuba"
    tampered.write_bytes(bytes(data))
    with pytest.raises(AdmissionError, match="受領できません"):
        do_import_package(tampered, staff, admission_year=YEAR)
    assert Application.objects.count() == 0 and Delivery.objects.count() == 0
    assert [d["reason"] for d in _refusals()] == ["TamperedError"]


@pytest.mark.django_db
def test_it_refuses_a_replayed_package(tmp_path, staff, population) -> None:
    package = build_package(tmp_path, population.records[:5])
    do_import_package(package, staff, admission_year=YEAR)
    assert Application.objects.count() == 5
    with pytest.raises(AdmissionError, match="受領できません") as info:
        do_import_package(package, staff, admission_year=YEAR)
    assert "Traceback" not in str(info.value)
    assert Application.objects.count() == 5 and Delivery.objects.count() == 1
    assert [d["reason"] for d in _refusals()] == ["ReplayError"]


@pytest.mark.django_db
def test_it_refuses_a_content_of_another_format(tmp_path, staff, population) -> None:
    records = [dict(population.records[0], format="yakuba-intake-delivery/9")]
    with pytest.raises(AdmissionError, match="申込ではありません"):
        do_import_package(build_package(tmp_path, records), staff, admission_year=YEAR)
    assert Application.objects.count() == 0
    assert [d["reason"] for d in _refusals()] == ["content"]


@pytest.mark.django_db
@pytest.mark.parametrize("data", [b"", b"not a package", b"age-encryption.org/v1\n" + b"x" * 500])
def test_it_refuses_a_file_that_is_not_a_package(tmp_path, staff, data) -> None:
    path = tmp_path / "upload.yakuba"
    path.write_bytes(data)
    with pytest.raises(AdmissionError, match="受領できません"):
        do_import_package(path, staff, admission_year=YEAR)
    assert len(_refusals()) == 1
