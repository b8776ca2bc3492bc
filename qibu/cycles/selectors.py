"""Reads on cycles: the current one, and the one a page works on."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from qibu.cycles.models import Cycle, CycleKind


def cycle_list() -> QuerySet[Cycle]:
    return Cycle.objects.exclude(kind=CycleKind.MONTH).order_by("-start", "kind")


def cycle_current(*, kind: str = CycleKind.QUARTER, today: dt.date | None = None) -> Cycle | None:
    """The cycle of this kind running today; else the latest one that started; else the next one."""
    today = today or timezone.localdate()
    cycles = Cycle.objects.filter(kind=kind)
    return (
        cycles.filter(start__lte=today, end__gte=today).order_by("-start").first()
        or cycles.filter(start__lte=today).order_by("-start").first()
        or cycles.order_by("start").first()
    )


def cycle_for_request(cycle_id: str | int | None) -> Cycle | None:
    """The cycle named in the query string (`?cycle=`), else the current quarter."""
    if cycle_id:
        try:
            found = Cycle.objects.filter(pk=int(cycle_id)).first()
        except (TypeError, ValueError):
            found = None
        if found is not None:
            return found
    return cycle_current() or cycle_current(kind=CycleKind.ANNUAL) or Cycle.objects.order_by("-start").first()
