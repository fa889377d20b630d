"""福祉課 sees statistics (counts by domain and status), never a name or a note; no other city
department gets the page."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests import factories
from tests.consult.helpers import MARKERS, world
from yakuba.accounts.roles import Role
from yakuba.consult.actions import cases


@pytest.mark.django_db
def test_it_gives_the_city_department_counts_only() -> None:
    w = world()  # elderly + disability, 支援中
    cases.do_open_case(w.worker, person={"name": "試験 四郎"}, domains=["child"], route="agency", urgency="urgent",
                       worry="MARKER-OTHER-WORRY")
    client = Client()
    client.force_login(factories.user(Role.CITY_STAFF, "fk", org_code="fukushi"))
    body = client.get("/consult/statistics/").content.decode()
    assert re.search(r'data-testid="total">2<', body)
    assert re.search(r'data-domain="高齢">1<', body) and re.search(r'data-domain="子ども">1<', body)
    assert re.search(r'data-domain="生活困窮">0<', body)
    assert re.search(r'data-status="受付">1<', body) and re.search(r'data-status="支援中">1<', body)
    for text in [*MARKERS.values(), "試験 四郎", "MARKER-OTHER-WORRY", w.case.number]:
        assert text not in body
    other = Client()
    other.force_login(factories.user(Role.CITY_STAFF, "kodomo-staff"))
    assert other.get("/consult/statistics/").status_code == 403
