"""An application entered by hand at the counter is matched like a delivered one; staff correct
points and tick the city's facts; each change is audited with field names, never values."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.admission.conftest import YEAR
from yakuba.admission.models import Application
from yakuba.admission.synthetic import load_residents
from yakuba.audit.models import AuditEntry


@pytest.mark.django_db
def test_it_enters_and_corrects_an_application_by_hand(staff, population) -> None:
    load_residents(population.residents)
    record = population.records[0]["fields"]
    client = Client()
    client.force_login(staff)
    r = client.post("/admission/applications/new/", {
        "year": YEAR, "receipt_number": "M-0001", "child_name": record["child_name"], "child_birth": record["child_birth"],
        "guardian1_name": record["guardian1_name"], "guardian2_name": record["guardian2_name"], "address": record["address"],
        "base_points": "36", "wishes": "1001,1002"}, follow=True)
    app = Application.objects.get(receipt_number="M-0001")
    assert app.source == Application.Source.MANUAL and app.match == Application.Match.MATCHED
    assert app.wishes == ["1001", "1002"] and app.base_points == 36
    assert "登録しました" in r.content.decode()

    client.post(f"/admission/applications/{app.pk}/edit/", {"facts_form": "1", "single_parent": "1",
                                                            "siblings_enrolled": "1002", "number_of_children": "3"})
    client.post(f"/admission/applications/{app.pk}/edit/", {"base_points": "40", "wishes": "1002,1001"})
    app.refresh_from_db()
    assert app.facts == {"single_parent": True, "siblings_enrolled": ["1002"], "number_of_children": 3}
    assert app.base_points == 40 and app.wishes == ["1002", "1001"]
    page = client.get(f"/admission/applications/{app.pk}/").content.decode()
    assert "ひとり親世帯 +5" in page and "多子世帯" in page and "きょうだいが在園する施設を希望 +3" in page

    entries = AuditEntry.objects.filter(action__startswith="admission.application.", target_id=str(app.pk)).order_by("seq")
    assert [e.action for e in entries] == ["admission.application.created", "admission.application.changed",
                                           "admission.application.changed"]
    assert entries[1].detail == {"fields": ["facts"]} and entries[2].detail == {"fields": ["base_points", "wishes"]}
    assert record["child_name"] not in json.dumps([e.detail for e in entries], ensure_ascii=False)
