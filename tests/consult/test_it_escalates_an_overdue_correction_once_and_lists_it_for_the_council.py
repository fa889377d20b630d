"""A 訂正依頼 past its due date is escalated once to the センター長 (by `yakuba consult escalate` or
the worker's housekeeping; a second run escalates nothing), appears on the centre supervisor's list,
and on the council's list with its number, department, days overdue and status — never a name or
the text of the request. An answered request leaves the council's list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests import factories
from tests.badinput.helpers import yakuba
from tests.consult.helpers import MARKERS, world
from yakuba.accounts.roles import Role
from yakuba.audit.models import AuditEntry
from yakuba.consult.actions import corrections
from yakuba.consult.models import CorrectionRequest
from yakuba.jobs import housekeeping


@pytest.mark.django_db
def test_it_escalates_an_overdue_correction_once_and_lists_it_for_the_council() -> None:
    w = world()
    today = dt.date.today()
    late = corrections.do_open_correction(
        w.worker, requester="person", department="長寿応援課", record_ref="高齢者実態調査 MARKER-REF-1",
        wrong="MARKER-WRONG-2", asked="MARKER-ASKED-3", owner_id=w.worker.pk, case=w.case, person_id=w.person.pk,
        received_on=today - dt.timedelta(days=40), due_on=today - dt.timedelta(days=10))
    on_time = corrections.do_open_correction(
        w.worker, requester="minsei", department="福祉課", record_ref="r", wrong="w", asked="a", owner_id=w.worker.pk,
        due_on=today + dt.timedelta(days=5))
    assert late.number != on_time.number and late.status == CorrectionRequest.Status.RECEIVED

    ran = yakuba("consult", "escalate")
    assert ran.code == 0 and "1 件" in ran.out and late.number in ran.err, ran.err
    late.refresh_from_db()
    assert late.escalated_at is not None and late.escalated_to == w.chief
    first = late.escalated_at
    assert housekeeping.run_once() == 0  # the worker's round: nothing new to escalate, no failure
    on_time.due_on = today - dt.timedelta(days=1)
    on_time.save(update_fields=["due_on"])
    assert housekeeping.run_once() == 0  # …until another one is overdue: the worker escalates it
    on_time.refresh_from_db()
    assert on_time.escalated_at is not None
    on_time.due_on = today + dt.timedelta(days=5)
    on_time.escalated_at = None
    on_time.save(update_fields=["due_on", "escalated_at"])
    assert yakuba("consult", "escalate").out.strip().endswith("0 件")
    late.refresh_from_db()
    assert late.escalated_at == first
    assert AuditEntry.objects.filter(action="consult.correction.escalated", target_id=str(late.pk)).count() == 1
    on_time.refresh_from_db()
    assert on_time.escalated_at is None

    chief = Client()
    chief.force_login(w.chief)
    body = chief.get("/consult/corrections/").content.decode()
    assert 'data-testid="escalated"' in body and late.number in body.split('data-testid="escalated"')[1].split("</ul>")[0]

    council = Client()
    council.force_login(factories.user(Role.COUNCIL_MEMBER, "council-1"))
    page = council.get("/consult/corrections/overdue/")
    assert page.status_code == 200
    body = page.content.decode()
    row = body.split(f'data-correction="{late.number}"')[1].split("</tr>")[0]
    assert "長寿応援課" in row and ">10<" in row and "受付" in row
    assert on_time.number not in body
    for text in [*MARKERS.values(), "MARKER-REF-1", "MARKER-WRONG-2", "MARKER-ASKED-3", w.case.number]:
        assert text not in body, text
    assert council.get(f"/consult/corrections/{late.pk}/").status_code == 403

    corrections.do_answer_correction(late, w.worker, status="corrected", answer="長寿応援課が訂正した")
    body = council.get("/consult/corrections/overdue/").content.decode()
    assert late.number not in body and 'data-testid="answered-late">1<' in body
