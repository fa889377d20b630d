"""Deciding a role grant (`RoleGrant`): a second administrator or the organisation's supervisor.

- `pending_for(user)`: the grants this user may see on the grants screen (admins: all; a
  supervisor: those into their own organisation).
- `check_decide(grant, user)`: pending, and this user may decide it: an administrator, or the
  supervisor of the grant's organisation (city: 所属長; vendor: 責任者) — never the one who asked,
  nor the user the role is for.
- `do_approve` puts the role and organisation in force; `do_refuse` leaves the user as it was.
  Each is an audit entry (the change of role itself is one more, from the model's hooks).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from yakuba.accounts.errors import AccountsError
from yakuba.accounts.grants import applying
from yakuba.accounts.models import RoleGrant
from yakuba.accounts.roles import SUPERVISOR_OF_KIND, Role
from yakuba.audit.log import record


def _supervises(user: Any, grant: RoleGrant) -> bool:
    org = grant.organisation
    return (org is not None and user.organisation_id == org.pk
            and SUPERVISOR_OF_KIND.get(org.kind) == user.role)


def pending_for(user: Any) -> QuerySet[RoleGrant]:
    grants = RoleGrant.objects.filter(status=RoleGrant.Status.PENDING).select_related("user", "organisation", "requested_by")
    if user.role == Role.ADMIN:
        return grants
    if user.role in SUPERVISOR_OF_KIND.values() and user.organisation_id:
        return grants.filter(organisation_id=user.organisation_id)
    return grants.none()


def may_decide(grant: RoleGrant, user: Any) -> bool:
    return (grant.requested_by_id != user.pk and grant.user_id != user.pk
            and (user.role == Role.ADMIN or _supervises(user, grant)))


def check_decide(grant: RoleGrant, user: Any) -> None:
    if grant.status != RoleGrant.Status.PENDING:
        raise AccountsError("この申請はすでに決定済みです。", where=f"grant {grant.pk}")
    if grant.requested_by_id == user.pk:
        raise AccountsError("ご自身が申請した役割の付与は承認できません。別の管理者か所属長が承認します。",
                            where=f"grant {grant.pk}")
    if grant.user_id == user.pk:
        raise AccountsError("ご自身への役割の付与は承認できません。", where=f"grant {grant.pk}")
    if not may_decide(grant, user):
        raise AccountsError("この申請を決定できるのは、別の管理者かその組織の所属長(責任者)です。",
                            where=f"grant {grant.pk}")


def _decided(grant: RoleGrant, user: Any, status: str) -> None:
    grant.status, grant.decided_by, grant.decided_at = status, user, timezone.now()
    grant.save(update_fields=["status", "decided_by", "decided_at"])


def do_approve(grant_id: int, user: Any, *, request: Any = None) -> RoleGrant:
    with transaction.atomic():
        grant = RoleGrant.objects.select_for_update().get(pk=grant_id)
        check_decide(grant, user)
        _decided(grant, user, RoleGrant.Status.APPROVED)
        record("account.grant.approved", request=request, actor=user, target=grant, detail={
            "grant_id": grant.pk, "user_id": grant.user_id, "role": grant.role,
            "organisation": grant.organisation.code if grant.organisation else "",
            "requested_by": grant.requested_by_id})
        target = grant.user
        target.role, target.organisation = grant.role, grant.organisation
        with applying(grant):
            target.save(update_fields=["role", "organisation"])
    return grant


def do_refuse(grant_id: int, user: Any, *, request: Any = None) -> RoleGrant:
    with transaction.atomic():
        grant = RoleGrant.objects.select_for_update().get(pk=grant_id)
        check_decide(grant, user)
        _decided(grant, user, RoleGrant.Status.REFUSED)
        record("account.grant.refused", request=request, actor=user, target=grant,
               detail={"grant_id": grant.pk, "user_id": grant.user_id, "role": grant.role})
    return grant
