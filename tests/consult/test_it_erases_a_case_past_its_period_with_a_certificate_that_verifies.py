"""A closed case past the city's retention period (city.toml [consult] retention_years = 5) is
erased by `yakuba consult erase-expired`: its rows (case, intake, assessments, plan, goals, tasks,
records, changes) and the people and household no other case refers to are gone, its files no longer
decrypt, and ONE signed certificate — case number, counts, each file; no name — verifies with
`yakuba privacy verify-certificate`. The centre's supervisor and the council can download it."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client

from tests import factories
from tests.badinput.helpers import yakuba
from tests.consult.helpers import MARKERS, closed_years_ago, store_case_files, world
from yakuba.accounts.roles import Role
from yakuba.consult.models import (Assessment, Case, CaseErasure, ConsultationRecord, Goal, Household, Intake, Person,
                                   SupportPlan, Task)
from yakuba.keyring import get_keyring
from yakuba.vault import service as vault
from yakuba.vault.models import ErasureCertificate, StoredObject


@pytest.mark.django_db
def test_it_erases_a_case_past_its_period_with_a_certificate_that_verifies(tmp_path) -> None:  # type: ignore[no-untyped-def]
    w = world()
    case = closed_years_ago(w, 5)
    number, pk = case.number, case.pk
    files = store_case_files(case, w.worker, [b"%PDF-1.4 MARKER-PDF-1", b"RIFF MARKER-AUDIO-2", b"\x89PNG MARKER-IMG-3"])
    unrelated = vault.store(io.BytesIO(b"other"), kind="attachment", description="別のケースの添付",
                            organisation=case.centre, user=w.worker, batch="consult-case:999999")
    people = list(case.people.values_list("pk", flat=True))
    assert Task.objects.exists() and ConsultationRecord.objects.exists()

    ran = yakuba("consult", "erase-expired", "--as", w.chief.username)
    assert ran.code == 0, ran.err
    assert f"ケース {number}" in ran.err and "消去したケース: 1 件" in ran.out

    assert not Case.objects.filter(pk=pk).exists()
    for model in (Intake, Assessment, SupportPlan, Goal, Task, ConsultationRecord):
        assert not model.objects.exists(), model
    assert not Person.objects.filter(pk__in=people).exists() and not Household.objects.exists()
    for f in StoredObject.objects.filter(pk__in=[f.pk for f in files]):
        assert f.erased and f.wrapped_key is None and not f.path.exists()
        with pytest.raises(vault.AlreadyErased):
            vault.read(f, io.BytesIO(), user=w.worker)
    vault.read_bytes(StoredObject.objects.get(pk=unrelated.pk))  # another case's file is untouched

    erased = CaseErasure.objects.get()
    assert erased.case_number == number and erased.files == 3 and erased.rows >= 10
    cert = ErasureCertificate.objects.get()
    assert erased.certificate_id == cert.id and cert.count == len(json.loads(bytes(cert.body))["certificate"]["items"])
    body = json.loads(bytes(cert.body))["certificate"]
    text = json.dumps(body, ensure_ascii=False)
    for marker in [*MARKERS.values(), "MARKER-CLOSE-4471", "1950"]:
        assert marker not in text, marker
    kinds = [i["kind"] for i in body["items"]]
    assert kinds.count("attachment") == 3 and "rows" in kinds
    assert {i["object_id"] for i in body["items"] if i["kind"] == "attachment"} == {str(f.pk) for f in files}
    rows = {i["object_id"]: i["size"] for i in body["items"] if i["kind"] == "rows"}
    assert rows[f"{number}/consult.case"] == 1 and rows[f"{number}/consult.person"] == 2
    assert rows[f"{number}/consult.consultationrecord"] == 1 and rows[f"{number}/consult.household"] == 1

    path = tmp_path / "cert.json"
    path.write_bytes(bytes(cert.body))
    ok = yakuba("privacy", "verify-certificate", str(path), "--public-key", get_keyring().public_key_text())
    assert ok.code == 0 and "OK" in ok.out, ok.err
    tampered = tmp_path / "bad.json"
    tampered.write_bytes(bytes(cert.body).replace(number.encode(), b"C1999-00001"))
    bad = yakuba("privacy", "verify-certificate", str(tampered), "--public-key", get_keyring().public_key_text())
    assert bad.code == 8 and bad.one_line

    for user in (w.chief, factories.user(Role.COUNCIL_MEMBER, "council-1")):
        client = Client()
        client.force_login(user)
        listing = client.get("/consult/erasures/").content.decode()
        assert number in listing and not any(m in listing for m in MARKERS.values())
        download = client.get(f"/consult/erasures/{erased.pk}/certificate/")
        assert download.status_code == 200 and download.content == bytes(cert.body)
    other = Client()
    other.force_login(w.other_worker)
    assert other.get(f"/consult/erasures/{erased.pk}/certificate/").status_code == 403

    again = yakuba("consult", "erase-expired", "--as", w.chief.username)
    assert again.code == 0 and "消去したケース: 0 件" in again.out
