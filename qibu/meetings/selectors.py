"""Reads of weekly meetings for pages and API: the list of a group's meetings, the meeting as it runs (agenda, the
two timed parts, confidence per key result, commitments, each person's week), and its minutes. A fixed number of
queries per page, whatever the size of the company."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from qibu.meetings.access import MeetingRights, visible_meetings_q
from qibu.meetings.agenda import attendees, running_objectives
from qibu.meetings.models import (
    AgendaItem,
    AgendaKind,
    Commitment,
    CommitmentStatus,
    ConfidenceChange,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from qibu.meetings.week import PersonWeek, people_weeks
from qibu.okrs.access import may_check_in_now
from qibu.okrs.models import KeyResult, Level, Objective
from qibu.okrs.selectors import KeyResultStatus, ObjectiveStatus, key_result_status, objective_status
from qibu.org.models import Department, Organisation, Person
from qibu.reports.selectors import DepartmentRollup, department_rollups

LIST_LIMIT = 100


@dataclass(frozen=True)
class Timer:
    """EXE-5: the two parts' planned minutes and where the meeting stands, for the page's countdown."""

    progress_minutes: int
    next_steps_minutes: int
    started_at: dt.datetime | None
    progress_ends_at: dt.datetime | None  # planned end of the progress part (or when it ended)
    ends_at: dt.datetime | None  # planned end of the meeting
    part: str  # "planned", "progress", "next_steps" or "closed"


def timer_for(meeting: Meeting) -> Timer:
    started = meeting.started_at
    progress_end = meeting.progress_ended_at or (
        started + dt.timedelta(minutes=meeting.progress_minutes) if started else None
    )
    ends = started + dt.timedelta(minutes=meeting.planned_minutes) if started else None
    if meeting.status == MeetingStatus.CLOSED:
        part = "closed"
    elif started is None:
        part = "planned"
    elif meeting.progress_ended_at is None:
        part = "progress"
    else:
        part = "next_steps"
    return Timer(meeting.progress_minutes, meeting.next_steps_minutes, started, progress_end, ends, part)


@dataclass(frozen=True)
class AgendaSection:
    section: str
    label: str
    items: list[AgendaItem]


@dataclass(frozen=True)
class KeyResultRow:
    key_result: KeyResult
    status: KeyResultStatus
    can_set: bool
    changed: ConfidenceChange | None  # set in this meeting (the last time)


@dataclass(frozen=True)
class ObjectiveRow:
    objective: Objective
    status: ObjectiveStatus
    key_results: list[KeyResultRow]


@dataclass
class MeetingPage:
    meeting: Meeting
    title: str
    rights: MeetingRights
    timer: Timer
    agenda: list[AgendaSection]
    objectives: list[ObjectiveRow]
    changes: list[ConfidenceChange]
    commitments: list[Commitment]
    weeks: list[PersonWeek] = field(default_factory=list)
    mine: PersonWeek | None = None
    rollups: list[DepartmentRollup] = field(default_factory=list)
    reached: int = 0
    points: int = 0


def _agenda_sections(meeting: Meeting) -> list[AgendaSection]:
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk"))
    labels = dict(AgendaKind.choices)
    return [
        AgendaSection(section, str(labels[section]), [i for i in items if i.section == section])
        for section in AgendaKind.values
        if any(i.section == section for i in items)
    ]


def _objectives(
    meeting: Meeting, viewer: Person, rights: MeetingRights, organisation: Organisation, now: dt.datetime
) -> tuple[list[ObjectiveRow], list[ConfidenceChange]]:
    objectives = list(
        running_objectives(meeting)
        .select_related("cycle", "owner", "department", "team")
        .prefetch_related(
            Prefetch("key_results", queryset=KeyResult.objects.select_related("owner").order_by("position", "id"))
        )
        .order_by("priority", "pk")
    )
    changes = list(
        ConfidenceChange.objects.filter(meeting=meeting)
        .select_related("key_result", "set_by", "check_in")
        .order_by("pk")
    )
    last = {c.key_result_id: c for c in changes}
    today = timezone.localdate(now, organisation.zone)
    rows = []
    for objective in objectives:
        krs = [
            KeyResultRow(
                key_result=kr,
                status=key_result_status(kr, organisation, now=now, today=today),
                can_set=rights.run
                and meeting.status == MeetingStatus.IN_PROGRESS
                and may_check_in_now(viewer, objective, kr),
                changed=last.get(kr.pk),
            )
            for kr in objective.key_results.all()
        ]
        rows.append(ObjectiveRow(objective, objective_status(objective, organisation, today), krs))
    return rows, changes


def _rollups(meeting: Meeting, viewer: Person, organisation: Organisation) -> list[DepartmentRollup]:
    """The department's roll-up (EXE-3), or every top department's (EXE-6), in the cycle running on the day."""
    objective = running_objectives(meeting).select_related("cycle").first()
    cycle = objective.cycle if objective is not None else None
    if cycle is None:
        return []
    if meeting.department is not None:
        return department_rollups(
            viewer=viewer, cycle=cycle, organisation=organisation, departments=[meeting.department]
        )
    tops = list(Department.objects.filter(parent__isnull=True).order_by("position", "name"))
    return department_rollups(viewer=viewer, cycle=cycle, organisation=organisation, departments=tops)


def meeting_page(
    *,
    viewer: Person,
    meeting: Meeting,
    rights: MeetingRights,
    organisation: Organisation,
    now: dt.datetime | None = None,
) -> MeetingPage:
    from qibu.meetings.notifications import meeting_title

    now = now or timezone.now()
    agenda = _agenda_sections(meeting)
    objectives, changes = _objectives(meeting, viewer, rights, organisation, now)
    commitments = list(
        Commitment.objects.filter(meeting=meeting).select_related("owner", "key_result").order_by("due", "pk")
    )
    weeks: list[PersonWeek] = []
    mine = None
    if meeting.kind == MeetingKind.DEPARTMENT:
        people = list(attendees(meeting).select_related("department").order_by("full_name", "username"))
        weeks = people_weeks(people, meeting, organisation)
        mine = next((w for w in weeks if w.person.pk == viewer.pk), None)
    items = [i for s in agenda for i in s.items]
    return MeetingPage(
        meeting=meeting,
        title=meeting_title(meeting),
        rights=rights,
        timer=timer_for(meeting),
        agenda=agenda,
        objectives=objectives,
        changes=changes,
        commitments=commitments,
        weeks=weeks,
        mine=mine,
        rollups=_rollups(meeting, viewer, organisation),
        reached=sum(1 for i in items if i.reached),
        points=len(items),
    )


# --- lists ------------------------------------------------------------------------------------------------------


def meetings_of(
    *, viewer: Person, department: Department | None = None, management: bool = False, limit: int = LIST_LIMIT
) -> QuerySet[Meeting]:
    """The meetings of a department (newest first), or the management's, that `viewer` may see."""
    q = Meeting.objects.filter(visible_meetings_q(viewer)).select_related("department")
    if department is not None:
        q = q.filter(department=department)
    elif management:
        q = q.filter(kind=MeetingKind.MANAGEMENT)
    return q.order_by("-date", "-pk")[:limit]


def attended_meetings_q(person: Person) -> Q:
    """The meetings a person goes to: their department's (and its parents'), the ones of departments they head,
    the management's when they are an executive or head a department."""
    q = Q(pk__in=[])
    if person.department_id:
        q |= Q(department_id=person.department_id)
    q |= Q(department__head_id=person.pk)
    if person.is_executive or person.role == "department_head":
        q |= Q(kind=MeetingKind.MANAGEMENT)
    return q


def open_commitments(person: Person, until: dt.date) -> QuerySet[Commitment]:
    return Commitment.objects.filter(owner=person, status=CommitmentStatus.OPEN, due__lte=until).select_related(
        "meeting__department"
    )


def company_key_results(meeting: Meeting) -> list[KeyResult]:
    """The key results a commitment may name: the company's for the management meeting, else the department's."""
    return list(
        KeyResult.objects.filter(objective__in=running_objectives(meeting))
        .exclude(objective__level=Level.PERSON)
        .order_by("objective_id", "position", "pk")
    )
