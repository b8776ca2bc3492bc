"""Who may see and change self-assessments (SELF-1, SELF-3). One lookup per resource, for pages and API alike.

- **A person's self-assessment** is seen by the person, the members of their department, the heads of that
  department (and of the departments above it), their managers two levels up the line, executives and
  administrators (SELF-3: scores are there to be scrutinised by colleagues). Only its owner changes, submits or
  reopens it — nobody scores another person's key results (SELF-2: it is not an appraisal).
- **A department's presentation** is seen by its members, its heads (and those above), the managers of its head
  up the line, executives and administrators.

Others get 404. Only active people see anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from qibu.cycles.models import Cycle, CycleKind
from qibu.okrs.access import headed_department_paths
from qibu.org.models import Department, Organisation, Person


@dataclass(frozen=True)
class AssessmentRights:
    change: bool  # save, submit, reopen: its owner only


def _active(viewer: Person | AnonymousUser) -> bool:
    return bool(viewer.is_authenticated and viewer.is_active)


def _heads(viewer: Person, department: Department | None) -> bool:
    return department is not None and any(department.path.startswith(p) for p in headed_department_paths(viewer))


def can_see_person(viewer: Person, person: Person) -> bool:
    """May `viewer` see `person`'s self-assessments? `person` comes with their department and manager."""
    if not _active(viewer):
        return False
    if viewer.pk == person.pk or viewer.is_executive:
        return True
    if person.department_id is not None and viewer.department_id == person.department_id:
        return True
    if person.manager_id == viewer.pk or (person.manager is not None and person.manager.manager_id == viewer.pk):
        return True
    return _heads(viewer, person.department)


def can_see_department(viewer: Person, department: Department) -> bool:
    """May `viewer` see the department's presentation? `department` comes with its head."""
    if not _active(viewer):
        return False
    if viewer.is_executive or viewer.department_id == department.pk or _heads(viewer, department):
        return True
    head = department.head
    return head is not None and (
        head.manager_id == viewer.pk or (head.manager is not None and head.manager.manager_id == viewer.pk)
    )


def period_for(organisation: Organisation, pk: object) -> Cycle:
    """The period a self-assessment may be for (SELF-1): a quarter, or a month when the policy says monthly; else
    Http404. One query (the month's quarter with it)."""
    kinds = [CycleKind.QUARTER]
    if organisation.self_assessment_every_months == 1:
        kinds.append(CycleKind.MONTH)
    try:
        cycle = Cycle.objects.select_related("parent").filter(pk=int(str(pk)), kind__in=kinds).first()
    except (TypeError, ValueError):
        cycle = None
    if cycle is None:
        raise Http404
    return cycle


def person_for(viewer: Person, pk: object) -> tuple[Person, AssessmentRights]:
    """The person whose self-assessments `viewer` asks for, if they may see them (else Http404). One query."""
    try:
        person = Person.objects.select_related("department", "manager").filter(pk=int(str(pk))).first()
    except (TypeError, ValueError):
        person = None
    if person is None or not can_see_person(viewer, person):
        raise Http404
    return person, AssessmentRights(change=viewer.pk == person.pk and viewer.is_active)


def department_for(viewer: Person, pk: object) -> Department:
    """The department whose presentation `viewer` asks for, if they may see it (else Http404). One query."""
    try:
        department = Department.objects.select_related("head__manager").filter(pk=int(str(pk))).first()
    except (TypeError, ValueError):
        department = None
    if department is None or not can_see_department(viewer, department):
        raise Http404
    return department
