"""The family's page: staff print a letter with a one-time code; the code opens the page once (then it is
spent); the page lists every entry of the hub's log that is the child's — the query and the 提供 — each
with its inclusion proof checked against the signed checkpoint, and the child's own records. A tampered
tile makes the page say the log does not verify instead of listing entries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.health import helpers, linkage_kit
from tests.health.test_it_asks_the_former_city_for_a_childs_checkups import moved
from yakuba.audit.models import AuditEntry
from yakuba.health.models import FamilyCode

pytestmark = pytest.mark.django_db


def letter(client: Client, child) -> str:  # type: ignore[no-untyped-def]
    page = client.post(f"/health/children/{child.pk}/family-letter/").content.decode()
    return re.search(r'data-testid="family-code">([A-Z0-9-]+)<', page).group(1)  # type: ignore[union-attr]


def test_it_works(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    s, child, _ = moved(tmp_path)
    linkage_kit.use(monkeypatch, linkage_kit.InProcess(s))
    user = helpers.staff()
    helpers.checkup(child, user)
    staff = Client()
    staff.force_login(user)
    staff.post(f"/health/children/{child.pk}/ask/", {"provider": "city-a", "kind": "y3"})
    code = letter(staff, child)
    assert FamilyCode.objects.get(child=child).code_sha256 not in code and len(code) == 19

    family = Client()
    response = family.post("/family/", {"code": code.lower().replace("-", " ")})
    assert response.status_code == 302 and response["Location"] == "/family/records/"
    page = family.get("/family/records/").content.decode()
    rows = re.findall(r'data-entry="(\d+)" data-type="(\w+)"', page)
    assert rows == [("0", "query"), ("1", "provide")]
    assert "公開されている記録 2 件のすべてを読み" in page and "A市（サンプル）" in page
    assert "包含証明(確認済み)" in page and "yakuba linkage verify --log" in page
    assert "令和6年5月20日" in page and "94.8cm" in page  # its own 3〜4か月 record, and the one received
    read = AuditEntry.objects.filter(action="health.family.read").get()
    assert set(read.categories) >= {"health", "name"} and read.detail["log_entries"] == [0, 1]

    again = Client().post("/family/", {"code": code})
    assert again.status_code == 200 and "このコードは使えません" in again.content.decode()
    assert AuditEntry.objects.get(action="health.family.code_refused").detail == {"why": "used"}
    s.close()


def test_without_a_code_the_page_is_closed(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    response = Client().get("/family/records/")
    assert response.status_code == 302 and response["Location"] == "/family/"
    response = Client().post("/family/", {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert "このコードは使えません" in response.content.decode()


def test_a_tampered_log_does_not_verify(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    s, child, _ = moved(tmp_path)
    transport = linkage_kit.use(monkeypatch, linkage_kit.InProcess(s))
    staff = Client()
    staff.force_login(helpers.staff())
    staff.post(f"/health/children/{child.pk}/ask/", {"provider": "city-a", "kind": "y3"})
    code = letter(staff, child)
    real = transport.log_file

    def tampered(path: str) -> bytes | None:
        data = real(path)
        if data is not None and path.startswith("tile/entries/"):
            data = data[:-1] + bytes([data[-1] ^ 1])
        return data

    monkeypatch.setattr(transport, "log_file", tampered)
    family = Client()
    family.post("/family/", {"code": code})
    page = family.get("/family/records/").content.decode()
    assert 'data-testid="log-error"' in page and "data-entry=" not in page
    s.close()
