"""A child of the health app becomes a plain record, and that record a 副本 the published schema accepts:
the 要配慮 問診 answers stay out of it unless the items ask for them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.health import helpers
from yakuba.linkage import fukuhon
from yakuba.linkage.allowlist import load_allowlist

pytestmark = pytest.mark.django_db


def test_it_works() -> None:
    staff = helpers.staff()
    child = helpers.child()
    helpers.checkup(child, staff, findings=[{"system": "skin", "status": "present", "note": "湿疹"}],
                    interview={"harsh_discipline": "ない", "feeding": "混合"})
    helpers.checkup(child, staff, kind="y3", checkup_date=dt.date(2027, 2, 1),
                    height_cm=Decimal("93.0"), weight_kg=Decimal("13.400"), urine_protein="-", urine_blood="±",
                    judgement="detailed", detailed_exam_date=dt.date(2027, 2, 20))
    record = child.to_record()
    assert record.local_id == child.resident_key and len(record.checkups) == 2
    doc = fukuhon.to_document(record)
    back = fukuhon.from_document(fukuhon.loads(fukuhon.dumps(doc)))
    assert back.local_id == record.local_id and back.checkups[1].urine == record.checkups[1].urine
    assert child.name not in fukuhon.dumps(doc).decode()  # no name in any 副本: the 符号 names the child
    registered = fukuhon.dumps(fukuhon.to_document(record, items=load_allowlist().items_ever_allowed())).decode()
    assert "harsh_discipline" not in registered and "feeding" not in registered and "13.400" in registered
    with_sensitive = fukuhon.dumps(fukuhon.to_document(record, items=["checkup_date", "age_in_months",
                                                                      "interview_sensitive"])).decode()
    assert "harsh_discipline" in with_sensitive and "height_cm" not in with_sensitive
