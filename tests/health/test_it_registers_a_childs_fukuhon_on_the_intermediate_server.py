"""A child's 副本 reaches the city's 中間サーバー: the child is enrolled at the hub once (its 符号 and the
family's view key kept), the 副本 — the allow-listed items only, never the 問診's 要配慮 answers — is
registered, sent again only when it changed, and every step is audited without values."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from pathlib import Path

import pytest

from tests.health import helpers
from tests.linkage.services.kit import Clock, services
from yakuba.audit.models import AuditEntry
from yakuba.health.actions import do_register, fukuhon_of
from yakuba.health.linkage import person_handle
from yakuba.health.models import LinkageRecord
from yakuba.linkage.entries import format_view_key
from yakuba.linkage.errors import Refused

pytestmark = pytest.mark.django_db


class CoreTransport:
    """The hub and city A's 中間サーバー called in this process (the HTTP transport is tested on gunicorn)."""

    def __init__(self, s, city: str = "city-a") -> None:  # type: ignore[no-untyped-def]
        self.s, self.city, self.calls = s, city, []

    def enrol(self, person: str) -> tuple[str, str]:
        self.calls.append("enrol")
        e = self.s.hub.enrol(self.city, person)
        return e.fugo, format_view_key(e.view_key)

    def register(self, local_id: str, fugo: str, fukuhon: bytes) -> None:
        self.calls.append("register")
        self.s.a.register(local_id, fukuhon, fugo)


@pytest.fixture
def linked(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = services(tmp_path, Clock(int(time.time())))
    yield s
    s.close()


def test_it_works(linked) -> None:  # type: ignore[no-untyped-def]
    staff, child = helpers.staff(), helpers.child()
    helpers.checkup(child, staff, interview={"harsh_discipline": "ない"})
    transport = CoreTransport(linked)
    assert do_register(child, transport, actor=staff) is True
    link = LinkageRecord.objects.get(child=child)
    assert link.fugo and len(link.view_key) == 52 and link.registered_at is not None and link.last_error == ""
    held = linked.a.read(child.resident_key)
    assert held == fukuhon_of(child)
    assert b"harsh_discipline" not in held and child.name.encode() not in held
    assert AuditEntry.objects.filter(action="health.fukuhon.registered").count() == 1
    entry = AuditEntry.objects.get(action="health.fukuhon.registered")
    assert set(entry.detail) == {"sha256", "bytes"}


def test_it_sends_a_fukuhon_again_only_when_it_changed(linked) -> None:  # type: ignore[no-untyped-def]
    staff, child = helpers.staff(), helpers.child()
    helpers.checkup(child, staff)
    transport = CoreTransport(linked)
    do_register(child, transport)
    assert do_register(child, transport) is False
    assert transport.calls == ["enrol", "register"]  # enrolled once, nothing sent the second time
    helpers.checkup(child, staff, kind="m18", checkup_date=dt.date(2025, 7, 20), height_cm=Decimal("80.0"),
                    weight_kg=Decimal("10.200"))
    assert do_register(child, transport) is True
    assert transport.calls == ["enrol", "register", "register"]
    assert b'"m18"' in linked.a.read(child.resident_key)


def test_a_refusal_is_kept_on_the_childs_record(linked) -> None:  # type: ignore[no-untyped-def]
    staff, child = helpers.staff(), helpers.child()
    helpers.checkup(child, staff)

    class Refusing(CoreTransport):
        def register(self, local_id: str, fugo: str, fukuhon: bytes) -> None:
            raise Refused("forbidden", "この接続からは副本を登録できません (forbidden)")

    with pytest.raises(Refused):
        do_register(child, Refusing(linked))
    link = LinkageRecord.objects.get(child=child)
    assert "forbidden" in link.last_error and link.registered_at is None
    assert do_register(child, CoreTransport(linked)) is True
    link.refresh_from_db()
    assert link.last_error == "" and link.registered_at is not None


def test_one_child_has_one_handle_in_every_city() -> None:
    a = person_handle("シケン ハナ", "2024-01-10", "female")
    assert a == person_handle("シケン　ハナ", "2024-01-10", "female") == person_handle("ｼｹﾝ ﾊﾅ", "2024-01-10", "female")
    assert a != person_handle("シケン ハナ", "2024-01-11", "female")
    assert "シケン" not in a and len(a) == 64
