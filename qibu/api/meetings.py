"""Weekly meetings (EXE-3 … EXE-6, EXE-12): the department's and the management's, their agendas built from data, the
confidence set in the meeting, the minutes and next week's commitments. The pages' rules (`qibu.meetings.access`):
a meeting is visible to its department, the managers above it, executives and administrators (the management
meeting: executives and department heads), 404 otherwise; those who run it change it (403 for others); each person
writes their own week."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from qibu.api.okrs import caller
from qibu.api.pagination import paginate
from qibu.api.schemas import ERRORS, WRITE_ERRORS, ErrorOut, Id, InputSchema, PageOut, PageQuery, PathId, QuerySchema
from qibu.core.validation import NOTE_MAX, TEXT_MAX
from qibu.meetings import access, services
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
from qibu.meetings.selectors import company_key_results, meeting_page
from qibu.meetings.services import COMMITMENT_MAX, NOTES_MAX, NotesConflict
from qibu.meetings.week import people_weeks
from qibu.okrs.access import can_check_in, key_result_for
from qibu.org.middleware import request_organisation
from qibu.rhythm.models import Schedule

router = Router(tags=["meetings"])
commitments_router = Router(tags=["commitments"])

Confidence = Annotated[int, Field(ge=0, le=100, description="A whole percentage (MEAS-5).")]


# --- shapes --------------------------------------------------------------------------------------------------


class WeeklyMeetingOut(Schema):
    id: int
    kind: MeetingKind
    department: int | None = Field(description="None for the management meeting.")
    schedule: int | None
    date: dt.date
    status: MeetingStatus
    planned_minutes: int
    progress_share: int = Field(description="EXE-5: the share of the time on progress, in percent.")
    progress_minutes: int
    next_steps_minutes: int
    started_at: dt.datetime | None
    progress_ended_at: dt.datetime | None
    ended_at: dt.datetime | None
    ended_early: bool
    notes: str = Field(description="The minutes in words.")
    notes_version: int = Field(description="Send it back with a change of the minutes (409 when stale).")
    can_run: bool


class WeeklyMeetingPage(PageOut):
    items: list[WeeklyMeetingOut]


class WeeklyAgendaItemOut(Schema):
    id: int
    section: AgendaKind
    position: int
    title: str
    detail: str
    key_result: int | None = Field(description="EXE-12: the key result it concerns.")
    check_in: int | None = Field(description="EXE-12: the check-in it concerns (a fall of confidence).")
    about_type: str = Field(description="Another row it concerns, as a model label (e.g. plans.actionstep).")
    about_id: int | None
    url: str
    numbers: dict[str, Any] = Field(description="Its numbers on the day the meeting opened.")
    reached: bool
    carried_from: int | None


class ConfidenceChangeOut(Schema):
    id: int
    key_result: int
    check_in: int
    before: Confidence
    after: Confidence
    reason: str
    what_changed: str
    set_by: int | None
    created_at: dt.datetime


class CommitmentOut(Schema):
    id: int
    meeting: int
    text: str
    owner: int
    due: dt.date
    key_result: int | None
    status: CommitmentStatus
    done_at: dt.datetime | None


class WeeklyMeetingDetail(WeeklyMeetingOut):
    agenda: list[WeeklyAgendaItemOut]
    confidence_changes: list[ConfidenceChangeOut]
    commitments: list[CommitmentOut]


class WeekOut(Schema):
    person: int
    progress: str
    plans: str
    problems: str
    written: bool = Field(description="Written by the person; else pre-filled from their week.")
    checked_in: bool


class WeeklyMeetingFilters(QuerySchema):
    department: Id | None = Field(None, description="One department's meetings.")
    kind: MeetingKind | None = None


class WeeklyMeetingCreate(InputSchema):
    kind: MeetingKind
    department: Id | None = Field(None, description="Required for a department's meeting.")
    date: dt.date
    schedule: Id | None = None
    planned_minutes: int = Field(60, ge=1, le=1000)
    progress_share: int = Field(25, ge=0, le=100, description="EXE-5: about 25 %.")


class ReachIn(InputSchema):
    reached: bool


class ConfidenceIn(InputSchema):
    key_result: Id
    confidence: Confidence
    reason: str = Field("", max_length=NOTE_MAX, description="EXE-4: why it fell (needed for a large fall).")
    what_changed: str = Field("", max_length=NOTE_MAX, description="EXE-4: what changed (needed for a large fall).")


class CommitmentCreate(InputSchema):
    text: str = Field(min_length=1, max_length=COMMITMENT_MAX)
    owner: Id
    due: dt.date
    key_result: Id | None = None


class CommitmentStatusIn(InputSchema):
    status: CommitmentStatus


class NotesIn(InputSchema):
    notes: str = Field(max_length=NOTES_MAX)
    version: int = Field(ge=0, description="The `notes_version` the text was edited from.")


class NotesConflictOut(ErrorOut):
    theirs: str = Field(description="The minutes as saved meanwhile.")
    ours: str = Field(description="The text sent, not saved.")
    version: int


class WeekIn(InputSchema):
    progress: str = Field("", max_length=TEXT_MAX)
    plans: str = Field("", max_length=TEXT_MAX)
    problems: str = Field("", max_length=TEXT_MAX)


# --- helpers -----------------------------------------------------------------------------------------------


def meeting_out(meeting: Meeting, rights: access.MeetingRights) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "kind": meeting.kind,
        "department": meeting.department_id,
        "schedule": meeting.schedule_id,
        "date": meeting.date,
        "status": meeting.status,
        "planned_minutes": meeting.planned_minutes,
        "progress_share": meeting.progress_share,
        "progress_minutes": meeting.progress_minutes,
        "next_steps_minutes": meeting.next_steps_minutes,
        "started_at": meeting.started_at,
        "progress_ended_at": meeting.progress_ended_at,
        "ended_at": meeting.ended_at,
        "ended_early": meeting.ended_early,
        "notes": meeting.notes,
        "notes_version": meeting.notes_version,
        "can_run": rights.run,
    }


def _item(item: AgendaItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "section": item.section,
        "position": item.position,
        "title": item.title,
        "detail": item.detail,
        "key_result": item.key_result_id,
        "check_in": item.check_in_id,
        "about_type": item.ref_type,
        "about_id": item.ref_id,
        "url": item.url,
        "numbers": item.numbers,
        "reached": item.reached,
        "carried_from": item.carried_from_id,
    }


def _change(change: ConfidenceChange) -> dict[str, Any]:
    return {
        "id": change.pk,
        "key_result": change.key_result_id,
        "check_in": change.check_in_id,
        "before": change.before,
        "after": change.after,
        "reason": change.reason,
        "what_changed": change.what_changed,
        "set_by": change.set_by_id,
        "created_at": change.created_at,
    }


def commitment_out(c: Commitment) -> dict[str, Any]:
    return {
        "id": c.pk,
        "meeting": c.meeting_id,
        "text": c.text,
        "owner": c.owner_id,
        "due": c.due,
        "key_result": c.key_result_id,
        "status": c.status,
        "done_at": c.done_at,
    }


def _detail(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    person = caller(request)
    meeting, rights = access.meeting_for(person, meeting_id)
    page = meeting_page(viewer=person, meeting=meeting, rights=rights, organisation=request_organisation(request))
    return {
        **meeting_out(meeting, rights),
        "agenda": [_item(i) for s in page.agenda for i in s.items],
        "confidence_changes": [_change(c) for c in page.changes],
        "commitments": [commitment_out(c) for c in page.commitments],
    }


def _runs(request: HttpRequest, meeting_id: int) -> tuple[Any, Meeting]:
    person = caller(request)
    meeting, rights = access.meeting_for(person, meeting_id)
    if not rights.run:
        raise PermissionDenied(_("You may see this meeting but not run it."))
    return person, meeting


# --- meetings -------------------------------------------------------------------------------------------------


@router.get("/meetings", response={200: WeeklyMeetingPage, **ERRORS}, summary="List weekly meetings (EXE-3, EXE-6)")
def meetings_list(
    request: HttpRequest, filters: Query[WeeklyMeetingFilters], paging: Query[PageQuery]
) -> dict[str, Any]:
    """The meetings the caller may see, newest first; `?department=` of one they may not see is 404."""
    person = caller(request)
    meetings = Meeting.objects.filter(access.visible_meetings_q(person))
    if filters.department is not None:
        department, _may_run = access.department_for(person, filters.department)
        meetings = meetings.filter(department=department)
    if filters.kind is not None:
        meetings = meetings.filter(kind=filters.kind)
    items, meta = paginate(meetings.select_related("department").order_by("-date", "-id"), paging)
    return {**meta, "items": [meeting_out(m, access.meeting_rights(person, m)) for m in items]}


@router.post("/meetings", response={201: WeeklyMeetingOut, **WRITE_ERRORS}, summary="Plan a weekly meeting")
def meeting_create(request: HttpRequest, payload: WeeklyMeetingCreate) -> Status[dict[str, Any]]:
    person = caller(request)
    department = None
    if payload.kind == MeetingKind.DEPARTMENT and payload.department is not None:
        department, may_run = access.department_for(person, payload.department)
    else:
        if not access.can_view_management(person) and payload.kind == MeetingKind.MANAGEMENT:
            raise Http404
        may_run = payload.kind == MeetingKind.MANAGEMENT and access.can_run_management(person)
        may_run = may_run or payload.kind == MeetingKind.DEPARTMENT  # the service names the missing department
    if not may_run:
        raise PermissionDenied(_("You may see these meetings but not plan them."))
    schedule = Schedule.objects.filter(pk=payload.schedule).first() if payload.schedule else None
    meeting = services.meeting_create(
        actor=person,
        kind=payload.kind,
        department=department,
        date=payload.date,
        schedule=schedule,
        planned_minutes=payload.planned_minutes,
        progress_share=payload.progress_share,
    )
    return Status(201, meeting_out(meeting, access.meeting_rights(person, meeting)))


@router.get("/meetings/{meeting_id}", response={200: WeeklyMeetingDetail, **ERRORS}, summary="Get a weekly meeting")
def meeting_get(request: HttpRequest, meeting_id: PathId) -> dict[str, Any]:
    """With its agenda as it was when it opened, the confidence set in it and its commitments (EXE-12)."""
    return _detail(request, meeting_id)


@router.post(
    "/meetings/{meeting_id}/start", response={200: WeeklyMeetingDetail, **WRITE_ERRORS}, summary="Start a meeting"
)
def meeting_start(request: HttpRequest, meeting_id: PathId) -> dict[str, Any]:
    """Builds the agenda from today's data (kept as it is) and starts the progress part (EXE-5)."""
    person, meeting = _runs(request, meeting_id)
    services.meeting_start(actor=person, meeting=meeting, organisation=request_organisation(request))
    return _detail(request, meeting_id)


@router.post(
    "/meetings/{meeting_id}/progress-end",
    response={200: WeeklyMeetingOut, **WRITE_ERRORS},
    summary="End the progress part",
)
def meeting_progress_end(request: HttpRequest, meeting_id: PathId) -> dict[str, Any]:
    """EXE-5: on to next steps."""
    person, meeting = _runs(request, meeting_id)
    services.meeting_progress_end(actor=person, meeting=meeting)
    return meeting_out(meeting, access.meeting_rights(person, meeting))


@router.post(
    "/meetings/{meeting_id}/close", response={200: WeeklyMeetingOut, **WRITE_ERRORS}, summary="Close a meeting"
)
def meeting_close(request: HttpRequest, meeting_id: PathId) -> dict[str, Any]:
    """Ends it (early is recorded, EXE-5) and sends the minutes by mail and chat; a second close is 422."""
    person, meeting = _runs(request, meeting_id)
    services.meeting_close(actor=person, meeting=meeting, organisation=request_organisation(request))
    return meeting_out(meeting, access.meeting_rights(person, meeting))


@router.post(
    "/meetings/{meeting_id}/agenda/{item_id}/reach",
    response={200: WeeklyAgendaItemOut, **WRITE_ERRORS},
    summary="Mark a point reached",
)
def agenda_item_reach(request: HttpRequest, payload: ReachIn, meeting_id: PathId, item_id: PathId) -> dict[str, Any]:
    """Points not reached are carried to the next meeting."""
    person = caller(request)
    meeting, rights = access.meeting_for(person, meeting_id)
    item = AgendaItem.objects.filter(pk=item_id, meeting=meeting).first()
    if item is None:
        raise Http404
    if not rights.run:
        raise PermissionDenied(_("You may see this meeting but not run it."))
    item.meeting = meeting
    return _item(services.agenda_item_reach(actor=person, item=item, reached=payload.reached))


@router.post(
    "/meetings/{meeting_id}/confidence",
    response={201: ConfidenceChangeOut, **WRITE_ERRORS},
    summary="Set confidence (EXE-3, EXE-4)",
)
def meeting_confidence(request: HttpRequest, payload: ConfidenceIn, meeting_id: PathId) -> Status[dict[str, Any]]:
    """Recorded as the key result's check-in; a fall of the policy's threshold or more needs `reason` and
    `what_changed` (422 naming them, nothing written)."""
    person, meeting = _runs(request, meeting_id)
    key_result, objective, _editable = key_result_for(person, payload.key_result)
    if not running_objectives(meeting).filter(pk=objective.pk).exists():
        raise Http404
    if not can_check_in(person, objective, key_result):
        raise PermissionDenied(_("You may not check in this key result."))
    change = services.meeting_confidence_set(
        actor=person,
        meeting=meeting,
        key_result=key_result,
        confidence=payload.confidence,
        reason=payload.reason,
        what_changed=payload.what_changed,
        organisation=request_organisation(request),
    )
    return Status(201, _change(change))


@router.post(
    "/meetings/{meeting_id}/commitments",
    response={201: CommitmentOut, **WRITE_ERRORS},
    summary="Add a commitment",
)
def commitment_create(request: HttpRequest, payload: CommitmentCreate, meeting_id: PathId) -> Status[dict[str, Any]]:
    """Next week's commitment (EXE-3) or this week's task that moves a company key result (EXE-6)."""
    person, meeting = _runs(request, meeting_id)
    owner = attendees(meeting).filter(pk=payload.owner).first()
    key_result = None
    if payload.key_result is not None:
        key_result = next((k for k in company_key_results(meeting) if k.pk == payload.key_result), None)
        if key_result is None:
            raise Http404
    if owner is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({"owner": [_("The owner is someone who attends this meeting.")]})
    commitment = services.commitment_add(
        actor=person, meeting=meeting, text=payload.text, owner=owner, due=payload.due, key_result=key_result
    )
    return Status(201, commitment_out(commitment))


@router.put(
    "/meetings/{meeting_id}/notes",
    response={200: WeeklyMeetingOut, 409: NotesConflictOut, **WRITE_ERRORS},
    summary="Save the minutes' text",
)
def meeting_notes(request: HttpRequest, payload: NotesIn, meeting_id: PathId) -> Status[dict[str, Any]]:
    """Saved over `version` only: when someone saved meanwhile, 409 with both texts, nothing overwritten."""
    person, meeting = _runs(request, meeting_id)
    try:
        services.meeting_notes_save(actor=person, meeting=meeting, text=payload.notes, version=payload.version)
    except NotesConflict as exc:
        detail = [{"field": "notes", "message": m} for m in exc.messages]
        return Status(409, {"detail": detail, "theirs": exc.theirs, "ours": exc.ours, "version": exc.version})
    return Status(200, meeting_out(meeting, access.meeting_rights(person, meeting)))


@router.get("/meetings/{meeting_id}/weeks", response={200: list[WeekOut], **ERRORS}, summary="Everyone's week")
def meeting_weeks(request: HttpRequest, meeting_id: PathId) -> list[dict[str, Any]]:
    """EXE-3: each attendee's plans, progress and problems (written, or pre-filled from their week)."""
    person = caller(request)
    meeting, _rights = access.meeting_for(person, meeting_id)
    if meeting.kind == MeetingKind.MANAGEMENT:
        return []
    people = list(attendees(meeting).order_by("full_name", "username"))
    return [_week(w) for w in people_weeks(people, meeting, request_organisation(request))]


def _week(w: Any) -> dict[str, Any]:
    return {
        "person": w.person.pk,
        "progress": w.progress,
        "plans": w.plans,
        "problems": w.problems,
        "written": w.written,
        "checked_in": w.checked_in,
    }


@router.put("/meetings/{meeting_id}/week", response={200: WeekOut, **WRITE_ERRORS}, summary="Write my week")
def my_week_put(request: HttpRequest, payload: WeekIn, meeting_id: PathId) -> dict[str, Any]:
    """The caller's own week; nobody writes another's."""
    person = caller(request)
    meeting, rights = access.meeting_for(person, meeting_id)
    if not rights.report:
        raise PermissionDenied(_("You do not attend this meeting."))
    services.week_report_save(
        actor=person, meeting=meeting, person=person, progress=payload.progress, plans=payload.plans,
        problems=payload.problems,
    )  # fmt: skip
    (week,) = people_weeks([person], meeting, request_organisation(request))
    return _week(week)


@commitments_router.post(
    "/commitments/{commitment_id}/status",
    response={200: CommitmentOut, **WRITE_ERRORS},
    summary="Set a commitment's status",
)
def commitment_status(request: HttpRequest, payload: CommitmentStatusIn, commitment_id: PathId) -> dict[str, Any]:
    """Done, dropped or open: by those who run its meeting, or by its owner."""
    person = caller(request)
    commitment = Commitment.objects.filter(pk=commitment_id).first()
    if commitment is None:
        raise Http404
    _meeting, rights = access.meeting_for(person, commitment.meeting_id)
    if not (rights.run or commitment.owner_id == person.pk):
        raise PermissionDenied(_("You may see this commitment but not change it."))
    return commitment_out(services.commitment_set_status(actor=person, commitment=commitment, status=payload.status))
