"""End to end: vendor package → import → income → round → approval → notices (PDF text) → second round."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from yakuba.admission.actions.computing import do_compute
from yakuba.admission.actions.notices import do_export_results, do_print_notices, do_record_response, results_for_print
from yakuba.admission.actions.rounds import do_approve, do_create_second_round
from yakuba.admission.errors import AdmissionError
from yakuba.admission.models import Application, Result, Round
from yakuba.audit.models import AuditEntry
from yakuba.privacy.receipt import verify_receipt


@pytest.mark.django_db
def test_it_runs_a_round_from_package_to_second_round(imported, staff, supervisor, population) -> None:
    delivery, rnd = imported
    assert Application.objects.count() == 60
    assert not Application.objects.exclude(match=Application.Match.MATCHED).exists()
    # the signed receipt lets the vendor erase the scans
    receipt = verify_receipt(bytes(delivery.receipt), staff.organisation.public_key)
    assert str(receipt.package_id) == str(delivery.package_id)
    from yakuba.handover.service import confirm_receipt

    assert confirm_receipt(bytes(delivery.receipt)).receipt_at is not None  # the sender's check passes
    app = Application.objects.get(receipt_number=population.records[0]["receipt_number"])
    assert app.base_points == population.records[0]["base_points"]["total"]
    assert app.income() is not None

    do_compute(rnd, staff)
    rnd.refresh_from_db()
    assert rnd.status == Round.Status.COMPUTED
    assert rnd.results.count() == 60
    placed = rnd.results.filter(status=Result.Status.PLACED)
    waiting = rnd.results.filter(status=Result.Status.WAITING)
    assert placed.exists() and waiting.exists()
    for r in rnd.results.all():
        assert r.text and r.breakdown.startswith("基準点")
        assert r.explanation["child_id"] == r.application.receipt_number
    # the table: placed never above capacity
    for row in rnd.table():
        assert row["placed"] <= row["capacity"]

    with pytest.raises(AdmissionError):  # nothing before approval
        do_print_notices(list(waiting[:1]), staff)
    with pytest.raises(AdmissionError):  # not the one who computed it, and a supervisor
        do_approve(rnd, staff)
    do_approve(rnd, supervisor)

    pdf = do_print_notices(results_for_print(rnd), staff)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 60
    text = reader.pages[0].extract_text()
    first = results_for_print(rnd)[0]
    assert "令和" in text and "審査請求" in text
    assert ("承諾通知書" if first.status == "placed" else "保留通知書") in text
    assert first.application.receipt_number in text

    data = do_export_results(rnd, staff).decode("utf-8-sig").splitlines()
    assert data[0].split(",")[:3] == ["受付番号", "宛名番号", "入園年度"] and len(data) == 61

    # the guardian of one placed child declines, the others accept
    declined = placed.first()
    do_record_response(declined, Result.Response.DECLINED, staff)
    second = do_create_second_round(rnd, staff)
    kept = placed.exclude(pk=declined.pk).filter(facility=declined.facility, age_class=declined.age_class).count()
    fac = {f.code: f for f in rnd.facilities.all()}
    assert second.facilities.get(code=declined.facility).capacity[declined.age_class] == \
        fac[declined.facility].capacity[declined.age_class] - kept

    do_compute(second, staff)
    # second round: the round-1 waiting children only (no late ones here), with explanations
    assert second.results.count() == waiting.count()
    assert set(second.results.values_list("application", flat=True)) == set(waiting.values_list("application", flat=True))
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"admission.import.accepted", "admission.income.imported", "admission.round.computed",
            "admission.round.approved", "admission.notice.printed", "admission.results.exported"} <= actions
    assert json.dumps(list(AuditEntry.objects.filter(action__startswith="admission.").values_list("detail", flat=True)),
                      ensure_ascii=False).count(app.child_name) == 0
