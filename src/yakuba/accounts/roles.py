"""Roles (役割). The ids are stable: policy files, `--logins-json` and tests use them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VENDOR_OPERATOR = "vendor_operator", _("委託先オペレーター")
    VENDOR_RESPONSIBLE = "vendor_responsible", _("委託先責任者")
    CITY_STAFF = "city_staff", _("市職員")
    CITY_SUPERVISOR = "city_supervisor", _("市の所属長")
    COUNCIL_MEMBER = "council_member", _("審議会委員")
    CENTER_WORKER = "center_worker", _("相談支援員")
    CENTER_SUPERVISOR = "center_supervisor", _("センター長")
    AGENCY_STAFF = "agency_staff", _("関係機関の職員")
    HEALTH_STAFF = "health_staff", _("健康増進センター職員")
    ADMIN = "admin", _("システム管理者")


ALL_ROLES: frozenset[str] = frozenset(Role.values)
VENDOR_ROLES = frozenset({Role.VENDOR_OPERATOR, Role.VENDOR_RESPONSIBLE})
CITY_ROLES = frozenset({Role.CITY_STAFF, Role.CITY_SUPERVISOR})
#: The 基幹福祉相談センター's own staff (yakuba.consult).
CENTER_ROLES = frozenset({Role.CENTER_WORKER, Role.CENTER_SUPERVISOR})
#: Roles that approve another person's step (exports, rounds, role grants): a supervisor each side.
APPROVER_ROLES = frozenset({Role.VENDOR_RESPONSIBLE, Role.CITY_SUPERVISOR, Role.ADMIN})
#: Who approves a role grant into an organisation of this kind, besides a second administrator.
SUPERVISOR_OF_KIND = {"city_department": Role.CITY_SUPERVISOR, "vendor": Role.VENDOR_RESPONSIBLE,
                      "center": Role.CENTER_SUPERVISOR}
