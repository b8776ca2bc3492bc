"""Reads on cycles: the current one, the one a page works on, and the picker's list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qibu.cycles.models import Cycle, CycleKind


def cycle_list() -> QuerySet[Cycle]:
    """Every cycle, months included, newest first; of cycles starting the same day the longer first (the year,
    then its first quarter, then January)."""
    return Cycle.objects.order_by("-start", "-end", "id")


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


def _current_in(cycles: list[Cycle], today: dt.date) -> Cycle | None:
    """What `cycle_for_request(None)` answers, found in a list read newest first (no query)."""
    for kind in (CycleKind.QUARTER, CycleKind.ANNUAL):
        of_kind = [c for c in cycles if c.kind == kind]
        running = [c for c in of_kind if c.start <= today <= c.end]
        started = [c for c in of_kind if c.start <= today]
        found = running or started or sorted(of_kind, key=lambda c: c.start)
        if found:
            return found[0]
    return cycles[0] if cycles else None


@dataclass
class CycleGroup:
    label: str | Promise
    cycles: list[Cycle]


@dataclass
class CyclePicker:
    """The cycle picker of the report pages: the current cycle first, then every other cycle by kind (quarters,
    years, months, custom and project stages), each kind newest first. `cycles` is every cycle read."""

    current: Cycle | None
    groups: list[CycleGroup] = field(default_factory=list)
    cycles: list[Cycle] = field(default_factory=list)


_GROUPS: list[tuple[tuple[str, ...], str | Promise]] = [
    ((CycleKind.QUARTER,), _("Quarters")),
    ((CycleKind.ANNUAL,), _("Years")),
    ((CycleKind.MONTH,), _("Months")),
    ((CycleKind.CUSTOM, CycleKind.PROJECT_STAGE), _("Custom cycles and project stages")),
]


def cycle_picker(*, today: dt.date | None = None) -> CyclePicker:
    """Every cycle for the picker, in one query (with their parents, so that a page finds a cycle's year)."""
    cycles = list(cycle_list().select_related("parent"))
    current = _current_in(cycles, today or timezone.localdate())
    others = [c for c in cycles if c is not current]
    groups = [CycleGroup(label, [c for c in others if c.kind in kinds]) for kinds, label in _GROUPS]
    return CyclePicker(current=current, groups=[g for g in groups if g.cycles], cycles=cycles)


def cycle_objective_count(cycle: Cycle) -> int:
    """How many objectives are set in the cycle itself (what closing it stops), read through the reverse relation:
    objectives live in an app above this one."""
    return int(cycle.objectives.count())
