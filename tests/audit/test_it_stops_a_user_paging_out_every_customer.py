"""Reading lists page by page is also export (issue #12 §1): one city_staff user paging out the 2,000
customers of the water department through the real list is stopped before the end, the supervisor
of the department is told, and the council's page names the user."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from yakuba.accounts.models import Organisation
from yakuba.accounts.roles import Role
from yakuba.audit.budget import EXCEEDED, budgets
from yakuba.audit.models import AuditEntry
from yakuba.debit.models import Customer

CUSTOMERS = 2000
PAGE = 50


def _customers(n: int) -> None:
    Customer.objects.bulk_create(
        Customer(number=f"{500000 + i}", name=f"試験 花子{i}", name_kana="シケン ハナコ", postal_code="999-0002",
                 address=f"みどり市緑町{i}-2-3") for i in range(1, n + 1))


def _people() -> tuple:  # type: ignore[type-arg]
    Organisation.objects.get_or_create(code="suido", defaults={"name": "上下水道総務課",
                                                               "kind": Organisation.Kind.CITY_DEPARTMENT})
    Organisation.objects.get_or_create(code="council", defaults={"name": "審議会事務局",
                                                                 "kind": Organisation.Kind.COUNCIL})
    return (factories.user(Role.CITY_STAFF, username="reader", org_code="suido"),
            factories.user(Role.CITY_SUPERVISOR, username="chief", org_code="suido"),
            factories.user(Role.COUNCIL_MEMBER, username="member", org_code="council"))


def _page_out(client: Client) -> tuple[int, list[int]]:
    """Every page of the list, as fast as it answers: the pages shown, and the statuses."""
    shown, statuses = 0, []
    for page in range(1, CUSTOMERS // PAGE + 1):
        response = client.get(f"/debit/customers/?page={page}")
        statuses.append(response.status_code)
        if response.status_code == 200:
            shown += 1
    return shown, statuses


@pytest.mark.django_db
def test_it_works() -> None:
    _customers(CUSTOMERS)
    reader, chief, member = _people()
    client = Client()
    client.force_login(reader)
    shown, statuses = _page_out(client)
    budget = budgets()["city_staff"]
    assert budget == 600
    assert shown == budget // PAGE < CUSTOMERS // PAGE, statuses
    assert set(statuses[shown:]) == {429}
    refused = client.get(f"/debit/customers/?page={shown + 1}")
    text = refused.content.decode()
    assert "上限" in text and "chief" in text and "試験 花子" not in text
    # Told once, not once a refused page.
    told = AuditEntry.objects.filter(action=EXCEEDED, actor_id=reader.pk)
    assert told.count() == 1 and told.get().organisation == "suido"
    assert told.get().detail == {"budget": budget, "reads": budget, "asked": PAGE}

    supervisor = Client()
    supervisor.force_login(chief)
    notices = supervisor.get("/audit/read-notices/").content.decode()
    assert "reader" in notices and "試験 花子" not in notices

    council = Client()
    council.force_login(member)
    page = council.get("/audit/readers/").content.decode()
    assert 'data-user="reader" data-flagged="true"' in page and "試験 花子" not in page


@pytest.mark.django_db
def test_the_budget_is_set_per_role(settings) -> None:  # type: ignore[no-untyped-def]
    settings.YAKUBA_READ_BUDGET = "city_staff=120,default=40"
    _customers(300)
    reader, chief, _ = _people()
    for user, pages in ((reader, 2), (chief, 0)):  # city_supervisor has the default: 40 < one page
        client = Client()
        client.force_login(user)
        statuses = [client.get(f"/debit/customers/?page={p}").status_code for p in range(1, 5)]
        assert statuses == [200] * pages + [429] * (4 - pages), (user.username, statuses)


@pytest.mark.django_db
def test_a_bad_setting_is_one_clear_line(settings) -> None:  # type: ignore[no-untyped-def]
    from yakuba.errors import EnvironmentProblem

    settings.YAKUBA_READ_BUDGET = "city_staff=lots"
    with pytest.raises(EnvironmentProblem, match="YAKUBA_READ_BUDGET"):
        budgets()


def test_a_day_far_above_the_usual_is_flagged() -> None:
    from yakuba.audit.budget import Reader

    def reader(hour: int, day: int, usual: float) -> Reader:
        return Reader(user=None, hour=hour, day=day, usual=usual, budget=600, refused=False)

    assert reader(hour=100, day=2000, usual=100).flagged        # twenty times the usual
    assert not reader(hour=100, day=900, usual=400).flagged     # a busy day for a busy reader
    assert not reader(hour=50, day=500, usual=0).flagged        # a first day, under an hour's budget
    assert reader(hour=601, day=601, usual=1000).flagged        # past the hour's budget
