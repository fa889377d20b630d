"""The two halves meet: a batch the vendor read, verified and exported is imported by the city's
admission app as it is — the contract of docs/formats/intake-delivery.md read by both sides — and
the city's receipt lets the vendor erase the scans."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from tests.intake.helpers import city, finish
from yakuba.accounts.roles import Role
from yakuba.admission.actions.deliveries import do_import_package
from yakuba.admission.errors import AdmissionError
from yakuba.admission.models import Application as CityApplication
from yakuba.intake.models import Application, Batch
from yakuba.vault.models import StoredObject


@pytest.mark.django_db
def test_it_imports_the_vendors_export_and_the_receipt_erases_the_scans(batch, files, operator, responsible,
                                                                        tmp_path) -> None:
    city()
    finish(batch, files, operator, responsible)
    vendor = Client()
    vendor.force_login(responsible)
    vendor.post(f"/intake/batches/{batch.pk}/export/", {"recipient": "kodomo"})
    response = vendor.get(f"/intake/batches/{batch.pk}/package/")
    package = tmp_path / "delivery.yakuba"
    package.write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)

    staff = factories.user(Role.CITY_STAFF, username="kodomo-staff")
    delivery = do_import_package(package, staff, admission_year=2027)

    sent = {a.receipt_number: a for a in Application.objects.filter(batch=batch)}
    got = {a.receipt_number: a for a in CityApplication.objects.filter(delivery=delivery)}
    assert set(got) == set(sent) and len(got) >= 2
    for number, app in got.items():
        values = sent[number].values
        assert app.child_name == values["child_name"] and app.child_birth.isoformat() == values["child_birth"]
        assert app.wishes == [values[k] for k in ("wish1", "wish2", "wish3", "wish4", "wish5") if values[k]]
        assert app.base_points == sent[number].base_points

    with pytest.raises(AdmissionError, match="受領できません"):
        do_import_package(package, staff, admission_year=2027)  # the same package again: a replay

    receipt = tmp_path / "receipt.json"
    receipt.write_bytes(delivery.receipt)
    with receipt.open("rb") as fh:
        vendor.post(f"/intake/batches/{batch.pk}/receipt/", {"receipt": fh})
    batch.refresh_from_db()
    assert batch.status == Batch.Status.ERASED and batch.certificate is not None
    assert not StoredObject.objects.filter(batch=batch.vault_tag, erased_at__isnull=True).exists()
