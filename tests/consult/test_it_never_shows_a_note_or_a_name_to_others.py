"""Role × field: an unassigned centre worker, the city department, the council and an agency's staff
never receive a case note or a name — on any URL of the consult app, GET or POST (response bytes)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.consult.helpers import MARKERS, agency_urls, consult_urls, world
from yakuba.accounts.access import DENIED_HEADER
from yakuba.accounts.models import Organisation
from yakuba.accounts.roles import Role
from yakuba.consult.models import ConsultationRecord, Goal, Task


def _bodies(client: Client, urls: list[str]) -> list[tuple[str, int, bytes]]:
    out = []
    for url in urls:
        for method in ("get", "post"):
            r = getattr(client, method)(url, follow=method == "post")
            out.append((f"{method.upper()} {url}", r.status_code, r.content))
    return out


def _leaks(bodies: list[tuple[str, int, bytes]]) -> list[str]:
    return [f"{where}: {key}" for where, _, body in bodies for key, text in MARKERS.items() if text.encode() in body]


@pytest.mark.django_db
def test_it_never_shows_a_note_or_a_name_to_others() -> None:
    w = world()
    urls = consult_urls(w)
    assert len(urls) >= 15
    before = (ConsultationRecord.objects.count(), Task.objects.count(), Goal.objects.count(), w.case.workers.count())
    outsiders = {
        "unassigned center_worker": w.other_worker,
        "city_staff of 福祉課": factories.user(Role.CITY_STAFF, "fk-staff", org_code="fukushi"),
        "city_supervisor of 福祉課": factories.user(Role.CITY_SUPERVISOR, "fk-chief", org_code="fukushi"),
        "city_staff of 子ども家庭課": factories.user(Role.CITY_STAFF, "kodomo-staff"),
        "council_member": factories.user(Role.COUNCIL_MEMBER),
        "agency_staff": factories.user(Role.AGENCY_STAFF),
        "admin": factories.user(Role.ADMIN),
        "center_worker of another centre": factories.user(Role.CENTER_WORKER, "w-elsewhere", org_code=Organisation.objects.create(
            code="center2", name="試験第二センター", kind=Organisation.Kind.CENTER).code),
    }
    for label, user in outsiders.items():
        client = Client()
        client.force_login(user)
        bodies = _bodies(client, urls)
        assert _leaks(bodies) == [], label
    # and nothing was added to the case by their POSTs
    after = (ConsultationRecord.objects.count(), Task.objects.count(), Goal.objects.count(), w.case.workers.count())
    assert after == before


@pytest.mark.django_db
def test_the_unassigned_worker_sees_that_it_exists_and_whom_to_ask() -> None:
    w = world()
    client = Client()
    client.force_login(w.other_worker)
    page = client.get(f"/consult/cases/{w.case.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert w.case.number in body and "w-assigned" in body and 'data-testid="ask"' in body
    listing = client.get("/consult/cases/").content.decode()
    assert w.case.number in listing and "w-assigned" in listing
    assert client.get(f"/consult/people/{w.person.pk}/").status_code == 403


@pytest.mark.django_db
def test_agency_staff_gets_403_on_every_case_url() -> None:
    w = world()
    client = Client()
    client.force_login(factories.user(Role.AGENCY_STAFF))
    for url in sorted(set(consult_urls(w)) - agency_urls(w)):  # its own pages: tests/consult/test_it_shows_an_agency_*
        for method in ("get", "post"):
            r = getattr(client, method)(url)
            assert r.status_code == 403 and r.get(DENIED_HEADER) == "denied", (method, url, r.status_code)


@pytest.mark.django_db
def test_a_case_that_does_not_exist_answers_as_one_that_is_forbidden() -> None:
    """No oracle of which case or person ids exist: a missing one is 403, as a forbidden one."""
    w = world()
    outsider = Client()
    outsider.force_login(w.other_worker)
    assert outsider.get(reverse("consult:case", args=[w.case.pk])).status_code == 200  # it exists; whom to ask
    assert outsider.get(reverse("consult:person", args=[w.person.pk])).status_code == 403
    assert outsider.get(reverse("consult:case", args=[w.case.pk + 1000])).status_code == 403
    assert outsider.get(reverse("consult:person", args=[w.person.pk + 1000])).status_code == 403
    assert outsider.post(reverse("consult:case_record", args=[w.case.pk + 1000]), {}).status_code == 403
