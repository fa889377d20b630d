"""From the screens: intake → assessment → plan (goal, task) → consultation records → close."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from yakuba.accounts.roles import Role
from yakuba.audit.models import AuditEntry
from yakuba.consult.models import Case, Task


@pytest.mark.django_db
def test_it_works() -> None:
    worker = factories.user(Role.CENTER_WORKER, "w1")
    client = Client()
    client.force_login(worker)

    assert client.get("/consult/intake/").status_code == 200
    response = client.post("/consult/intake/", {
        "name": "試験 一郎", "name_kana": "シケン イチロウ", "birth_date": "1948-05-06", "address": "架空市本町1-1-1",
        "phone": "000-0000-0000", "resident_key": "", "domains": ["elderly", "poverty"], "route": "visit_centre",
        "urgency": "soon", "worry": "年金だけでは暮らせない"})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/consult/cases/{case.pk}/"
    assert case.status == Case.Status.INTAKE and case.domains == ["elderly", "poverty"]
    assert list(case.workers.all()) == [worker] and case.people.get().resident_key == ""  # not known to the city: allowed

    base = f"/consult/cases/{case.pk}"
    assert client.post(f"{base}/assessment/", {"situation": "一人暮らし", "health_details": "膝が悪い",
                                               "risks": "家賃の滞納"}).status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.ASSESSMENT
    assert client.post(f"{base}/plan/", {"summary": "家計の立て直し", "goal": "家賃を払える"}).status_code == 302
    plan = case.plans.get()
    goal = plan.goals.get()
    assert client.post(f"/consult/goals/{goal.pk}/tasks/", {"text": "家計相談の予約", "owner": worker.pk,
                                                            "due_on": "2026-12-20"}).status_code == 302
    task = Task.objects.get()
    assert client.post(f"{base}/records/", {"method": "phone", "said": "予約日を伝えた", "next_step": "同行する",
                                            "follow_up_on": "2026-12-21"}).status_code == 302
    assert client.post(f"/consult/tasks/{task.pk}/done/").status_code == 302
    task.refresh_from_db()
    assert task.done_on is not None

    page = client.get(f"{base}/").content.decode()
    for text in ("年金だけでは暮らせない", "一人暮らし", "膝が悪い", "家計の立て直し", "家賃を払える", "家計相談の予約",
                 "予約日を伝えた", "昭和23年5月6日"):
        assert text in page, text
    timeline = page.split('data-testid="timeline"')[1].split("</ol>")[0]
    assert timeline.index("相談受付") < timeline.index("アセスメント") < timeline.index("支援計画") < timeline.index("相談記録")

    assert client.post(f"{base}/close/", {"reason": "resolved", "note": "家賃の滞納が解消"}).status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.close_reason == "resolved" and case.closed_on is not None
    assert "家賃の滞納が解消" in client.get(f"{base}/").content.decode()

    actions = list(AuditEntry.objects.filter(target_type="consult.case", target_id=str(case.pk))
                   .order_by("seq").values_list("action", flat=True))
    for step in ("consult.case.opened", "consult.assessment.created", "consult.plan.created", "consult.task.created",
                 "consult.record.created", "consult.task.done", "consult.case.closed"):
        assert step in actions, step
    # closed: nothing more is added (the message says so on the case page)
    response = client.post(f"{base}/records/", {"method": "phone", "said": "もう一度"}, follow=True)
    assert "終結しています" in response.content.decode()
    assert case.records.count() == 1
