"""Who may see and run weekly meetings (EXE-3 … EXE-6). One lookup, `meeting_for`, for pages and API alike: 404 when
the meeting is invisible to the person, then what they may do with it.

- A department's meeting and its minutes are visible to the department (its members and those of its
  sub-departments), to the heads of the departments above it (its managers up the line), to executives and to
  administrators.
- The management meeting is attended by executives and department heads: they and administrators see it.
- A department's meeting is run (agenda, confidence, commitments, minutes, closing) by the heads of the department
  and of those above it, the leads of its teams, executives and administrators; the management meeting by
  executives and administrators, with department heads, who attend it.
- Everyone who attends writes their own week's report, and only their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from qibu.meetings.models import Meeting, MeetingKind
from qibu.org.models import Department, Person, Role, Team


def heads_a_department(person: Person) -> bool:
    return person.role == Role.DEPARTMENT_HEAD or Department.objects.filter(head_id=person.pk).exists()


def _heads_above(person: Person, department: Department) -> bool:
    """The person heads the department or one above it (its path holds theirs)."""
    return Department.objects.filter(pk__in=department.ancestor_ids, head_id=person.pk).exists()


def _inside(person: Person, department: Department) -> bool:
    if person.department_id is None:
        return False
    if person.department_id == department.pk:
        return True
    return Department.objects.filter(pk=person.department_id, path__startswith=department.path).exists()


def _leads_a_team_of(person: Person, department: Department) -> bool:
    return Team.objects.filter(department_id=department.pk, lead_id=person.pk).exists()


def can_view_department(person: Person, department: Department) -> bool:
    if not person.is_authenticated or not person.is_active:
        return False
    if person.is_executive:
        return True
    return _inside(person, department) or _heads_above(person, department)


def can_run_department(person: Person, department: Department) -> bool:
    if not person.is_authenticated or not person.is_active:
        return False
    if person.is_executive:
        return True
    return _heads_above(person, department) or _leads_a_team_of(person, department)


def can_view_management(person: Person) -> bool:
    return person.is_authenticated and person.is_active and (person.is_executive or heads_a_department(person))


def can_run_management(person: Person) -> bool:
    return can_view_management(person)


@dataclass(frozen=True)
class MeetingRights:
    view: bool
    run: bool  # the agenda, confidence, commitments, minutes, starting and closing
    report: bool  # writes their own week's report


def meeting_rights(person: Person, meeting: Meeting) -> MeetingRights:
    if meeting.kind == MeetingKind.MANAGEMENT:
        view = can_view_management(person)
        return MeetingRights(view=view, run=view, report=view)
    department = meeting.department
    if department is None:  # the constraint `meeting_kind_department` keeps this from happening
        return MeetingRights(view=False, run=False, report=False)
    view = can_view_department(person, department)
    run = view and can_run_department(person, department)
    report = view and ((person.department_id is not None and _inside(person, department)) or run)
    return MeetingRights(view=view, run=run, report=report)


def meeting_for(person: Person, pk: int | str) -> tuple[Meeting, MeetingRights]:
    """The meeting if `person` may see it (else Http404), and what they may do with it."""
    try:
        meeting = Meeting.objects.select_related("department", "schedule", "facilitator").filter(pk=pk).first()
    except (ValueError, TypeError):
        meeting = None
    if meeting is None:
        raise Http404
    rights = meeting_rights(person, meeting)
    if not rights.view:
        raise Http404
    return meeting, rights


def department_for(person: Person, pk: int | str) -> tuple[Department, bool]:
    """The department whose meetings `person` may list (else Http404), and whether they may run them."""
    try:
        department = Department.objects.filter(pk=pk).first()
    except (ValueError, TypeError):
        department = None
    if department is None or not can_view_department(person, department):
        raise Http404
    return department, can_run_department(person, department)


def visible_meetings_q(person: Person) -> Q:
    """A filter equal to `meeting_rights(...).view` over many meetings."""
    if not person.is_authenticated or not person.is_active:
        return Q(pk__in=[])
    if person.is_executive:
        return Q()
    q = Q(pk__in=[])
    if heads_a_department(person):
        q |= Q(kind=MeetingKind.MANAGEMENT)
    paths = list(Department.objects.filter(head_id=person.pk).values_list("path", flat=True))
    for path in paths:
        q |= Q(department__path__startswith=path)
    if person.department_id:
        own = Department.objects.filter(pk=person.department_id).values_list("path", flat=True).first()
        if own:
            ancestors = [int(p) for p in own.strip("/").split("/") if p]
            q |= Q(department_id__in=ancestors)
    return q
