"""Refused steps: a message on the case page (ConsultError via user_errors), nothing written."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests import factories
from tests.consult.helpers import world
from yakuba.accounts.roles import Role
from yakuba.consult.actions import cases
from yakuba.consult.errors import ConsultError
from yakuba.consult.models import Case, SupportPlan


@pytest.mark.django_db
def test_a_plan_before_an_assessment_is_refused() -> None:
    worker = factories.user(Role.CENTER_WORKER, "w1")
    case = cases.do_open_case(worker, person={"name": "試験 三郎"}, domains=["poverty"], route="online",
                              urgency="normal", worry="仕事がない")
    client = Client()
    client.force_login(worker)
    response = client.post(f"/consult/cases/{case.pk}/plan/", {"summary": "方針", "goal": "目標"}, follow=True)
    assert "先にアセスメントを記録してください" in response.content.decode()
    assert not SupportPlan.objects.exists()


@pytest.mark.django_db
def test_an_intake_without_a_domain_names_the_field() -> None:
    client = Client()
    client.force_login(factories.user(Role.CENTER_WORKER, "w1"))
    response = client.post("/consult/intake/", {"name": "試験", "route": "phone", "urgency": "normal", "worry": "x"},
                           follow=True)
    assert "分野" in response.content.decode() and not Case.objects.exists()


@pytest.mark.django_db
def test_the_unassigned_worker_and_the_supervisor_cannot_write_notes() -> None:
    w = world()
    for user in (w.other_worker, w.chief):
        client = Client()
        client.force_login(user)
        r = client.post(f"/consult/cases/{w.case.pk}/records/", {"method": "phone", "said": "勝手な記録"})
        assert r.status_code == 403
    assert not w.case.records.filter(said="勝手な記録").exists()
    with pytest.raises(ConsultError):
        cases.do_assign_worker(w.case, w.other_worker, w.other_worker.pk)  # not the supervisor
    cases.do_assign_worker(w.case, w.chief, w.other_worker.pk)
    assert w.case.workers.filter(pk=w.other_worker.pk).exists()


@pytest.mark.django_db
def test_a_task_owner_must_be_a_worker_of_the_case() -> None:
    w = world()
    client = Client()
    client.force_login(w.worker)
    response = client.post(f"/consult/goals/{w.goal.pk}/tasks/", {"text": "x", "owner": w.other_worker.pk,
                                                                  "due_on": "2026-12-24"}, follow=True)
    assert response.status_code == 200 and re.search(r"message--error\">担当者: ", response.content.decode())
    assert w.goal.tasks.count() == 1
