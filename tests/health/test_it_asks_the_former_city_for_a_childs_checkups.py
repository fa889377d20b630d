"""A child moved in: the 健康増進センター asks the former city (through this city's 中間サーバー and the hub)
for a checkup; what the allow-list allows comes back, is kept and shown on the child's page, and the
query and the 提供 are in the hub's log, tagged for the family. A refusal is shown with its reason."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from django.test import Client

from tests.health import helpers, linkage_kit
from tests.linkage.checkups import example_child
from tests.linkage.services.kit import Clock, services
from yakuba.audit.models import AuditEntry
from yakuba.health.actions import items_to_ask
from yakuba.health.linkage import person_handle
from yakuba.linkage.checkup import CheckupKind
from yakuba.health.models import ReceivedCheckup
from yakuba.linkage import fukuhon
from yakuba.linkage.entries import find, parse_entry, parse_view_key

pytestmark = pytest.mark.django_db


def moved(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Services A, B and the hub; a child of B (this installation) whose 副本 A registered before the move."""
    s = services(tmp_path, Clock(int(time.time())))
    child = helpers.child()
    handle = person_handle(child.name_kana, child.birth_date.isoformat(), child.sex)
    doc = fukuhon.to_document(example_child())
    s.a.register(doc["local_id"], fukuhon.dumps(doc), s.hub.enrol("city-a", handle).fugo)
    return s, child, doc


def test_it_works(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    s, child, doc = moved(tmp_path)
    linkage_kit.use(monkeypatch, linkage_kit.InProcess(s))
    client = Client()
    client.force_login(helpers.staff())
    page = client.get(f"/health/children/{child.pk}/").content.decode()
    assert "転入前の市町村への照会" in page and 'value="city-a"' in page

    response = client.post(f"/health/children/{child.pk}/ask/", {"provider": "city-a", "kind": "y3"})
    assert response.status_code == 302
    received = ReceivedCheckup.objects.get(child=child)
    y3 = next(c for c in doc["checkups"] if c["kind"] == "y3")["items"]
    allowed = items_to_ask(CheckupKind.THREE, "市町村", dt.date.today())
    assert received.items == {code: y3[code] for code in allowed if code in y3} and "urine" in received.items
    assert "interview_sensitive" not in received.items and received.items["height_cm"] == y3["height_cm"]
    page = client.get(f"/health/children/{child.pk}/").content.decode()
    assert "A市（サンプル）から" in page and "94.8cm" in page and "要精査" in page

    entries = [s.hub.log.entry(i) for i in range(s.hub.log.size)]
    key = parse_view_key(child.linkage.view_key)
    # the query, the 提供, and the staff's read of what was provided when the page showed it
    assert [parse_entry(entries[i]).type for i in find(entries, key)] == ["query", "provide", "read"]
    assert parse_entry(entries[2]).get("jimu") == "boshi-12-3y-checkup"
    audit = AuditEntry.objects.get(action="health.linkage.received")
    assert audit.detail["query_sha256"] == received.query_sha256 == parse_entry(entries[0]).get("ref")
    assert "94.8" not in str(audit.detail)
    s.close()


def test_what_was_provided_is_not_shown_when_its_read_cannot_be_logged(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from yakuba.linkage.errors import Refused

    s, child, _ = moved(tmp_path)
    transport = linkage_kit.use(monkeypatch, linkage_kit.InProcess(s))
    client = Client()
    client.force_login(helpers.staff())
    client.post(f"/health/children/{child.pk}/ask/", {"provider": "city-a", "kind": "y3"})

    def unreachable(*args: object) -> int:
        raise Refused("unreachable", "ハブに接続できません (cannot reach the hub)")

    monkeypatch.setattr(transport, "read", unreachable)
    page = client.get(f"/health/children/{child.pk}/").content.decode()
    assert 'data-testid="received-error"' in page and "94.8" not in page
    s.close()


def test_a_refusal_is_shown_with_its_reason(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    s, child, _ = moved(tmp_path)
    s.a.erase(example_child().local_id)  # A no longer holds the 副本
    linkage_kit.use(monkeypatch, linkage_kit.InProcess(s))
    client = Client()
    client.force_login(helpers.staff())
    response = client.post(f"/health/children/{child.pk}/ask/", {"provider": "city-a", "kind": "y3"}, follow=True)
    assert "照会先にこの方の副本がありません" in response.content.decode()
    assert not ReceivedCheckup.objects.exists()
    assert AuditEntry.objects.get(action="health.linkage.refused").detail["reason"] == "fukuhon-none"
    last = parse_entry(s.hub.log.entry(s.hub.log.size - 1))
    assert (last.type, last.get("reason")) == ("refuse", "fukuhon-none")
    s.close()


def test_an_unknown_provider_is_refused_before_anything_is_sent(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    s, child, _ = moved(tmp_path)
    linkage_kit.use(monkeypatch, linkage_kit.InProcess(s))
    client = Client()
    client.force_login(helpers.staff())
    size = s.hub.log.size
    response = client.post(f"/health/children/{child.pk}/ask/", {"provider": "city-z", "kind": "y3"}, follow=True)
    assert "照会先と健診を選んでください" in response.content.decode() and s.hub.log.size == size
    s.close()
