"""The council's condition: only the vendor's 責任者 handles names and addresses."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from yakuba.accounts.roles import Role
from yakuba.audit.models import AuditEntry
from yakuba.privacy.masking import MASK


def _client(role: str) -> Client:
    c = Client()
    c.force_login(factories.user(role))
    return c


@pytest.mark.django_db
@pytest.mark.smoke
def test_an_operator_never_receives_names_or_addresses() -> None:
    vendor = factories.org("vendor-entry")
    apps = [factories.application(vendor, n) for n in range(1, 4)]
    client = _client(Role.VENDOR_OPERATOR)
    pages = [client.get("/intake/").content.decode()] + [client.get(f"/intake/{a.pk}/").content.decode() for a in apps]
    for page in pages:
        assert MASK in page
        for a in apps:
            for secret in (a.child_name, a.guardian_name, a.address, a.child_kana, a.phone):
                assert secret not in page
    assert "就労(フルタイム)" in pages[0]  # what an operator needs is still there
    assert "入力中" in pages[0]  # choices show their labels, not their stored codes


@pytest.mark.django_db
def test_the_responsible_person_sees_them_and_the_reveal_is_logged() -> None:
    vendor = factories.org("vendor-entry")
    app = factories.application(vendor)
    client = _client(Role.VENDOR_RESPONSIBLE)
    page = client.get(f"/intake/{app.pk}/").content.decode()
    assert app.child_name in page and app.address in page
    entry = AuditEntry.objects.filter(action="personal.read").latest("seq")
    assert entry.target_id == str(app.pk)
    assert {"name", "address"} <= set(entry.categories)
    assert app.child_name not in str(entry.chain_fields())


@pytest.mark.django_db
def test_an_operator_reading_masked_fields_logs_no_name_category() -> None:
    vendor = factories.org("vendor-entry")
    app = factories.application(vendor)
    _client(Role.VENDOR_OPERATOR).get(f"/intake/{app.pk}/")
    entry = AuditEntry.objects.filter(action="personal.read").latest("seq")
    assert "name" not in entry.categories and "address" not in entry.categories


@pytest.mark.django_db
def test_another_vendor_cannot_open_the_record() -> None:
    from yakuba.accounts.models import Organisation

    app = factories.application(factories.org("vendor-entry"))
    other = Organisation.objects.create(code="vendor-other", name="別の委託先", kind=Organisation.Kind.VENDOR)
    client = Client()
    client.force_login(factories.user(Role.VENDOR_RESPONSIBLE, username="other-resp", org_code=other.code))
    assert client.get(f"/intake/{app.pk}/").status_code == 404


@pytest.mark.django_db
def test_an_operators_form_neither_shows_nor_accepts_names() -> None:
    vendor = factories.org("vendor-entry")
    app = factories.application(vendor)
    client = _client(Role.VENDOR_OPERATOR)
    page = client.get(f"/intake/{app.pk}/edit/").content.decode()
    assert app.child_name not in page and app.address not in page and 'name="child_name"' not in page
    assert 'name="need_reason"' in page

    response = client.post(f"/intake/{app.pk}/edit/", {
        "child_name": "書き換え 太郎", "address": "書き換え市", "child_birth_date": "2023-05-01",
        "need_reason": "出産", "base_points": "12",
    })
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.need_reason == "出産" and app.base_points == 12
    assert app.child_name == "試験 太郎1" and app.address == "架空市本町1-1-1"
    change = AuditEntry.objects.filter(action="personal.change").latest("seq")
    assert sorted(change.detail["fields"]) == ["base_points", "need_reason"]
    assert "出産" not in str(change.chain_fields())


@pytest.mark.django_db
def test_the_responsible_person_can_correct_a_name() -> None:
    app = factories.application(factories.org("vendor-entry"))
    client = _client(Role.VENDOR_RESPONSIBLE)
    data = {f: getattr(app, f) for f in ("child_name", "child_kana", "guardian_name", "postal_code", "address", "phone", "need_reason", "base_points")}
    data.update(child_birth_date="2023-05-01", child_name="試験 次郎")
    assert client.post(f"/intake/{app.pk}/edit/", data).status_code == 302
    app.refresh_from_db()
    assert app.child_name == "試験 次郎"
    assert "name" in AuditEntry.objects.filter(action="personal.change").latest("seq").categories
