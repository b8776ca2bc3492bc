"""1-on-1s (EXE-9, EXE-10): a manager and a report on a cadence, the agenda built from the report's OKRs, private and
shared notes, requests for support and their follow-up. The pages' rules (`qibu.oneonones.access`): everything of a
series is the pair's — anyone else, administrators included, gets 404 for a meeting, a point, a note or a request
(administrators see only that a series exists and when it meets); a private note is its author's alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from qibu.api.okrs import caller
from qibu.api.schemas import ERRORS, WRITE_ERRORS, Id, InputSchema, PathId
from qibu.core.validation import NOTE_MAX
from qibu.oneonones import access, selectors, services
from qibu.oneonones.models import (
    Meeting,
    Note,
    NoteSharing,
    OneOnOneCadence,
    OneOnOneStatus,
    Series,
    SupportRequest,
    SupportStatus,
)
from qibu.oneonones.services import POINT_MAX
from qibu.org.middleware import request_organisation
from qibu.org.models import Person

router = Router()
SERIES_TAG = ["1-on-1s"]
MEETING_TAG = ["1-on-1 meetings"]
POINT_TAG = ["talking points"]
NOTE_TAG = ["1-on-1 notes"]
REQUEST_TAG = ["support requests"]


# --- shapes ------------------------------------------------------------------------------------------------------


class MeetingBrief(Schema):
    id: int
    scheduled_at: dt.datetime
    status: OneOnOneStatus
    moved_from: dt.datetime | None = Field(description="When it was first planned, once moved.")
    held_at: dt.datetime | None


class SeriesOut(Schema):
    id: int
    manager: int
    report: int
    cadence: OneOnOneCadence
    weekday: int = Field(description="0 Monday … 6 Sunday; monthly: the first such day of each month.")
    time: str = Field(description="HH:MM in the organisation's time zone.")
    duration_minutes: int
    active: bool
    member: bool = Field(description="Whether the caller is one of the pair (else an administrator: dates only).")
    next_meeting: int | None
    next_at: dt.datetime | None
    open_requests: int | None = Field(description="Open requests for support; null for an administrator.")


class SeriesDetail(SeriesOut):
    meetings: list[MeetingBrief] = Field(description="Newest first, at most 60.")


class SeriesPage(Schema):
    items: list[SeriesOut]
    count: int


class SeriesCreate(InputSchema):
    """The caller is the manager or the report. The first meeting is planned at the next such day and time."""

    manager: Id
    report: Id
    cadence: OneOnOneCadence = OneOnOneCadence.WEEKLY
    weekday: int = Field(0, ge=0, le=6, description="0 Monday … 6 Sunday.")
    time: str = Field("10:00", pattern=r"^\d{2}:\d{2}$")
    duration_minutes: int = Field(30, ge=5, le=240)


class SeriesUpdate(InputSchema):
    """Only the fields sent change. `active` false stops the series (its planned meeting is skipped)."""

    cadence: OneOnOneCadence | None = None
    weekday: int | None = Field(None, ge=0, le=6, description="0 Monday … 6 Sunday.")
    time: str | None = Field(None, pattern=r"^\d{2}:\d{2}$")
    duration_minutes: int | None = Field(None, ge=5, le=240)
    active: bool | None = None


class AgendaItemOut(Schema):
    kind: str = Field(description="off_track, behind_pace, stale, confidence_fall, blocker or overdue_step.")
    title: str
    detail: str
    url: str


class PointOut(Schema):
    id: int
    meeting: int
    author: int
    text: str
    discussed: bool
    carried_from: int | None = Field(description="The point of the previous meeting this one was carried from.")


class NoteOut(Schema):
    id: int
    meeting: int
    author: int
    visibility: NoteSharing
    text: str
    created_at: dt.datetime
    updated_at: dt.datetime


class RequestOut(Schema):
    id: int
    series: int
    raised_in: int | None
    asked_by: int
    owner: int
    text: str
    due: dt.date | None
    status: SupportStatus
    resolution: str
    resolved_at: dt.datetime | None
    created_at: dt.datetime


class MeetingOut(MeetingBrief):
    series: int
    manager: int
    report: int
    previous: int | None = Field(description="The pair's last 1-on-1 held before this one.")
    agenda: list[AgendaItemOut] = Field(description="From the report's OKRs; only for a planned meeting.")
    points: list[PointOut]
    notes: list[NoteOut] = Field(description="Shared notes and the caller's own private ones.")
    requests: list[RequestOut] = Field(description="Open ones (planned meeting) and those raised in it.")


class MeetingClosed(Schema):
    meeting: MeetingBrief
    next_meeting: MeetingBrief | None = Field(description="The meeting planned next, with the points carried.")


class HoldIn(InputSchema):
    discussed: list[Id] = Field(default_factory=list, description="Points discussed; the others carry forward.")


class SkipIn(InputSchema):
    reason: str = Field("", max_length=NOTE_MAX)


class MoveIn(InputSchema):
    when: dt.datetime = Field(description="Without a zone: the organisation's.")


class PointIn(InputSchema):
    text: str = Field(max_length=POINT_MAX, json_schema_extra={"minLength": 1})


class PointUpdate(InputSchema):
    discussed: bool | None = None


class NoteIn(InputSchema):
    text: str = Field(max_length=NOTE_MAX, json_schema_extra={"minLength": 1})
    visibility: NoteSharing = NoteSharing.SHARED


class NoteUpdate(InputSchema):
    text: str | None = Field(None, max_length=NOTE_MAX)
    visibility: NoteSharing | None = None


class RequestIn(InputSchema):
    """Left out, the owner is the manager."""

    text: str = Field(max_length=NOTE_MAX, json_schema_extra={"minLength": 1})
    owner: Id | None = None
    due: dt.date | None = None


class SettleIn(InputSchema):
    status: SupportStatus = Field(description="done or declined (with a note).")
    note: str = Field("", max_length=NOTE_MAX)


# --- answers -----------------------------------------------------------------------------------------------------


def _brief(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "scheduled_at": meeting.scheduled_at,
        "status": meeting.status,
        "moved_from": meeting.moved_from,
        "held_at": meeting.held_at,
    }


def _series_out(series: Series, person: Person, row: selectors.SeriesRow | None = None) -> dict[str, Any]:
    member = series.has(person.pk)
    return {
        "id": series.pk,
        "manager": series.manager_id,
        "report": series.report_id,
        "cadence": series.cadence,
        "weekday": series.weekday,
        "time": series.time.strftime("%H:%M"),
        "duration_minutes": series.duration_minutes,
        "active": series.active,
        "member": member,
        "next_meeting": row.next_id if row else None,
        "next_at": row.next_at if row else None,
        "open_requests": (row.open_requests if row else None) if member else None,
    }


def _point_out(point: Any) -> dict[str, Any]:
    return {
        "id": point.pk,
        "meeting": point.meeting_id,
        "author": point.author_id,
        "text": point.text,
        "discussed": point.discussed,
        "carried_from": point.carried_from_id,
    }


def _note_out(note: Note) -> dict[str, Any]:
    return {
        "id": note.pk,
        "meeting": note.meeting_id,
        "author": note.author_id,
        "visibility": note.visibility,
        "text": note.text,
        "created_at": note.created_at,
        "updated_at": note.updated_at,
    }


def _request_out(request: SupportRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "series": request.series_id,
        "raised_in": request.raised_in_id,
        "asked_by": request.asked_by_id,
        "owner": request.owner_id,
        "text": request.text,
        "due": request.due,
        "status": request.status,
        "resolution": request.resolution,
        "resolved_at": request.resolved_at,
        "created_at": request.created_at,
    }


def _person(field: str, pk: int | None) -> Person | None:
    if pk is None:
        return None
    found = Person.objects.select_related("department").filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [_("There is no person #%(id)s.") % {"id": pk}]})
    return found


def _refuse() -> PermissionDenied:
    return PermissionDenied(_("Only the two people of a 1-on-1, while active, change it."))


def _meeting_out(request: HttpRequest, person: Person, meeting: Meeting, rights: access.SeriesRights) -> dict[str, Any]:
    page = selectors.meeting_page(
        meeting=meeting, viewer=person, rights=rights, organisation=request_organisation(request)
    )
    return {
        **_brief(meeting),
        "series": meeting.series_id,
        "manager": meeting.series.manager_id,
        "report": meeting.series.report_id,
        "previous": page.previous.pk if page.previous else None,
        "agenda": [vars(item) for item in page.agenda],
        "points": [_point_out(row.point) for row in page.points],
        "notes": [_note_out(n) for n in page.notes],
        "requests": [_request_out(r) for r in page.requests],
    }


def _changeable(person: Person, meeting_id: int) -> tuple[Meeting, access.SeriesRights]:
    meeting, rights = access.meeting_for(person, meeting_id)
    if not rights.change:
        raise _refuse()
    return meeting, rights


# --- series ------------------------------------------------------------------------------------------------------


@router.get("/one-on-ones", response={200: SeriesPage, **ERRORS}, tags=SERIES_TAG, summary="List my 1-on-1s")
def one_on_ones_list(request: HttpRequest) -> dict[str, Any]:
    """The caller's series, as manager and as report; an administrator's list holds every series of the company."""
    person = caller(request)
    page = selectors.my_one_on_ones(person)
    rows = page.everyone if person.is_admin else [*page.as_manager, *page.as_report]
    return {"items": [_series_out(row.series, person, row) for row in rows], "count": len(rows)}


@router.post(
    "/one-on-ones", response={201: SeriesOut, **WRITE_ERRORS}, tags=SERIES_TAG, summary="Start 1-on-1s (EXE-9)"
)
def one_on_one_create(request: HttpRequest, payload: SeriesCreate) -> Status[dict[str, Any]]:
    person = caller(request)
    if not person.is_active:
        raise _refuse()
    series = services.series_create(
        actor=person,
        manager=_person("manager", payload.manager),
        report=_person("report", payload.report),
        cadence=payload.cadence,
        weekday=payload.weekday,
        time=payload.time,
        duration_minutes=payload.duration_minutes,
    )
    return Status(201, _series_detail(series, person))


def _series_detail(series: Series, person: Person) -> dict[str, Any]:
    rights = access.series_rights(person, series)
    page = selectors.series_page(series=series, rights=rights)
    row = selectors.SeriesRow(
        series=series,
        other=series.report,
        next_at=page.next_meeting.scheduled_at if page.next_meeting else None,
        next_id=page.next_meeting.pk if page.next_meeting else None,
        open_requests=len(page.open_requests),
    )
    return {**_series_out(series, person, row), "meetings": [_brief(m) for m in page.meetings]}


@router.get(
    "/one-on-ones/{series_id}", response={200: SeriesDetail, **ERRORS}, tags=SERIES_TAG, summary="Get a 1-on-1 series"
)
def one_on_one_get(request: HttpRequest, series_id: PathId) -> dict[str, Any]:
    person = caller(request)
    series, _rights = access.series_for(person, series_id)
    return _series_detail(series, person)


@router.patch(
    "/one-on-ones/{series_id}",
    response={200: SeriesDetail, **WRITE_ERRORS},
    tags=SERIES_TAG,
    summary="Change a 1-on-1 series",
)
def one_on_one_update(request: HttpRequest, payload: SeriesUpdate, series_id: PathId) -> dict[str, Any]:
    person = caller(request)
    series, rights = access.series_for(person, series_id)
    if not rights.change:
        raise _refuse()
    series = services.series_update(actor=person, series=series, **payload.model_dump(exclude_unset=True))
    return _series_detail(series, person)


# --- meetings ----------------------------------------------------------------------------------------------------


@router.get(
    "/one-on-one-meetings/{meeting_id}",
    response={200: MeetingOut, **ERRORS},
    tags=MEETING_TAG,
    summary="Get a 1-on-1 with its agenda (EXE-9)",
)
def meeting_1on1_get(request: HttpRequest, meeting_id: PathId) -> dict[str, Any]:
    person = caller(request)
    meeting, rights = access.meeting_for(person, meeting_id)
    return _meeting_out(request, person, meeting, rights)


def _closed(meeting: Meeting, following: Meeting | None) -> dict[str, Any]:
    meeting.refresh_from_db()
    return {"meeting": _brief(meeting), "next_meeting": _brief(following) if following else None}


@router.post(
    "/one-on-one-meetings/{meeting_id}/hold",
    response={200: MeetingClosed, **WRITE_ERRORS},
    tags=MEETING_TAG,
    summary="Record a 1-on-1 as held",
)
def meeting_1on1_hold(request: HttpRequest, payload: HoldIn, meeting_id: PathId) -> dict[str, Any]:
    """Points not in `discussed` (and not ticked before) carry to the next meeting, which is planned."""
    person = caller(request)
    meeting, _rights = _changeable(person, meeting_id)
    following = services.meeting_hold(actor=person, meeting=meeting, discussed=payload.discussed)
    return _closed(meeting, following)


@router.post(
    "/one-on-one-meetings/{meeting_id}/skip",
    response={200: MeetingClosed, **WRITE_ERRORS},
    tags=MEETING_TAG,
    summary="Skip a 1-on-1",
)
def meeting_1on1_skip(request: HttpRequest, payload: SkipIn, meeting_id: PathId) -> dict[str, Any]:
    person = caller(request)
    meeting, _rights = _changeable(person, meeting_id)
    following = services.meeting_skip(actor=person, meeting=meeting, reason=payload.reason)
    return _closed(meeting, following)


@router.post(
    "/one-on-one-meetings/{meeting_id}/move",
    response={200: MeetingBrief, **WRITE_ERRORS},
    tags=MEETING_TAG,
    summary="Move a 1-on-1",
)
def meeting_1on1_move(request: HttpRequest, payload: MoveIn, meeting_id: PathId) -> dict[str, Any]:
    person = caller(request)
    meeting, _rights = _changeable(person, meeting_id)
    return _brief(services.meeting_move(actor=person, meeting=meeting, when=payload.when))


# --- talking points ----------------------------------------------------------------------------------------------


@router.post(
    "/one-on-one-meetings/{meeting_id}/talking-points",
    response={201: PointOut, **WRITE_ERRORS},
    tags=MEETING_TAG,
    summary="Add a talking point",
)
def talking_point_add(request: HttpRequest, payload: PointIn, meeting_id: PathId) -> Status[dict[str, Any]]:
    person = caller(request)
    meeting, _rights = _changeable(person, meeting_id)
    return Status(201, _point_out(services.point_add(actor=person, meeting=meeting, text=payload.text)))


@router.patch(
    "/talking-points/{point_id}",
    response={200: PointOut, **WRITE_ERRORS},
    tags=POINT_TAG,
    summary="Tick a talking point as discussed",
)
def talking_point_mark(request: HttpRequest, payload: PointUpdate, point_id: PathId) -> dict[str, Any]:
    person = caller(request)
    point, rights = access.point_for(person, point_id)
    if not rights.change:
        raise _refuse()
    if payload.discussed is not None:
        point = services.point_mark(actor=person, point=point, discussed=payload.discussed)
    return _point_out(point)


# --- notes -------------------------------------------------------------------------------------------------------


@router.post(
    "/one-on-one-meetings/{meeting_id}/notes",
    response={201: NoteOut, **WRITE_ERRORS},
    tags=MEETING_TAG,
    summary="Write a 1-on-1 note",
)
def note_1on1_add(request: HttpRequest, payload: NoteIn, meeting_id: PathId) -> Status[dict[str, Any]]:
    """A private note only its author reads; a shared one both of the pair read."""
    person = caller(request)
    meeting, _rights = _changeable(person, meeting_id)
    note = services.note_add(actor=person, meeting=meeting, text=payload.text, visibility=payload.visibility)
    return Status(201, _note_out(note))


@router.get(
    "/one-on-one-notes/{note_id}", response={200: NoteOut, **ERRORS}, tags=NOTE_TAG, summary="Get a 1-on-1 note"
)
def note_1on1_get(request: HttpRequest, note_id: PathId) -> dict[str, Any]:
    person = caller(request)
    note, _may_change = access.note_for(person, note_id)
    return _note_out(note)


@router.patch(
    "/one-on-one-notes/{note_id}",
    response={200: NoteOut, **WRITE_ERRORS},
    tags=NOTE_TAG,
    summary="Change a 1-on-1 note",
)
def note_1on1_update(request: HttpRequest, payload: NoteUpdate, note_id: PathId) -> dict[str, Any]:
    person = caller(request)
    note, may_change = access.note_for(person, note_id)
    if not may_change:
        raise PermissionDenied(_("Only its author changes a note."))
    data = payload.model_dump(exclude_unset=True)
    return _note_out(services.note_update(actor=person, note=note, **data))


# --- requests for support ----------------------------------------------------------------------------------------


@router.post(
    "/one-on-one-meetings/{meeting_id}/support-requests",
    response={201: RequestOut, **WRITE_ERRORS},
    tags=MEETING_TAG,
    summary="Ask for support (EXE-10)",
)
def support_ask(request: HttpRequest, payload: RequestIn, meeting_id: PathId) -> Status[dict[str, Any]]:
    """The owner (the manager when left out) is one of the pair and is told."""
    person = caller(request)
    meeting, _rights = _changeable(person, meeting_id)
    support = services.request_create(
        actor=person,
        series=meeting.series,
        meeting=meeting,
        text=payload.text,
        owner=_person("owner", payload.owner),
        due=payload.due,
    )
    return Status(201, _request_out(support))


@router.get(
    "/support-requests/{request_id}",
    response={200: RequestOut, **ERRORS},
    tags=REQUEST_TAG,
    summary="Get a request for support",
)
def support_get(request: HttpRequest, request_id: PathId) -> dict[str, Any]:
    person = caller(request)
    support, _rights = access.request_for(person, request_id)
    return _request_out(support)


@router.post(
    "/support-requests/{request_id}/settle",
    response={200: RequestOut, **WRITE_ERRORS},
    tags=REQUEST_TAG,
    summary="Settle a request for support (EXE-10)",
)
def support_settle(request: HttpRequest, payload: SettleIn, request_id: PathId) -> dict[str, Any]:
    """Its owner marks it done or declines it (a note says why); whoever asked is told."""
    person = caller(request)
    support, rights = access.request_for(person, request_id)
    if not rights.change or not access.may_settle(person, support):
        raise PermissionDenied(_("Only the request's owner settles it."))
    return _request_out(
        services.request_settle(actor=person, request=support, status=payload.status, note=payload.note)
    )
