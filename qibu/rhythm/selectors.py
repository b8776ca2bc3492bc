"""The rhythm's reads: whose schedules are whose, the people a reminder goes to, and what is due soon for a person
(their home page). Each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from qibu.cycles.models import Cycle
from qibu.org.models import Department, Organisation, Person, Role
from qibu.rhythm.models import Absence, Holiday, Schedule, ScheduleKind
from qibu.rhythm.rules import CycleSpan, Rule, cycle_day, occurrences

MANAGEMENT_ROLES = (Role.EXECUTIVE, Role.DEPARTMENT_HEAD)


def rule_of(schedule: Schedule) -> Rule:
    return Rule(
        recurrence=schedule.recurrence,
        weekdays=tuple(int(d) for d in schedule.weekdays or ()),
        at=schedule.time,
        cycle_kind=schedule.cycle_kind,
        day_offset=schedule.day_offset,
    )


def cycle_spans() -> list[CycleSpan]:
    """Every cycle, as the rules read them (one query; a company has a few dozen)."""
    return [
        CycleSpan(id=pk, name=name, kind=kind, start=start, end=end)
        for pk, name, kind, start, end in Cycle.objects.order_by("start", "pk").values_list(
            "pk", "name", "kind", "start", "end"
        )
    ]


def cycle_of(schedule: Schedule, due: dt.datetime, zone: dt.tzinfo, cycles: list[CycleSpan]) -> CycleSpan | None:
    """The cycle a by-cycle schedule's occurrence belongs to."""
    rule = rule_of(schedule)
    day = due.astimezone(zone).date()
    return next((c for c in cycles if c.kind == rule.cycle_kind and cycle_day(rule, c) == day), None)


def management_q() -> Q:
    """The management (EXE-6): executives and department heads by role, and whoever heads a department."""
    return Q(role__in=MANAGEMENT_ROLES) | Q(Exists(Department.objects.filter(head=OuterRef("pk"))))


def schedule_people(schedule: Schedule) -> QuerySet[Person]:
    """The active people a schedule's reminders go to: its team with its lead, its department's members with its
    head (not those of the departments below, which keep their own rhythm), or the management."""
    if schedule.team_id:
        group = Q(team_id=schedule.team_id) | Q(led_teams=schedule.team_id)
    elif schedule.department_id:
        group = Q(department_id=schedule.department_id) | Q(headed_departments=schedule.department_id)
    else:
        group = management_q()
    return Person.objects.filter(group, is_active=True).distinct().order_by("full_name", "username")


def schedules_of(person: Person) -> QuerySet[Schedule]:
    """The active schedules a person follows: their team's, their department's, those of the teams they lead and
    the departments they head, and the management meeting when they are of the management (one query)."""
    mine = Q(team__lead=person) | Q(department__head=person)
    if person.team_id:
        mine |= Q(team_id=person.team_id)
    if person.department_id:
        mine |= Q(department_id=person.department_id)
    management = Q(kind=ScheduleKind.MANAGEMENT_MEETING, team__isnull=True, department__isnull=True)
    if person.role in MANAGEMENT_ROLES:
        mine |= management
    else:
        mine |= management & Q(Exists(Department.objects.filter(head=person)))
    return (
        Schedule.objects.filter(mine, active=True)
        .select_related("team", "department")
        .distinct()
        .order_by("kind", "pk")
    )


def group_name(schedule: Schedule) -> str:
    if schedule.team is not None:
        return schedule.team.name
    if schedule.department is not None:
        return schedule.department.name
    return _("management")


@dataclass(frozen=True)
class DueItem:
    """Something of a person's rhythm that falls due soon, as their home page lists it."""

    schedule: Schedule
    title: str
    group: str
    at: dt.datetime  # in the organisation's time zone
    today: bool
    cycle: CycleSpan | None


HOME_DAYS = 7


def due_soon(person: Person, *, organisation: Organisation, now: dt.datetime, days: int = HOME_DAYS) -> list[DueItem]:
    """The next occurrence of each of the person's schedules in the coming `days` days, soonest first, holidays
    skipped (two queries, three when a schedule follows the cycles). Memoised on the person for the moment asked:
    the home page's panel and the daily focus (EXE-7) ask at the same moment and read the schedules once."""
    key = (organisation.pk, now, days)
    cached: tuple[tuple[object, ...], list[DueItem]] | None = getattr(person, "_due_soon", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    items = _due_soon(person, organisation=organisation, now=now, days=days)
    person._due_soon = (key, items)  # type: ignore[attr-defined]
    return items


def _due_soon(person: Person, *, organisation: Organisation, now: dt.datetime, days: int) -> list[DueItem]:
    schedules = list(schedules_of(person))
    if not schedules:
        return []
    zone = organisation.zone
    local_now = now.astimezone(zone)
    start = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + dt.timedelta(days=days + 1)
    cycles = cycle_spans() if any(rule_of(s).by_cycle for s in schedules) else []
    holidays = holiday_days(start.date() - dt.timedelta(days=1), end.date() + dt.timedelta(days=1))
    items = []
    for schedule in schedules:
        found = [
            t.astimezone(zone)
            for t in occurrences(
                rule_of(schedule), start=start, end=end, zone=schedule.zone(zone), cycles=cycles, holidays=holidays
            )
        ]
        upcoming = [t for t in found if t >= local_now - dt.timedelta(hours=1)]
        if not upcoming:
            continue
        at = upcoming[0]
        items.append(
            DueItem(
                schedule=schedule,
                title=str(schedule),
                group=group_name(schedule),
                at=at,
                today=at.date() == local_now.date(),
                cycle=cycle_of(schedule, at, zone, cycles) if rule_of(schedule).by_cycle else None,
            )
        )
    return sorted(items, key=lambda item: (item.at, item.schedule.pk))


def schedules_managed(person: Person, headed: set[int]) -> QuerySet[Schedule]:
    """The schedules a person may set: all for an administrator, else those of the departments they head and of
    those departments' teams."""
    schedules = Schedule.objects.select_related("team", "department", "team__department").order_by(
        "kind", "department__name", "team__name", "pk"
    )
    if person.is_admin:
        return schedules
    return schedules.filter(Q(department_id__in=headed) | Q(team__department_id__in=headed))


# --- holidays and absences ---------------------------------------------------------------------------------------


def holiday_days(start: dt.date, end: dt.date) -> set[dt.date]:
    """The organisation's holidays from `start` to `end`, both included (one query)."""
    return set(Holiday.objects.filter(day__gte=start, day__lte=end).values_list("day", flat=True))


def holiday_on(day: dt.date) -> Holiday | None:
    return Holiday.objects.filter(day=day).first()


def absent_ids(day: dt.date, person_ids: Iterable[int] | None = None) -> set[int]:
    """Who of `person_ids` (everyone when None) is away on `day` (one query)."""
    absences = Absence.objects.filter(start__lte=day, end__gte=day)
    if person_ids is not None:
        absences = absences.filter(person_id__in=list(person_ids))
    return set(absences.values_list("person_id", flat=True))


def absences_of(person_ids: Iterable[int], *, since: dt.date) -> QuerySet[Absence]:
    """The absences of these people that end on or after `since`, soonest first (one query)."""
    return (
        Absence.objects.filter(person_id__in=list(person_ids), end__gte=since)
        .select_related("person", "created_by")
        .order_by("start", "person__full_name", "pk")
    )
