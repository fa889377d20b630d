"""A record corrected on the case page (through a 訂正依頼) shows what changed, when, why and by
whom; the values are audited with the field's category; a health detail's correction is shown only
to the assigned workers (not to the センター長), and a worker not assigned can correct nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.consult.helpers import MARKERS, world
from yakuba.audit.models import AuditEntry
from yakuba.consult.actions import corrections
from yakuba.consult.models import CorrectionRequest, RecordChange


@pytest.mark.django_db
def test_it_shows_old_new_why_and_who_of_a_corrected_record() -> None:
    w = world()
    req = corrections.do_open_correction(w.worker, requester="person", department="長寿応援課", record_ref="住所の記録",
                                         wrong="番地が違う", asked="9-9-10 に", owner_id=w.worker.pk, case=w.case)
    client = Client()
    client.force_login(w.worker)
    base = f"/consult/cases/{w.case.pk}"
    assert client.post(f"{base}/correct/", {"target": f"person:{w.person.pk}:address", "value": "架空市ZQX町9-9-10",
                                            "reason": "本人の申出 REASON-77", "correction": req.pk}).status_code == 302
    assessment = w.case.assessments.get()
    assert client.post(f"{base}/correct/", {"target": f"assessment:{assessment.pk}:health_details",
                                            "value": "HEALTH-NEW-88", "reason": "主治医の意見書 REASON-88"}).status_code == 302
    w.person.refresh_from_db()
    assessment.refresh_from_db()
    assert w.person.address == "架空市ZQX町9-9-10" and assessment.health_details == "HEALTH-NEW-88"
    change = RecordChange.objects.get(field="address")
    assert (change.old, change.new, change.by, change.correction) == (MARKERS["address"], "架空市ZQX町9-9-10", w.worker, req)

    seq = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    page = client.get(f"{base}/").content.decode()
    history = page.split('data-testid="changes"')[1].split("</table>")[0]
    row = history.split(f'data-change="{change.pk}"')[1].split("</tr>")[0]
    assert MARKERS["address"] in row and "架空市ZQX町9-9-10" in row and "REASON-77" in row
    assert w.worker.username in row and req.number in row
    assert "HEALTH-NEW-88" in history and MARKERS["health"] in history
    told = set()
    for e in AuditEntry.objects.filter(seq__gt=seq, action="consult.read", target_type="consult.recordchange"):
        told |= set(e.categories)
    assert {"address", "health", "sensitive"} <= told

    chief = Client()
    chief.force_login(w.chief)
    page = chief.get(f"{base}/").content.decode()
    history = page.split('data-testid="changes"')[1].split("</table>")[0]
    assert "架空市ZQX町9-9-10" in history and "HEALTH-NEW-88" not in history and MARKERS["health"] not in history
    refused = chief.post(f"{base}/correct/", {"target": f"assessment:{assessment.pk}:health_details", "value": "x",
                                              "reason": "y"}, follow=True)
    assert type(assessment).objects.get(pk=assessment.pk).health_details == "HEALTH-NEW-88"
    assert refused.status_code == 200 and "訂正する項目" in refused.content.decode()

    other = Client()
    other.force_login(w.other_worker)
    other.post(f"{base}/correct/", {"target": f"person:{w.person.pk}:name", "value": "別人", "reason": "r"})
    w.person.refresh_from_db()
    assert w.person.name == MARKERS["name"] and RecordChange.objects.count() == 2
    assert "架空市ZQX町9-9-10" not in other.get(f"{base}/").content.decode()

    for bad, message in (({"value": "架空市ZQX町9-9-10", "reason": "同じ"}, "同じです"),
                         ({"value": "新しい住所", "reason": ""}, "")):
        body = client.post(f"{base}/correct/", {"target": f"person:{w.person.pk}:address", **bad}, follow=True)
        assert body.status_code == 200 and message in body.content.decode()
    assert RecordChange.objects.count() == 2
    req.refresh_from_db()
    assert req.status == CorrectionRequest.Status.RECEIVED  # the answer is the owner's to record
