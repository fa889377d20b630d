"""The demo city's 基幹福祉相談センター: a few dozen synthetic cases across the four domains, at every
stage (受付, アセスメント, 支援中 with tasks due and overdue and follow-ups, 終結).

The path is the real one (the actions the screens call). `worker` is assigned to every case,
`worker2` to every third one, so `worker2` is the unassigned worker of most cases. Idempotent: does
nothing when the centre has cases.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from django.utils import timezone

from yakuba.consult import demo_attach, demo_retain, demo_sharing
from yakuba.site.config import env_int


def run(worker: Any, worker2: Any, chief: Any, progress: Callable[[str], None] = lambda m: None) -> None:
    from yakuba.consult.actions import cases, records
    from yakuba.consult.models import Case
    from yakuba.consult.synthetic import make_cases

    from yakuba.consult import demo_terminal

    if Case.objects.filter(centre_id=worker.organisation_id).exists():
        return demo_terminal.run(worker2, chief, progress)
    count = env_int("YAKUBA_DEMO_CASES", 36)
    progress(f"基幹福祉相談センターのデモ: ケース {count} 件を用意しています")
    now = timezone.now()
    today = timezone.localdate()
    for i, s in enumerate(make_cases(count, today)):
        opened = now - dt.timedelta(days=s.days_ago)
        case = cases.do_open_case(worker, person=s.people[0], domains=s.domains, route=s.route, urgency=s.urgency,
                                  worry=s.worry, received_at=opened)
        for other in s.people[1:]:
            cases.do_add_member(case, worker, other)
        if i % 3 == 1:
            cases.do_assign_worker(case, chief, worker2.pk)
        if s.assessment:
            records.do_assess(case, worker, at=opened + dt.timedelta(days=1), **s.assessment)
        if s.plan:
            plan = records.do_plan(case, worker, summary=s.plan[0], goal=s.plan[1], at=opened + dt.timedelta(days=2))
            goal = plan.goals.get()
            for text, due in s.tasks:
                records.do_add_task(goal, worker, text=text, owner_id=worker.pk, due_on=today + dt.timedelta(days=due))
        for days_ago, method, said, next_step, follow in sorted(s.records, key=lambda r: -r[0]):
            records.do_record(case, worker, method=method, said=said, next_step=next_step,
                              at=max(now - dt.timedelta(days=days_ago), opened + dt.timedelta(hours=1)),
                              follow_up_on=today + dt.timedelta(days=follow) if follow is not None else None)
        if s.close:
            cases.do_close(case, chief, reason=s.close, note="支援の目標を達成し、終結とした")
    demo_sharing.run(worker, chief, progress)
    demo_terminal.run(worker2, chief, progress)  # a break-glass night call waiting for review
    demo_retain.run(worker, worker2, chief, progress)  # corrections, an erased case, a recorded disposal
    demo_attach.run(worker, progress)  # a PDF, a spoken recording (espeak-ng) and an image
