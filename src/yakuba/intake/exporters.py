from yakuba.accounts.roles import Role
from yakuba.exports.registry import Exporter, register
from yakuba.intake.models import LIST_FIELDS, Application

register(Exporter(
    id="intake.applications",
    label="入園申請の一覧(CSV)",
    roles=frozenset({Role.VENDOR_OPERATOR, Role.VENDOR_RESPONSIBLE}),
    model=Application,
    fields=LIST_FIELDS,
    rows=lambda user, params: Application.objects.filter(vendor=user.organisation).order_by("receipt_number"),
))
