"""A package for the 子ども家庭課 whose delivery names another recipient is refused as content
(yakuba.delivery's check), audited, and leaves nothing behind — the package can be accepted later."""

from __future__ import annotations

import pytest

from tests.admission.conftest import YEAR
from yakuba.admission.actions.deliveries import do_import_package
from yakuba.admission.errors import AdmissionError
from yakuba.admission.models import Application, Delivery
from yakuba.admission.synthetic import write_delivery
from yakuba.audit.models import AuditEntry
from yakuba.handover.models import PackageRecord
from yakuba.handover.service import create


@pytest.mark.django_db
def test_it_refuses_a_delivery_addressed_to_another_department(tmp_path, staff, population) -> None:
    files = write_delivery(tmp_path / "payload", population.records[:3], recipient="suido")
    package = tmp_path / "wrong.yakuba"
    create(package, files, sender="vendor-entry", recipient="kodomo", purpose="入園申込データの納品")
    with pytest.raises(AdmissionError, match="受領できません: 宛先 'suido' はこの課ではありません"):
        do_import_package(package, staff, admission_year=YEAR)
    assert Application.objects.count() == 0 and Delivery.objects.count() == 0
    assert not PackageRecord.objects.filter(direction=PackageRecord.Direction.RECEIVED).exists()
    refused = AuditEntry.objects.filter(action="admission.import.refused").values_list("detail", flat=True)
    assert [d["reason"] for d in refused] == ["content"]
