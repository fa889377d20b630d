"""`yakuba consult erase-expired --dry-run` says which cases would go (with counts) and changes
nothing: every row, every file and its key stay; no certificate is issued."""

from __future__ import annotations

import pytest

from tests.badinput.helpers import yakuba
from tests.consult.helpers import closed_years_ago, store_case_files, world
from yakuba.audit.models import AuditEntry
from yakuba.consult.models import Case, CaseErasure, ConsultationRecord, Person
from yakuba.vault import service as vault
from yakuba.vault.models import ErasureCertificate


@pytest.mark.django_db
def test_it_changes_nothing_on_a_dry_run() -> None:
    w = world()
    case = closed_years_ago(w, 6)
    files = store_case_files(case, w.worker, [b"MARKER-DRY-1", b"MARKER-DRY-2"])
    before = (Case.objects.count(), Person.objects.count(), ConsultationRecord.objects.count(), AuditEntry.objects.count())

    ran = yakuba("consult", "erase-expired", "--as", w.chief.username, "--dry-run")
    assert ran.code == 0, ran.err
    assert f"消去の対象: ケース {case.number}" in ran.err and "ファイル 2 件" in ran.err
    assert "消去の対象になるケース: 1 件" in ran.out and "何も変更していません" in ran.out
    assert (Case.objects.count(), Person.objects.count(), ConsultationRecord.objects.count(),
            AuditEntry.objects.count()) == before
    assert not ErasureCertificate.objects.exists() and not CaseErasure.objects.exists()
    assert [vault.read_bytes(f) for f in files] == [b"MARKER-DRY-1", b"MARKER-DRY-2"]

    refused = yakuba("consult", "erase-expired", "--as", w.worker.username, "--dry-run")
    assert refused.code == 1 and refused.one_line and "センター長" in refused.err
