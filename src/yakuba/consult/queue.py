"""The staff queue (作業一覧): my cases, due tasks, new intakes, overdue follow-ups.

    q = queue_for(user, today)   # querysets; the view reveals their declared fields
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from yakuba.consult.access import centre_cases, readable_cases
from yakuba.consult.models import Case, ConsultationRecord, InformationRequest, Task

DUE_DAYS = 7
"""A task is due when its date is within this many days (overdue when past)."""


@dataclass
class Queue:
    my_cases: QuerySet[Case]
    due_tasks: QuerySet[Task]
    overdue_tasks: QuerySet[Task]
    new_intakes: QuerySet[Case]
    overdue_follow_ups: QuerySet[ConsultationRecord]
    overdue_requests: QuerySet[InformationRequest]
    """照会 still unanswered past their due date, of the cases this user may read."""


def queue_for(user: Any, today: dt.date) -> Queue:
    mine = centre_cases(user).filter(workers=user).exclude(status=Case.Status.CLOSED)
    open_tasks = Task.objects.filter(owner=user, done_on__isnull=True, goal__plan__case__in=readable_cases(user)) \
        .exclude(goal__plan__case__status=Case.Status.CLOSED).select_related("goal__plan__case")
    later = ConsultationRecord.objects.filter(case=OuterRef("case"), at__gt=OuterRef("at"))
    follow_ups = (ConsultationRecord.objects.filter(case__in=mine, follow_up_on__lt=today)
                  .exclude(Exists(later)).select_related("case").order_by("follow_up_on", "pk"))
    return Queue(
        my_cases=mine.order_by("-opened_on", "-pk"),
        due_tasks=open_tasks.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=DUE_DAYS)).order_by("due_on", "pk"),
        overdue_tasks=open_tasks.filter(due_on__lt=today).order_by("due_on", "pk"),
        new_intakes=centre_cases(user).filter(status=Case.Status.INTAKE).select_related("intake")
        .order_by("-intake__received_at", "-pk"),
        overdue_follow_ups=follow_ups,
        overdue_requests=InformationRequest.objects.filter(
            case__in=readable_cases(user), status=InformationRequest.Status.OPEN, due_on__lt=today)
        .select_related("case", "organisation").order_by("due_on", "pk"),
    )
