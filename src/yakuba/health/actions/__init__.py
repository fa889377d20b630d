"""What changes in the 健康情報システム, by family: `records` (children, checkups, confirmed warnings) and
`imports` (CSV files). Everything is importable from here."""

from yakuba.health.actions.imports import ImportResult, do_import
from yakuba.health.actions.linkage import do_ask, do_register, ensure_enrolled, fukuhon_of, items_to_ask
from yakuba.health.actions.records import (CHECKUP_FIELDS, CHILD_FIELDS, NeedsConfirmation, check_checkup,
                                           check_health_staff, do_add_child, do_confirm_warnings, do_record_checkup)

__all__ = ["ImportResult", "do_import", "do_ask", "do_register", "ensure_enrolled", "fukuhon_of", "items_to_ask", "CHECKUP_FIELDS", "CHILD_FIELDS", "NeedsConfirmation", "check_checkup",
           "check_health_staff", "do_add_child", "do_confirm_warnings", "do_record_checkup"]
