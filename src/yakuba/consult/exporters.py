"""The file a disclosure leaves as (提供ファイル), through the one export step: it always waits for
the センター長's approval, is watermarked, kept encrypted in the vault and delivered once."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from yakuba.accounts.roles import Role
from yakuba.consult import package_format
from yakuba.consult.actions.sharing import PACKAGE_KIND, check_sharer
from yakuba.consult.errors import ConsultError
from yakuba.consult.models import Assessment, Disclosure, Intake, Person, SupportPlan
from yakuba.consult.sharing_rules import SHAREABLE, STATUTES
from yakuba.exports.errors import ExportRefused
from yakuba.exports.registry import Exporter, param_object, register
from yakuba.keyring import get_keyring

MODELS = {"person": Person, "intake": Intake, "assessment": Assessment, "plan": SupportPlan}


def _disclosure(user: Any, params: dict) -> Disclosure:
    d = param_object(Disclosure, params, "disclosure", Disclosure.objects.select_related("case", "organisation"))
    if d.form != Disclosure.Form.PACKAGE or d.revoked_at is not None:
        raise ExportRefused(gettext("この提供はファイルとして出力できません(取り消し済みか、閲覧による提供です)。"))
    try:
        check_sharer(d.case, user)
    except ConsultError as exc:
        raise ExportRefused(str(exc)) from None
    return d


def _legal_basis(d: Disclosure) -> str:
    if d.basis == Disclosure.Basis.CONSENT:
        return f"本人の同意(同意 {d.consent_id})"
    if d.basis == Disclosure.Basis.MEETING:
        return f"支援会議 {d.meeting_id}(社会福祉法第106条の6)"
    return STATUTES.get(d.statute, d.statute)


def build(user: Any, params: dict) -> bytes:
    d = _disclosure(user, params)
    body = {"disclosure": d.pk, "case": d.case.number, "sender": d.case.centre.code, "recipient": d.organisation.code,
            "basis": d.basis, "legal_basis": _legal_basis(d),
            "created_at": timezone.localtime(d.created_at).isoformat(timespec="seconds"),
            "fields": {k: d.content.get(k, "") for k in d.fields}}
    return package_format.build(body, {k: SHAREABLE[k].label for k in d.fields}, get_keyring().signing_key())


register(Exporter(
    id=PACKAGE_KIND, label="関係機関への提供ファイル(署名付き)",
    roles=frozenset({Role.CENTER_WORKER, Role.CENTER_SUPERVISOR}),
    fields=[(MODELS[s.source], s.field) for s in SHAREABLE.values()], format="xml",
    count=lambda user, params: 1 if _disclosure(user, params) else 0, build=build,
    stem=lambda params: f"disclosure-{params['disclosure']}", needs_approval=True,
))

from yakuba.consult import exporters_attachments  # noqa: E402,F401  (the attachments' exporters)
