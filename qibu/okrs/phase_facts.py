"""The facts of the phases okrs owns (PLAY-EXEC), for the quarter's calendar and its reminders
(`qibu.cycles.phases.register_phase_facts`): who owes the set step and the execute step of a cycle, and who has done
them. Each in a fixed number of queries whatever the company's size.

- **set** (制定, SET-1): the company owes at least one company objective in the cycle; each department with active
  people owes a department objective; each active person who owns a personal objective in the cycle or in the cycle
  before (of the same kind) owes at least one personal objective. Done means agreed (`agreed_q`: approved now or
  once before): a draft waiting for approval is not set yet.
- **execute** (执行, EXE-3, MEAS-8): each active person who owns a key result of the cycle's running, agreed
  objectives owes check-ins; done = every one of their key results was checked in within the last 7 days (the
  policy's cadence), or, once the cycle is over, within its last week.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qibu.cycles.models import Cycle
from qibu.cycles.phases import PhaseFacts
from qibu.okrs.models import KeyResult, Level, Objective, Status, agreed_q
from qibu.org.models import Organisation, Person


def set_facts(cycle: Cycle, organisation: Organisation) -> PhaseFacts:
    """Three queries: the cycle before, the active people with their departments, the objectives of both cycles."""
    previous = Cycle.objects.filter(kind=cycle.kind, end__lt=cycle.start).order_by("-end").only("pk").first()
    people = dict(Person.objects.filter(is_active=True).values_list("pk", "department_id"))
    cycles = [cycle.pk] + ([previous.pk] if previous else [])
    rows = Objective.objects.filter(
        cycle_id__in=cycles, level__in=[Level.COMPANY, Level.DEPARTMENT, Level.PERSON]
    ).values_list("cycle_id", "level", "department_id", "owner_id", "approval", "approved_at")
    company_done = False
    departments_done: set[int] = set()
    owners: set[int] = set()
    people_done: set[int] = set()
    for cycle_id, level, department_id, owner_id, approval, approved_at in rows:
        agreed = approval == "approved" or approved_at is not None
        if level == Level.PERSON and owner_id in people:
            owners.add(owner_id)
            if cycle_id == cycle.pk and agreed:
                people_done.add(owner_id)
        if cycle_id != cycle.pk or not agreed:
            continue
        if level == Level.COMPANY:
            company_done = True
        elif level == Level.DEPARTMENT and department_id is not None:
            departments_done.add(department_id)
    departments = {d for d in people.values() if d is not None}
    return PhaseFacts(
        people_expected=frozenset(owners),
        people_done=frozenset(people_done),
        departments_expected=frozenset(departments),
        departments_done=frozenset(departments_done & departments),
        company_expected=True,
        company_done=company_done,
    )


def execute_facts(cycle: Cycle, organisation: Organisation, today: dt.date | None = None) -> PhaseFacts:
    """One query: the key results of the cycle's running, agreed objectives with their owners and last check-ins."""
    today = today or timezone.localdate()
    cadence = dt.timedelta(days=organisation.checkin_cadence_days or 7)
    day = min(today, cycle.end)
    since = day - cadence + dt.timedelta(days=1)
    rows = (
        KeyResult.objects.filter(objective__cycle=cycle, objective__status=Status.ACTIVE, owner__is_active=True)
        .filter(agreed_q("objective__"))
        .values_list("owner_id", "last_checkin_at")
    )
    expected: set[int] = set()
    behind: set[int] = set()
    zone = organisation.zone
    for owner_id, last in rows:
        expected.add(owner_id)
        if last is None or timezone.localtime(last, zone).date() < since:
            behind.add(owner_id)
    return PhaseFacts(people_expected=frozenset(expected), people_done=frozenset(expected - behind))
