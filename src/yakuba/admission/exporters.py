"""The files of 利用調整 that leave through the export step: the results CSV for the core system,
the 承諾/保留通知 in batch, and one child's notice (at the counter: not bulk)."""

from typing import Any

from yakuba.accounts.roles import Role
from yakuba.admission.actions.notices import do_export_results, do_print_notices, results_for_print
from yakuba.admission.config import ORGANISATION
from yakuba.admission.forms import NoticesForm
from yakuba.admission.models import Application, Resident, Result, Round
from yakuba.exports.registry import Exporter, param_object, register

ROLES = frozenset({Role.CITY_STAFF, Role.CITY_SUPERVISOR})
DEPARTMENTS = frozenset({ORGANISATION})
LETTER_FIELDS = [(Application, f) for f in ("receipt_number", "child_name", "child_birth", "guardian1_name",
                                            "postal_code", "address")] + [(Result, "breakdown")]


def _round(params: dict) -> Round:
    return param_object(Round, params, "round")


def _letters(params: dict) -> list[Result]:
    return results_for_print(_round(params), waiting=NoticesForm.KINDS.get(params.get("kind") or ""))


def _one(params: dict) -> Result:
    return param_object(Result, params, "result", Result.objects.select_related("round", "application"))


def _printing(letters: list[Result], user: Any, params: dict) -> bytes:
    """The letters as one PDF; the ones it marks printed are kept in ``params["marked"]`` so that a
    file never delivered (rejected, expired) gives them back to be printed again (``_unprint``)."""
    params["marked"] = [r.pk for r in letters if r.printed_at is None]
    return do_print_notices(letters, user)


def _unprint(params: dict) -> None:
    """Letters of a file that was rejected or never downloaded: not printed after all."""
    Result.objects.filter(pk__in=[int(i) for i in params.get("marked", [])]).update(printed_at=None)


register(Exporter(
    id="admission.results", label="利用調整の結果データ(CSV)", roles=ROLES, departments=DEPARTMENTS,
    fields=[(Resident, "atena_number")], format="csv",
    count=lambda user, params: _round(params).results.count(),
    build=lambda user, params: do_export_results(_round(params), user),
    stem=lambda params: f"admission-results-{params['round']}",
))
register(Exporter(
    id="admission.notices", label="承諾通知・保留通知(一括印刷)", roles=ROLES, departments=DEPARTMENTS,
    fields=LETTER_FIELDS, format="pdf",
    count=lambda user, params: len(_letters(params)),
    build=lambda user, params: _printing(_letters(params), user, params), dropped=_unprint,
    stem=lambda params: f"notices-{params['round']}-{params.get('kind') or 'all'}",
))
register(Exporter(
    id="admission.notice", label="承諾通知・保留通知(1件)", roles=ROLES, departments=DEPARTMENTS,
    fields=LETTER_FIELDS, format="pdf",
    count=lambda user, params: 1 if _one(params) else 0,
    build=lambda user, params: _printing([_one(params)], user, params), dropped=_unprint,
    stem=lambda params: f"notice-{params['result']}",
))
