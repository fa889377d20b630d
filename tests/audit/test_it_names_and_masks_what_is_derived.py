"""A value made from declared fields (a points breakdown telling a 所得割額 band) is revealed like the
fields themselves: masked for a role that may not see one of its categories, and named in the entry."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from tests import factories
from yakuba.accounts.roles import Role
from yakuba.audit.models import AuditEntry
from yakuba.audit.reveal import reveal
from yakuba.privacy.masking import MASK

LINE = "基準点 28 + 所得割額 48,600円未満 +1 = 29点"


def _reveal(role: str):  # type: ignore[no-untyped-def]
    app = factories.application(factories.org("vendor-entry"), 1)
    request = RequestFactory().get("/")
    request.user = factories.user(role)
    return reveal(request, app, ("receipt_number",), derived={"breakdown": (("circumstances", "income"), LINE)})


@pytest.mark.django_db
def test_it_works() -> None:
    row = _reveal(Role.CITY_STAFF)
    assert row["breakdown"] == LINE
    assert AuditEntry.objects.get(action="personal.read").categories == ["circumstances", "income"]


@pytest.mark.django_db
def test_a_role_without_income_sees_a_mask_and_nothing_is_recorded() -> None:
    row = _reveal(Role.VENDOR_RESPONSIBLE)  # sees circumstances, never income
    assert row["breakdown"] == MASK
    assert not AuditEntry.objects.filter(action="personal.read").exists()
