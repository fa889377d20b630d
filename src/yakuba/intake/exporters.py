from yakuba.accounts.roles import Role
from yakuba.exports.building import rows_csv
from yakuba.exports.registry import Exporter, register
from yakuba.intake.models import LIST_FIELDS, Application


def _applications(user, params):  # type: ignore[no-untyped-def]
    return Application.objects.filter(vendor=user.organisation).order_by("receipt_number")


register(Exporter(
    id="intake.applications",
    label="入園申請の一覧(CSV)",
    roles=frozenset({Role.VENDOR_OPERATOR, Role.VENDOR_RESPONSIBLE}),
    fields=[(Application, f) for f in LIST_FIELDS],
    count=lambda user, params: _applications(user, params).count(),
    build=lambda user, params: rows_csv(user, Application, LIST_FIELDS, _applications(user, params)),
    format="csv",
    stem=lambda params: "intake-applications",
))
