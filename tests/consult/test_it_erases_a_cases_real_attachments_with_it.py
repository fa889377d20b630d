"""Retention over real attachments (uploaded through the attachments' own action, not stored by
hand): the expired case is erased, its Attachment rows are gone, each file is in the signed
certificate and no longer decrypts."""

from __future__ import annotations

import io
import json

import pytest

from tests.badinput.helpers import yakuba
from tests.consult.helpers import closed_years_ago, world
from yakuba.consult.actions import attachments
from yakuba.consult.demo_attach import synthetic_pdf, synthetic_photo
from yakuba.consult.models import Attachment, CaseErasure
from yakuba.vault import service as vault
from yakuba.vault.models import ErasureCertificate, StoredObject


@pytest.mark.django_db
def test_it_works() -> None:
    w = world()
    kept = [attachments.do_upload(w.case, w.worker, title="書類", data=synthetic_pdf(w.case.number)),
            attachments.do_upload(w.case, w.worker, title="写真", data=synthetic_photo(), health=True)]
    stored = [a.stored_id for a in kept]
    closed_years_ago(w, 6)

    ran = yakuba("consult", "erase-expired", "--as", w.chief.username)
    assert ran.code == 0, ran.err
    assert not Attachment.objects.exists()
    for obj in StoredObject.objects.filter(pk__in=stored):
        assert obj.erased and not obj.path.exists()
        with pytest.raises(vault.AlreadyErased):
            vault.read(obj, io.BytesIO(), user=w.worker)
    assert CaseErasure.objects.get().files == 2
    items = json.loads(bytes(ErasureCertificate.objects.get().body))["certificate"]["items"]
    assert {i["object_id"] for i in items if i["kind"] == "attachment"} == {str(pk) for pk in stored}
