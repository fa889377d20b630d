"""The queue: overdue tasks (past their date), due tasks (today … 7 days), never done ones nor another
worker's; a follow-up date past with no later record is overdue, a later record clears it; new intakes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests import factories
from yakuba.accounts.roles import Role
from yakuba.consult.actions import cases, records
from yakuba.consult.queue import queue_for


def _case(worker, n):  # type: ignore[no-untyped-def]
    return cases.do_open_case(worker, person={"name": f"試験 {n}"}, domains=["child"], route="phone", urgency="normal",
                              worry=f"心配 {n}")


@pytest.mark.django_db
def test_it_lists_due_and_overdue_tasks_in_the_queue() -> None:
    today = timezone.localdate()
    me = factories.user(Role.CENTER_WORKER, "me")
    other = factories.user(Role.CENTER_WORKER, "other")
    case = _case(me, 1)
    chief = factories.user(Role.CENTER_SUPERVISOR, "chief")
    cases.do_assign_worker(case, chief, other.pk)
    records.do_assess(case, me, situation="状況")
    goal = records.do_plan(case, me, summary="方針", goal="目標").goals.get()

    def task(text, days, owner=me):  # type: ignore[no-untyped-def]
        return records.do_add_task(goal, me, text=text, owner_id=owner.pk, due_on=today + dt.timedelta(days=days))

    overdue = task("OVERDUE-1", -1)
    due_today = task("DUE-TODAY", 0)
    due_week = task("DUE-7", 7)
    later = task("LATER-8", 8)
    done = task("DONE-OVERDUE", -5)
    records.do_task_done(done, me)
    others = task("OTHERS-OVERDUE", -2, owner=other)

    q = queue_for(me, today)
    assert list(q.overdue_tasks) == [overdue]
    assert list(q.due_tasks) == [due_today, due_week]
    assert later not in q.due_tasks and others not in q.overdue_tasks
    assert list(queue_for(other, today).overdue_tasks) == [others]

    # follow-ups: the latest record's date past → overdue; a later record clears it
    now = timezone.now()
    r1 = records.do_record(case, me, method="phone", said="電話", follow_up_on=today - dt.timedelta(days=1),
                           at=now - dt.timedelta(days=3))
    assert list(queue_for(me, today).overdue_follow_ups) == [r1]
    records.do_record(case, me, method="home_visit", said="訪問", at=now - dt.timedelta(days=1))
    assert list(queue_for(me, today).overdue_follow_ups) == []
    r3 = records.do_record(case, me, method="phone", said="電話", follow_up_on=today, at=now)
    assert list(queue_for(me, today).overdue_follow_ups) == []  # due today is not overdue
    assert list(queue_for(me, today + dt.timedelta(days=1)).overdue_follow_ups) == [r3]

    # new intakes: the centre's cases still at 受付, for every centre worker (no names on that list)
    fresh = _case(other, 2)
    assert list(queue_for(me, today).new_intakes) == [fresh]

    # the page shows the same split
    client = Client()
    client.force_login(me)
    body = client.get("/consult/").content.decode()
    overdue_html = body.split('data-testid="overdue-tasks"')[1].split("</table>")[0]
    due_html = body.split('data-testid="due-tasks"')[1].split("</table>")[0]
    assert "OVERDUE-1" in overdue_html and "DUE-TODAY" not in overdue_html
    assert "DUE-TODAY" in due_html and "DUE-7" in due_html and "LATER-8" not in due_html and "OVERDUE-1" not in due_html
    assert "DONE-OVERDUE" not in body and "OTHERS-OVERDUE" not in body
    intakes_html = body.split('data-testid="new-intakes"')[1].split("</table>")[0]
    assert fresh.number in intakes_html and "試験 2" not in body
