"""Who may set the rhythm: administrators every schedule, a department's head the schedules of their own department
and its teams (not the management meeting, which is the company's)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from qibu.org.models import Department, Person
from qibu.rhythm.models import Absence, Schedule


def headed_department_ids(person: Person) -> set[int]:
    """The departments the person heads (one query)."""
    return set(Department.objects.filter(head=person).values_list("pk", flat=True))


def may_manage_some(person: Person) -> bool:
    """May the person open the reminders' settings at all (administrators and heads of departments)."""
    return person.is_admin or bool(headed_department_ids(person))


def may_manage(person: Person, *, department_id: int | None, headed: set[int] | None = None) -> bool:
    """May the person set a schedule of this department (a team's schedule: of its department; None: the
    management's, the company's)."""
    if person.is_admin:
        return True
    if department_id is None:
        return False
    return department_id in (headed if headed is not None else headed_department_ids(person))


def group_department_id(schedule: Schedule) -> int | None:
    return schedule.team.department_id if schedule.team_id and schedule.team else schedule.department_id


def schedule_for(person: Person, pk: int) -> tuple[Schedule, bool]:
    """The schedule and whether the person may change it; 404 when there is none. Schedules are no secret (PUB-2:
    everyone sees the rhythm), so anyone signed in may see one."""
    schedule = Schedule.objects.select_related("team", "department").filter(pk=pk).first()
    if schedule is None:
        raise Http404
    return schedule, may_manage(person, department_id=group_department_id(schedule))


def schedule_to_change(person: Person, pk: int) -> Schedule:
    schedule, may_change = schedule_for(person, pk)
    if not may_change:
        raise PermissionDenied
    return schedule


def may_record_absence(actor: Person, person: Person) -> bool:
    """A person records their own absences, their manager those of their reports, an administrator anyone's."""
    return actor.is_admin or actor.pk == person.pk or (person.manager_id is not None and person.manager_id == actor.pk)


def absence_for(actor: Person, pk: int) -> Absence:
    """An absence the actor may change; 404 for one they may not (absences are seen by who may record them and by
    the person's team in a stand-up, never listed to others)."""
    absence = Absence.objects.select_related("person").filter(pk=pk).first()
    if absence is None or not may_record_absence(actor, absence.person):
        raise Http404
    return absence
