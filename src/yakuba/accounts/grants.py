"""Every change to a user is an audit entry, and a role with access to personal data waits.

The hooks sit on the model (pre_save/post_save/post_delete of `User`), so the Django admin, the
shell, `createsuperuser` and any command are covered alike:

- created, role or organisation changed, password set, activated/deactivated, staff flags,
  deleted: one audit entry each (ids and role ids only; never a password or a hash);
- a change that would give a role needing a second person (`sensitive.needs_second_person`) —
  a new user with it, a raise, a move to another organisation — is held: the user keeps its
  previous role and organisation and a pending `RoleGrant` is recorded
  (`actions/grants.py` decides it).

Two ways round the wait, each audited as such: the very first administrator of an installation
(nobody could approve yet: ``bootstrap``), and `without_second_person(reason)` for the demo city
and the test fixtures, which make their own users in code.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Iterator

from yakuba.accounts.acting import current_request
from yakuba.accounts.models import Organisation, RoleGrant, User
from yakuba.accounts.roles import Role
from yakuba.accounts.sensitive import needs_second_person
from yakuba.audit.log import record

#: Why the wait does not apply to the saves made now: "grant N" (an approved grant) or a reason.
_bypass: ContextVar[str | None] = ContextVar("yakuba_grant_bypass", default=None)


@contextmanager
def without_second_person(reason: str) -> Iterator[None]:
    """Roles given in this block take effect at once (the demo, test fixtures); each is audited
    with `reason`."""
    token = _bypass.set(reason)
    try:
        yield
    finally:
        _bypass.reset(token)


@contextmanager
def applying(grant: RoleGrant) -> Iterator[None]:
    """The saves of an approved grant: in force, audited with the grant's id."""
    token = _bypass.set(f"grant {grant.pk}")
    try:
        yield
    finally:
        _bypass.reset(token)


@dataclass(frozen=True)
class Before:
    role: str
    organisation_id: int | None
    password: str
    is_active: bool
    is_staff: bool
    is_superuser: bool


def _before(user: User) -> Before | None:
    if user.pk is None:
        return None
    row = User.objects.filter(pk=user.pk).values(
        "role", "organisation_id", "password", "is_active", "is_staff", "is_superuser").first()
    return Before(**row) if row else None


def _org_code(org_id: int | None) -> str:
    if org_id is None:
        return ""
    return Organisation.objects.filter(pk=org_id).values_list("code", flat=True).first() or ""


def _how() -> dict[str, str]:
    return {"via": "web" if current_request() is not None else "shell"}


def _nobody_could_approve(user: User) -> bool:
    return user.role == Role.ADMIN and not User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk).exists()


def hold(sender: Any, instance: User, raw: bool = False, **kwargs: Any) -> None:
    """pre_save: remember the row as it was; hold a grant that needs a second person."""
    if raw:
        return
    before = _before(instance)
    instance._yakuba_before = before  # type: ignore[attr-defined]
    had = (before.role, before.organisation_id) if before else ("", None)
    wants = (instance.role or "", instance.organisation_id)
    if wants == had or not needs_second_person(instance.role):
        return
    bypass = _bypass.get()
    if bypass is not None:
        approved = bypass.startswith("grant ")
        instance._yakuba_grant = f"approved {bypass}" if approved else f"direct: {bypass}"  # type: ignore[attr-defined]
        return
    if _nobody_could_approve(instance):
        instance._yakuba_grant = "bootstrap"  # type: ignore[attr-defined]
        return
    instance._yakuba_held = wants  # type: ignore[attr-defined]
    instance.role, instance.organisation_id = had


def audit(sender: Any, instance: User, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """post_save: one entry per kind of change; the pending grant of a held one."""
    if raw:
        return
    before: Before | None = instance.__dict__.pop("_yakuba_before", None)
    second = instance.__dict__.pop("_yakuba_grant", "not needed")
    held = instance.__dict__.pop("_yakuba_held", None)
    request = current_request()
    base = {"user_id": instance.pk, **_how()}
    if created or before is None:
        record("account.created", request=request, target=instance,
               detail={**base, "role": instance.role or "", "organisation": _org_code(instance.organisation_id),
                       "second_person": second if instance.role else "not needed"})
    else:
        if (before.role, before.organisation_id) != (instance.role or "", instance.organisation_id):
            record("account.role_changed", request=request, target=instance, detail={
                **base, "from_role": before.role, "to_role": instance.role or "",
                "from_organisation": _org_code(before.organisation_id),
                "to_organisation": _org_code(instance.organisation_id), "second_person": second})
        if before.password != instance.password and getattr(instance, "_password", None) is not None:
            record("account.password_changed", request=request, target=instance, detail=base)
        if before.is_active != instance.is_active:
            record("account.activated" if instance.is_active else "account.deactivated",
                   request=request, target=instance, detail=base)
        if (before.is_staff, before.is_superuser) != (instance.is_staff, instance.is_superuser):
            record("account.flags_changed", request=request, target=instance,
                   detail={**base, "is_staff": instance.is_staff, "is_superuser": instance.is_superuser})
    if held is not None:
        _request_grant(instance, held, before, request)


def _request_grant(user: User, wanted: tuple[str, int | None], before: Before | None, request: Any) -> None:
    role, org_id = wanted
    asker = getattr(request, "user", None) if request is not None else None
    asker = asker if getattr(asker, "is_authenticated", False) else None
    for old in RoleGrant.objects.filter(user=user, status=RoleGrant.Status.PENDING):
        old.status = RoleGrant.Status.WITHDRAWN
        old.save(update_fields=["status"])
        record("account.grant.withdrawn", request=request, target=old, detail={"user_id": user.pk, "grant_id": old.pk})
    grant = RoleGrant.objects.create(user=user, role=role, organisation_id=org_id,
                                     previous_role=before.role if before else "", requested_by=asker)
    record("account.grant.requested", request=request, target=grant, detail={
        "user_id": user.pk, "grant_id": grant.pk, "role": role, "organisation": _org_code(org_id),
        "previous_role": grant.previous_role, **_how()})


def deleted(sender: Any, instance: User, **kwargs: Any) -> None:
    record("account.deleted", request=current_request(), target_type="accounts.user", target_id=instance.pk,
           detail={"user_id": instance.pk, "role": instance.role or "", **_how()})


def connect() -> None:
    from django.db.models.signals import post_delete, post_save, pre_save

    pre_save.connect(hold, sender=User, dispatch_uid="yakuba.accounts.grants.hold")
    post_save.connect(audit, sender=User, dispatch_uid="yakuba.accounts.grants.audit")
    post_delete.connect(deleted, sender=User, dispatch_uid="yakuba.accounts.grants.deleted")
