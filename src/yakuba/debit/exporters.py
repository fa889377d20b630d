"""The files of 口座振替 that leave through the export step: one 不能通知 (at the counter), the
不能通知 print run (routine, monthly) and a run as ISO 20022 pain.008."""

from typing import Any

from yakuba.accounts.roles import Role
from yakuba.debit.actions import notices, pain008
from yakuba.debit.config import ORGANISATION
from yakuba.debit.models import Customer, DebitItem, DebitRun, FailureNotice, Mandate
from yakuba.exports.registry import Exporter, param_object, register

ROLES = frozenset({Role.CITY_STAFF, Role.CITY_SUPERVISOR})
DEPARTMENTS = frozenset({ORGANISATION})
LETTER_FIELDS = [(Customer, f) for f in ("number", "name", "postal_code", "address")]


def _batch(params: dict) -> list[FailureNotice]:
    ids = [int(i) for i in params.get("ids", [])]
    return list(FailureNotice.objects.filter(pk__in=ids).select_related("item__bill__customer", "item__run").order_by("pk"))


def _print(user: Any, params: dict) -> bytes:
    return notices.do_print_notices(_batch(params), user)


def _unprint(params: dict) -> None:
    """A print run that was rejected or never downloaded: its letters are to print again."""
    FailureNotice.objects.filter(pk__in=[int(i) for i in params.get("ids", [])]).update(printed_at=None)


def _one(params: dict) -> FailureNotice:
    return param_object(FailureNotice, params, "notice",
                        FailureNotice.objects.select_related("item__bill__customer", "item__run"))


def _run(params: dict) -> DebitRun:
    return param_object(DebitRun, params, "run")


register(Exporter(
    id="debit.notice", label="口座振替不能通知(1件)", roles=ROLES, departments=DEPARTMENTS,
    fields=LETTER_FIELDS, format="pdf",
    count=lambda user, params: 1 if _one(params) else 0,
    build=lambda user, params: notices.do_notice_pdf(_one(params), user),
    stem=lambda params: f"notice-{params['notice']}",
))
register(Exporter(
    id="debit.notices", label="口座振替不能通知(一括印刷)", roles=ROLES, departments=DEPARTMENTS,
    fields=LETTER_FIELDS, format="pdf",
    count=lambda user, params: len(_batch(params)), build=_print, dropped=_unprint,
    stem=lambda params: "notices",
))
register(Exporter(
    id="debit.pain008", label="振替データ(ISO 20022 pain.008)", roles=frozenset({Role.CITY_SUPERVISOR}),
    departments=DEPARTMENTS, format="xml",
    fields=[(Mandate, "account_number"), (Mandate, "holder_kana"), (DebitItem, "customer_number")],
    count=lambda user, params: _run(params).items.count(),
    build=lambda user, params: pain008.do_export_pain008(_run(params), user),
    stem=lambda params: pain008.filename(_run(params)).removesuffix(".xml"),
))
