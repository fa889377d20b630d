"""The demo centre has an overdue 訂正依頼 (escalated, on the council's list), a record corrected
with its history, a case erased with a certificate that verifies, and one disposal of storage with
the contractor's certificate verified (SHA-256 and signature)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from yakuba.accounts.roles import Role
from yakuba.consult import demo
from yakuba.consult.models import CaseErasure, CorrectionRequest, RecordChange, StorageDisposal
from yakuba.keyring import get_keyring
from yakuba.privacy.erasure import verify_certificate


@pytest.mark.django_db
def test_it_sets_up_the_demo_corrections_erasure_and_disposal(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("YAKUBA_DEMO_CASES", "6")
    worker = factories.user(Role.CENTER_WORKER, "worker")
    worker2 = factories.user(Role.CENTER_WORKER, "worker2")
    chief = factories.user(Role.CENTER_SUPERVISOR, "center-chief")
    demo.run(worker, worker2, chief)

    late = CorrectionRequest.objects.get(department="長寿応援課")
    assert late.is_open and late.escalated_at is not None and late.escalated_to == chief
    change = RecordChange.objects.get()
    assert change.correction.status == CorrectionRequest.Status.CORRECTED and change.old != change.new
    erased = CaseErasure.objects.get()
    assert erased.files == 1 and verify_certificate(bytes(erased.certificate.body), get_keyring().public_key_text())
    d = StorageDisposal.objects.get()
    assert d.signed and len(d.certificate_sha256) == 64

    council = Client()
    council.force_login(factories.user(Role.COUNCIL_MEMBER, "council"))
    for url, text in (("/consult/corrections/overdue/", late.number), ("/consult/erasures/", erased.case_number),
                      ("/consult/disposals/", "PC-CENTER-007")):
        assert text in council.get(url).content.decode(), url
    page = Client()
    page.force_login(worker)
    assert f'data-change="{change.pk}"' in page.get(f"/consult/cases/{change.case_id}/").content.decode()

    demo.run(worker, worker2, chief)  # once only
    assert CorrectionRequest.objects.count() == 2 and StorageDisposal.objects.count() == 1
