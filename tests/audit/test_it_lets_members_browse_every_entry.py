"""Council members browse the whole audit log, not the newest 200: a page at a time, filtered by period,
system, role and action, each action named in Japanese; the filtered entries as CSV for the minutes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.utils import timezone

from tests import factories
from yakuba.audit.log import record
from yakuba.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def seqs(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-seq="(\d+)"', page)]


def test_it_works() -> None:
    staff, water = factories.user("health_staff"), factories.user("city_staff", username="water-x")
    for i in range(180):
        record("health.read", actor=staff, target_type="health.child", target_id=i, categories=["health"])
    for i in range(70):
        record("debit.run.created", actor=water, target_type="debit.debitrun", target_id=i)
    old = AuditEntry.objects.filter(action="debit.run.created").order_by("seq")[:10]
    AuditEntry.objects.filter(pk__in=[e.pk for e in old]).update(at=timezone.make_aware(dt.datetime(2026, 4, 2, 10)))

    client = Client()
    client.force_login(factories.user("council_member", username="member-x"))
    first = client.get("/audit/").content.decode()
    assert len(seqs(first)) == 100 and "乳幼児の記録を閲覧" in first and "健康" in first
    total = int(re.search(r"該当 (\d+) 件", first).group(1))  # type: ignore[union-attr]
    assert total >= 250
    last_page = -(-total // 100)
    last = client.get(f"/audit/?page={last_page}").content.decode()
    assert min(seqs(last)) == 1 and len(seqs(last)) == total - 100 * (last_page - 1)  # the oldest are reachable

    health = client.get("/audit/?system=health").content.decode()
    assert "該当 180 件" in health
    by_role = client.get("/audit/?role=city_staff&action=debit.run.created").content.decode()
    assert "該当 70 件" in by_role and "口座振替を作成" in by_role
    april = client.get("/audit/?since=2026-04-01&until=2026-04-30").content.decode()
    assert "該当 10 件" in april and "期間" in april

    response = client.get("/audit/?system=debit&format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response["Content-Disposition"].startswith("attachment") and rows[0][3] == "操作(名称)"
    assert len(rows) == 71 and {r[3] for r in rows[1:]} == {"口座振替を作成"}
    assert [int(r[0]) for r in rows[1:]] == sorted(int(r[0]) for r in rows[1:])

    nonsense = client.get("/audit/?since=2026-13-45&page=999").content.decode()
    assert "該当" in nonsense  # a bad date is ignored, a page past the end shows the last one
