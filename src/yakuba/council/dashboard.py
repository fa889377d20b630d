"""The council members' dashboard: what the audit log says, per system and per outside organisation
(委託先, センター, 関係機関), over a period. Counts and ids only, never a personal value; read-only."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from yakuba.audit.names import action_label, system_label, system_of

__all__ = ["Dashboard", "build"]

ERASED = ("erased", "expired")
OUTSIDE_KINDS = ("vendor", "center", "agency")


@dataclass
class SystemRow:
    code: str
    label: str
    reads: Counter[str] = field(default_factory=Counter)  # role label → reads that showed personal data
    refusals: int = 0
    erasures: int = 0
    exports: int = 0

    @property
    def total_reads(self) -> int:
        return sum(self.reads.values())

    @property
    def reads_by_role(self) -> list[tuple[str, int]]:
        """(role, reads), most first (a list: templates look a Counter's "items" up as a key)."""
        return self.reads.most_common()


@dataclass
class Dashboard:
    since: dt.date
    until: dt.date
    systems: list[SystemRow]
    outside: list[dict[str, Any]]
    exports: list[dict[str, Any]]
    break_glass: dict[str, int]
    overdue_corrections: int
    chain: dict[str, Any] | None


def build(since: dt.date, until: dt.date) -> Dashboard:
    from django.utils import timezone

    from yakuba.accounts.models import Organisation
    from yakuba.accounts.roles import Role
    from yakuba.audit.models import AuditEntry
    from yakuba.jobs.models import Job

    start = timezone.make_aware(dt.datetime.combine(since, dt.time()))
    end = timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    roles = dict(Role.choices)
    orgs = {o.code: o for o in Organisation.objects.all()}
    systems: dict[str, SystemRow] = {}
    outside: dict[str, Counter[str]] = defaultdict(Counter)
    exports: list[dict[str, Any]] = []
    glass: Counter[str] = Counter()
    overdue = 0
    entries = AuditEntry.objects.filter(at__gte=start, at__lt=end).order_by("seq").values_list(
        "seq", "action", "actor_id", "actor_role", "organisation", "categories", "target_id")
    for seq, action, actor, role, org, categories, target in entries.iterator(chunk_size=5000):
        code = system_of(action)
        row = systems.setdefault(code, SystemRow(code, system_label(code)))
        if categories:
            row.reads[str(roles.get(role, role or "—"))] += 1
        if action.endswith(".refused") or action == "access.denied" or action.endswith("_refused"):
            row.refusals += 1
        if action.split(".")[-1] in ERASED:
            row.erasures += 1
        if action in ("export.built", "export.approved", "export.routine.approved"):
            row.exports += 1
            exports.append({"seq": seq, "action": action_label(action), "actor": actor, "role": roles.get(role, role),
                            "export": target})
        if action.startswith("consult.break_glass."):
            glass[action.rsplit(".", 1)[1]] += 1
        if action == "consult.correction.escalated":
            overdue += 1
        organisation = orgs.get(org)
        if organisation is not None and organisation.kind in OUTSIDE_KINDS:
            outside[org]["entries"] += 1
            if categories:
                outside[org]["reads"] += 1
            if action.endswith(("refused", "denied")):
                outside[org]["refusals"] += 1
    last = Job.objects.filter(kind="audit.verify", status=Job.Status.DONE).order_by("-finished_at").first()
    chain = dict(last.result, finished_at=last.finished_at) if last and isinstance(last.result, dict) else None
    return Dashboard(
        since, until, sorted(systems.values(), key=lambda r: r.label),
        [{"name": orgs[c].name, "kind": orgs[c].get_kind_display(), **dict(counts)}
         for c, counts in sorted(outside.items())],
        exports[-50:], {"opened": glass["opened"], "confirmed": glass["confirmed"], "incident": glass["incident"]},
        overdue, chain)
