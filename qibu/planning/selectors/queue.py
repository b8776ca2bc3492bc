"""The approver's queue (SET-1, SET-2): the submitted objectives the person may approve (`okrs.access.approvable_q`)
and may see, oldest first. Three queries whatever the size of the company: the count, the page, and the paths of
the departments the person heads (once per request)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from qibu.cycles.models import Cycle
from qibu.okrs.access import approvable_q, visible_objectives_q
from qibu.okrs.models import Approval, Objective
from qibu.org.models import Organisation, Person

QUEUE_PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueItem:
    objective: Objective
    waiting: dt.timedelta | None  # since it was submitted

    @property
    def waiting_days(self) -> int | None:
        return self.waiting.days if self.waiting is not None else None


def queue_objectives(viewer: Person, organisation: Organisation) -> QuerySet[Objective]:
    """The submitted objectives `viewer` may approve and see, oldest submission first."""
    return (
        Objective.objects.filter(
            visible_objectives_q(viewer),
            approvable_q(viewer, ceo_id=organisation.ceo_id),
            approval=Approval.SUBMITTED,
        )
        .select_related("owner", "department", "team", "cycle")
        .order_by(F("submitted_at").asc(nulls_last=True), "id")
    )


@dataclass(frozen=True)
class QueueCount:
    total: int
    in_cycle: int
    oldest: dt.datetime | None


def queue_count(viewer: Person, organisation: Organisation, cycle: Cycle | None = None) -> QueueCount:
    """How many objectives wait for the viewer's decision, in every cycle and in `cycle`, and the oldest
    submission: one query, for the navigation of the planning pages and the board's "you"."""
    in_cycle = Q(cycle_id=cycle.pk) if cycle is not None else Q(pk__in=[])
    row = (
        queue_objectives(viewer, organisation)
        .order_by()
        .aggregate(total=Count("pk"), in_cycle=Count("pk", filter=in_cycle), oldest=Min("submitted_at"))
    )
    return QueueCount(total=row["total"] or 0, in_cycle=row["in_cycle"] or 0, oldest=row["oldest"])


@dataclass(frozen=True)
class Queue:
    page: Page[Any]
    items: list[QueueItem]


def approval_queue(
    *, viewer: Person, organisation: Organisation, page: Any = 1, now: dt.datetime | None = None
) -> Queue:
    """One page of the viewer's queue, each with how long it has waited."""
    now = now or timezone.now()
    found = Paginator(queue_objectives(viewer, organisation), QUEUE_PAGE_SIZE).get_page(page)
    items = [QueueItem(o, now - o.submitted_at if o.submitted_at else None) for o in found.object_list]
    return Queue(page=found, items=items)
