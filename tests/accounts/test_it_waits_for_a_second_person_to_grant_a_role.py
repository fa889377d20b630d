"""A role with access to personal data, given in the Django admin or the shell, is in force only once
a second administrator or the organisation's supervisor approves it — never the one who asked —
and every step is an entry of the audit chain."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from yakuba.accounts.models import RoleGrant, User
from yakuba.accounts.roles import Role
from yakuba.audit.log import verify
from yakuba.audit.models import AuditEntry

NEW_PASSWORD = "an-unguessable-passphrase-77"


def _create_in_admin(client: Client, username: str, role: str, org_pk: int | None) -> User:
    response = client.post("/admin/accounts/user/add/", {
        "username": username, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true",
        "organisation": org_pk or "", "role": role})
    assert response.status_code == 302, response.content.decode()[:2000]
    return User.objects.get(username=username)


def _actions() -> list[str]:
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


@pytest.mark.django_db
def test_it_works() -> None:
    asker, second = factories.user(Role.ADMIN, "admin-1"), factories.user(Role.ADMIN, "admin-2")
    kodomo = factories.org("kodomo")
    client = Client()
    client.force_login(asker)

    new = _create_in_admin(client, "new-staff", Role.CITY_STAFF, kodomo.pk)
    assert (new.role, new.organisation_id) == ("", None)  # not in force yet
    grant = RoleGrant.objects.get(user=new, status=RoleGrant.Status.PENDING)
    assert (grant.role, grant.organisation_id, grant.requested_by_id) == (Role.CITY_STAFF, kodomo.pk, asker.pk)

    waiting = Client()
    waiting.force_login(new)
    assert waiting.get("/").status_code == 403  # no role: nothing to open

    # The one who asked cannot approve: no button, and a POST is refused.
    page = client.get("/accounts/grants/").content.decode()
    assert f'data-testid="grant-{grant.pk}"' in page and "ご自身の申請" in page
    client.post(f"/accounts/grants/{grant.pk}/", {"decision": "approve"})
    new.refresh_from_db()
    grant.refresh_from_db()
    assert grant.status == RoleGrant.Status.PENDING and new.role == ""

    approver = Client()
    approver.force_login(second)
    assert approver.post(f"/accounts/grants/{grant.pk}/", {"decision": "approve"}).status_code == 302
    new.refresh_from_db()
    assert (new.role, new.organisation_id) == (Role.CITY_STAFF, kodomo.pk)
    grant.refresh_from_db()
    assert grant.status == RoleGrant.Status.APPROVED and grant.decided_by_id == second.pk

    actions = _actions()
    for step in ("account.created", "account.grant.requested", "account.grant.approved", "account.role_changed"):
        assert step in actions, step
    created = AuditEntry.objects.get(action="account.created", target_id=str(new.pk))
    assert created.actor_id == asker.pk
    assert NEW_PASSWORD not in str(list(AuditEntry.objects.values_list("detail", flat=True)))
    assert verify().ok


@pytest.mark.django_db
def test_it_holds_a_raise_made_in_the_shell_until_the_supervisor_approves() -> None:
    member = factories.user(Role.COUNCIL_MEMBER, "member")  # a role without personal data
    supervisor = factories.user(Role.CITY_SUPERVISOR, "chief")
    member.role, member.organisation = Role.CITY_STAFF, factories.org("kodomo")
    member.save()  # the shell: no request, no one to name as the asker
    member.refresh_from_db()
    assert member.role == Role.COUNCIL_MEMBER
    grant = RoleGrant.objects.get(user=member, status=RoleGrant.Status.PENDING)
    assert grant.requested_by_id is None

    client = Client()
    client.force_login(supervisor)
    assert client.post(f"/accounts/grants/{grant.pk}/", {"decision": "approve"}).status_code == 302
    member.refresh_from_db()
    assert member.role == Role.CITY_STAFF
    changed = AuditEntry.objects.filter(action="account.role_changed", target_id=str(member.pk)).latest("seq")
    assert changed.detail["to_role"] == Role.CITY_STAFF and changed.detail["second_person"] == f"approved grant {grant.pk}"


@pytest.mark.django_db
def test_a_supervisor_of_another_organisation_cannot_approve() -> None:
    factories.user(Role.ADMIN, "admin-1")
    vendor_chief = factories.user(Role.VENDOR_RESPONSIBLE, "vendor-chief")
    user = factories.user(Role.COUNCIL_MEMBER, "member")
    user.role, user.organisation = Role.CITY_SUPERVISOR, factories.org("kodomo")
    user.save()
    grant = RoleGrant.objects.get(user=user)
    client = Client()
    client.force_login(vendor_chief)
    assert f'data-testid="grant-{grant.pk}"' not in client.get("/accounts/grants/").content.decode()
    client.post(f"/accounts/grants/{grant.pk}/", {"decision": "approve"})
    grant.refresh_from_db()
    assert grant.status == RoleGrant.Status.PENDING


@pytest.mark.django_db
def test_lowering_a_role_or_deactivating_is_at_once_and_audited() -> None:
    factories.user(Role.ADMIN, "admin-1")
    staff = factories.user(Role.CITY_STAFF, "staff-1")
    staff.role = Role.COUNCIL_MEMBER
    staff.save()
    staff.is_active = False
    staff.set_password("another-long-passphrase-9")
    staff.save()
    staff.refresh_from_db()
    assert staff.role == Role.COUNCIL_MEMBER and not staff.is_active
    actions = _actions()
    assert {"account.role_changed", "account.deactivated", "account.password_changed"} <= set(actions)
    assert not RoleGrant.objects.filter(user=staff).exists()


@pytest.mark.django_db
def test_the_first_administrator_needs_nobody() -> None:
    first = User.objects.create_superuser("root", password=NEW_PASSWORD)
    first.role = Role.ADMIN
    first.save()
    first.refresh_from_db()
    assert first.role == Role.ADMIN
    assert AuditEntry.objects.filter(action="account.role_changed").latest("seq").detail["second_person"] == "bootstrap"
    second = User.objects.create_superuser("root-2", password=NEW_PASSWORD)
    second.role = Role.ADMIN
    second.save()
    second.refresh_from_db()
    assert second.role == "" and RoleGrant.objects.filter(user=second, status="pending").exists()


@pytest.mark.django_db
def test_the_chain_holds_for_the_command() -> None:
    from yakuba.cli import main

    factories.user(Role.ADMIN, "admin-1")
    factories.user(Role.COUNCIL_MEMBER, "member").save()
    assert main(["audit", "verify"]) == 0
