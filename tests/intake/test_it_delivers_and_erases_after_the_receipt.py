"""Acceptance: a finished batch is exported as the privacy core's signed, encrypted package for the
city, which verifies with `yakuba package verify`; when the city's receipt comes back the batch's
scans (and page images, and the package) are erased and the certificate verifies. A forged
receipt is refused, logged, and erases nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from tests.intake.helpers import city, finish
from yakuba import delivery
from yakuba.audit.models import AuditEntry
from yakuba.cli import main as yakuba
from yakuba.handover import service as handover
from yakuba.intake.models import Application, Batch, FieldValue
from yakuba.ocr.template import load_template
from yakuba.vault.models import StoredObject


@pytest.fixture(autouse=True)
def _cli_in_this_process(monkeypatch):  # type: ignore[no-untyped-def]
    """`yakuba …` runs here against the test database; Django is set up already, and setting it up
    again would bind the log handler to this test's captured stderr (closed after the test)."""
    monkeypatch.setattr("yakuba.cli._django", lambda: None)


@pytest.fixture
def delivered(batch, files, operator, responsible, tmp_path):  # type: ignore[no-untyped-def]
    city()
    finish(batch, files, operator, responsible)
    client = Client()
    client.force_login(responsible)
    response = client.post(f"/intake/batches/{batch.pk}/export/", {"recipient": "kodomo"}, follow=True)
    assert "納品パッケージ(署名・暗号化済み)を作成しました" in response.content.decode()
    batch.refresh_from_db()
    package = client.get(f"/intake/batches/{batch.pk}/package/")
    assert package.status_code == 200
    path = tmp_path / f"intake-{batch.code}.yakuba"
    path.write_bytes(b"".join(package.streaming_content) if package.streaming else package.content)
    return batch, path, client


@pytest.mark.django_db
def test_the_package_verifies_and_holds_one_record_per_page(delivered, tmp_path, capsys) -> None:
    batch, path, _ = delivered
    assert batch.status == Batch.Status.DELIVERED and batch.package_id is not None
    assert yakuba(["package", "verify", str(path), "--as", "kodomo"]) == 0
    assert "OK" in capsys.readouterr().out

    accepted = handover.accept(path, tmp_path / "city", recipient="kodomo")
    header = json.loads((tmp_path / "city" / delivery.HEADER_FILE).read_text(encoding="utf-8"))
    assert header["format"] == delivery.FORMAT and header["batch"] == batch.code and header["records"] == 2
    lines = (tmp_path / "city" / delivery.RECORDS_FILE).read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    ids = set(load_template().field_ids)
    for rec, app in zip(records, Application.objects.filter(batch=batch).order_by("receipt_number")):
        assert set(rec) == {"format", "receipt_number", "batch", "page", "scan_page", "fields", "base_points",
                            "verification"}  # as docs/formats/intake-delivery.md lists them
        assert set(rec["fields"]) == ids and rec["fields"] == app.values
        assert rec["base_points"]["total"] == app.base_points and rec["receipt_number"] == app.receipt_number
        assert rec["batch"] == batch.code and rec["page"] == app.page.label
        assert "income" not in json.dumps(rec) and "tax" not in json.dumps(rec)
    assert accepted.manifest.package_id == str(batch.package_id)


@pytest.mark.django_db
def test_the_receipt_erases_the_scans_and_the_certificate_verifies(delivered, tmp_path, capsys) -> None:
    batch, path, client = delivered
    accepted = handover.accept(path, tmp_path / "city", recipient="kodomo")
    objects = list(StoredObject.objects.filter(batch=batch.vault_tag))
    assert len(objects) == 2 + 2 * 2 + 1  # scans, two images a page, the package
    files_on_disk = [o.path for o in objects]
    assert all(p.exists() for p in files_on_disk)

    receipt = tmp_path / "receipt.json"
    receipt.write_bytes(accepted.receipt)
    with receipt.open("rb") as fh:
        response = client.post(f"/intake/batches/{batch.pk}/receipt/", {"receipt": fh}, follow=True)
    assert "スキャン画像を消去しました" in response.content.decode()

    batch.refresh_from_db()
    assert batch.status == Batch.Status.ERASED and batch.certificate is not None and batch.receipt_at
    assert not any(p.exists() for p in files_on_disk)
    for obj in StoredObject.objects.filter(batch=batch.vault_tag):
        assert obj.erased and obj.wrapped_key is None and obj.certificate_id == batch.certificate_id
    assert not FieldValue.objects.filter(page__batch=batch).exists()
    assert not Application.objects.filter(batch=batch).exists()
    assert str(batch.certificate.id) in response.content.decode()

    cert = tmp_path / "certificate.json"
    cert.write_bytes(bytes(batch.certificate.body))
    assert yakuba(["privacy", "verify-certificate", str(cert)]) == 0
    assert "OK" in capsys.readouterr().out
    body = json.loads(bytes(batch.certificate.body))
    erased_ids = {item["object_id"] for item in body["certificate"]["items"]}
    assert erased_ids == {str(o.pk) for o in objects}
    assert client.get(f"/files/certificates/{batch.certificate.id}/").status_code == 200


@pytest.mark.django_db
def test_a_forged_receipt_is_refused_logged_and_erases_nothing(delivered, tmp_path) -> None:
    batch, path, client = delivered
    accepted = handover.accept(path, tmp_path / "city", recipient="kodomo")
    forged = accepted.receipt.replace(b'"accepted_by":"', b'"accepted_by":"x')
    assert forged != accepted.receipt
    for data in (forged, b"not a receipt", accepted.receipt.replace(str(batch.package_id).encode(), b"00000000-0000-4000-8000-000000000000")):
        f = tmp_path / "receipt.json"
        f.write_bytes(data)
        with f.open("rb") as fh:
            response = client.post(f"/intake/batches/{batch.pk}/receipt/", {"receipt": fh}, follow=True)
        assert "受領書" in response.content.decode() and "消去しました" not in response.content.decode()
    reasons = [e.detail["reason"] for e in AuditEntry.objects.filter(action="intake.receipt.refused").order_by("seq")]
    assert reasons == ["TamperedError", "unreadable", "other_package"]
    batch.refresh_from_db()
    assert batch.status == Batch.Status.DELIVERED and batch.certificate is None and batch.receipt_at is None
    objects = StoredObject.objects.filter(batch=batch.vault_tag)
    assert objects.count() == 7 and not any(o.erased for o in objects) and all(Path(o.path).exists() for o in objects)
    assert FieldValue.objects.filter(page__batch=batch).exists()


@pytest.mark.django_db
def test_a_batch_with_fields_waiting_cannot_be_exported(batch, responsible) -> None:
    from tests.intake.helpers import send_to_review
    from yakuba.intake.actions import delivery as delivering
    from yakuba.intake.errors import IntakeError

    city()
    send_to_review(batch, personal=True)
    with pytest.raises(IntakeError, match="まだ納品できません"):
        delivering.do_export_batch(batch, responsible)
    assert not StoredObject.objects.filter(kind=StoredObject.Kind.PACKAGE).exists()
