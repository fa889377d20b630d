"""The assigned worker sees the names and notes, health details included, and the audit entries of
that page name every category shown; the センター長 sees the notes but not the health details."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.consult.helpers import HEALTH, MARKERS, world
from yakuba.audit.models import AuditEntry


def _page(user, url):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    body = client.get(url).content.decode()
    named: set[str] = set()
    for cats in AuditEntry.objects.filter(seq__gt=before, actor_id=user.pk).values_list("categories", flat=True):
        named |= set(cats)
    return body, named


@pytest.mark.django_db
def test_it_shows_the_assigned_worker_what_it_audits() -> None:
    w = world()
    body, named = _page(w.worker, f"/consult/cases/{w.case.pk}/")
    for key, text in MARKERS.items():
        assert text in body, key
    assert "昭和25年3月4日" in body  # the birth date as citizens read it
    assert {"name", "address", "contact", "identifier", "birth_date", "sensitive", "health"} <= named


@pytest.mark.django_db
def test_the_supervisor_sees_the_notes_but_not_the_health_details() -> None:
    w = world()
    body, named = _page(w.chief, f"/consult/cases/{w.case.pk}/")
    for key, text in MARKERS.items():
        if text in HEALTH:
            assert text not in body, key
        else:
            assert text in body, key
    assert "sensitive" in named and "name" in named and "health" not in named


@pytest.mark.django_db
def test_the_persons_timeline_is_audited_too() -> None:
    w = world()
    body, named = _page(w.worker, f"/consult/people/{w.person.pk}/")
    assert MARKERS["name"] in body and MARKERS["worry"] in body and MARKERS["said"] in body
    assert {"name", "sensitive"} <= named


@pytest.mark.django_db
def test_the_queue_audits_the_names_and_tasks_it_lists() -> None:
    w = world()
    body, named = _page(w.worker, "/consult/")
    assert MARKERS["name"] in body and MARKERS["task"] in body
    assert {"name", "sensitive"} <= named
    other_body, other_named = _page(w.other_worker, "/consult/")
    assert MARKERS["name"] not in other_body and MARKERS["task"] not in other_body and other_named == set()
