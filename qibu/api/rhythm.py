"""The rhythm (issue 7, items 6 and 8): schedules of the method's meetings and deadlines, set by administrators and
by department heads for their own department (`qibu.rhythm.access`, as the reminders' settings page), and the
caller's private calendar address, whose secret is answered once, when it is made."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from qibu.api.okrs import caller
from qibu.api.pagination import paginate
from qibu.api.schemas import ERRORS, WRITE_ERRORS, Id, InputSchema, PageOut, PageQuery, PathId, QuerySchema
from qibu.core.validation import SHORT_NAME_MAX
from qibu.org.models import Person
from qibu.rhythm import access, services
from qibu.rhythm.models import Absence, CalendarToken, CycleScope, Holiday, Recurrence, Schedule, ScheduleKind
from qibu.rhythm.rules import DEFAULTS
from qibu.rhythm.selectors import absences_of, schedules_managed, schedules_of
from qibu.rhythm.services import EARLIEST_REMINDER, LATEST_LATE_REMINDER, LONGEST_MEETING, LONGEST_OFFSET, ScheduleInput

router = Router()

Weekday = Annotated[int, Field(ge=0, le=6)]
# A wall-clock time in the organisation's time zone, "09:30" (OpenAPI's `time` format would need an offset).
TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"
LocalTime = Annotated[
    str,
    Field(
        description="Local time of day in the organisation's time zone, e.g. 09:30.",
        json_schema_extra={"pattern": TIME_PATTERN, "examples": ["09:30"]},
    ),
]
WEEKDAYS = "Monday is 0, Sunday 6; for weekly schedules (others ignore them)."


class ScheduleOut(Schema):
    id: int
    kind: ScheduleKind
    title: str = Field(description="Empty: the kind's name is shown.")
    department: int | None
    team: int | None = Field(description="Neither department nor team: the management meeting (EXE-6).")
    recurrence: Recurrence
    weekdays: list[int] = Field(description=WEEKDAYS)
    time: LocalTime
    duration_minutes: int
    cycle_kind: CycleScope | None = Field(description="The cycles a by-cycle schedule follows; null for the others.")
    day_offset: int = Field(description="Days before the cycle's last day (cycle_end) or after its first day.")
    late_after_hours: int | None = Field(description="Check-ins: a late reminder this many hours after the first.")
    remind_before_minutes: int = Field(description="Meetings: the first reminder this many minutes before the start.")
    late_before_minutes: int | None = Field(
        description="Stand-ups: a late reminder this many minutes before the start, naming who has not posted."
    )
    time_zone: str = Field(description="The schedule's IANA time zone; empty: the organisation's.")
    active: bool
    may_change: bool = Field(description="Whether the caller may change or delete it.")


class SchedulePage(PageOut):
    items: list[ScheduleOut]


class ScheduleFilters(QuerySchema):
    following: bool = Field(
        False, description="The schedules the caller follows (their calendar's), instead of those they set."
    )


class _ScheduleFields(InputSchema):
    title: str | None = Field(None, max_length=SHORT_NAME_MAX)
    department: Id | None = None
    team: Id | None = None
    weekdays: list[Weekday] | None = Field(None, max_length=7, description=WEEKDAYS)
    time: LocalTime | None = None
    duration_minutes: int | None = Field(None, ge=1, le=LONGEST_MEETING)
    cycle_kind: CycleScope | None = None
    day_offset: int | None = Field(None, ge=0, le=max(LONGEST_OFFSET.values()))
    late_after_hours: int | None = Field(None, ge=1, le=LATEST_LATE_REMINDER)
    remind_before_minutes: int | None = Field(None, ge=0, le=EARLIEST_REMINDER)
    late_before_minutes: int | None = Field(None, ge=1, le=EARLIEST_REMINDER)
    time_zone: str | None = Field(
        None, max_length=64, description="An IANA name (Asia/Shanghai); empty: the organisation's."
    )
    active: bool | None = None


class ScheduleCreate(_ScheduleFields):
    """A schedule for a department or a team (or neither: the management meeting, administrators only). Left out,
    `recurrence`, `weekdays`, `time` and `duration_minutes` take the kind's usual rhythm (a check-in on Friday at
    16:00, a stand-up every workday at 09:30 …)."""

    NULLABLE = frozenset({"late_after_hours", "late_before_minutes"})

    kind: ScheduleKind
    recurrence: Recurrence | None = None


class ScheduleUpdate(_ScheduleFields):
    """Only the fields sent change. Sending `department` or `team` sets the group: the other becomes none (both
    null: the management meeting's). `late_after_hours: null`: no late reminder."""

    NULLABLE = frozenset({"department", "team", "late_after_hours", "late_before_minutes"})

    kind: ScheduleKind | None = None
    recurrence: Recurrence | None = None


class CalendarOut(Schema):
    exists: bool = Field(description="Whether the caller has a calendar address.")
    starts_with: str | None = Field(description="Its first characters, as the settings page shows them.")
    created_at: dt.datetime | None
    last_used_at: dt.datetime | None = Field(description="When a calendar program last read it (hourly at most).")


class CalendarMade(CalendarOut):
    url: str = Field(description="The private address to subscribe to: answered only now, stored nowhere.")


def _out(schedule: Schedule, may_change: bool) -> dict[str, Any]:
    return {
        "id": schedule.pk,
        "kind": schedule.kind,
        "title": schedule.title,
        "department": schedule.department_id,
        "team": schedule.team_id,
        "recurrence": schedule.recurrence,
        "weekdays": [int(d) for d in schedule.weekdays or ()],
        "time": schedule.time.strftime("%H:%M"),
        "duration_minutes": schedule.duration_minutes,
        "cycle_kind": schedule.cycle_kind or None,
        "day_offset": schedule.day_offset,
        "late_after_hours": schedule.late_after_hours,
        "remind_before_minutes": schedule.remind_before_minutes,
        "late_before_minutes": schedule.late_before_minutes,
        "time_zone": schedule.time_zone,
        "active": schedule.active,
        "may_change": may_change,
    }


def _may_set_some(person: Person) -> set[int]:
    """The departments the person heads; 403 for who may set no schedule (as the reminders' settings page)."""
    headed = access.headed_department_ids(person)
    if not person.is_admin and not headed:
        raise PermissionDenied(_("Only administrators and department heads set schedules."))
    return headed


@router.get("/schedules", response={200: SchedulePage, **ERRORS}, summary="Schedules", tags=["schedules"])
def schedules_list(request: HttpRequest, filters: Query[ScheduleFilters], paging: Query[PageQuery]) -> dict[str, Any]:
    """The schedules the caller may set (administrators: all; a department's head: their department's and its
    teams'; 403 for others), or with `following=true` the active ones the caller follows (anyone)."""
    person = caller(request)
    if filters.following:
        headed = access.headed_department_ids(person)
        items, meta = paginate(schedules_of(person), paging)
    else:
        headed = _may_set_some(person)
        items, meta = paginate(schedules_managed(person, headed), paging)
    allowed = [
        _out(s, access.may_manage(person, department_id=access.group_department_id(s), headed=headed)) for s in items
    ]
    return {**meta, "items": allowed}


@router.get("/schedules/{schedule_id}", response={200: ScheduleOut, **ERRORS}, summary="A schedule", tags=["schedules"])
def schedule_get(request: HttpRequest, schedule_id: PathId) -> dict[str, Any]:
    """Anyone signed in may read a schedule (PUB-2: the rhythm is no secret)."""
    schedule, may_change = access.schedule_for(caller(request), schedule_id)
    return _out(schedule, may_change)


def _create_input(data: dict[str, Any]) -> ScheduleInput:
    usual = DEFAULTS.get(data["kind"], {})
    recurrence = data.get("recurrence") or usual.get("recurrence")
    weekdays: Any = data.get("weekdays")
    if weekdays is None:
        weekdays = usual.get("weekdays", []) if recurrence == usual.get("recurrence") else []
    offset = data.get("day_offset")
    return ScheduleInput(
        kind=data["kind"],
        recurrence=recurrence,
        time=usual.get("time") if data.get("time") is None else data["time"],
        department_id=data.get("department"),
        team_id=data.get("team"),
        weekdays=weekdays,
        title=data.get("title") or "",
        duration_minutes=data.get("duration_minutes") or usual.get("duration", 30),
        cycle_kind=data.get("cycle_kind") or CycleScope.QUARTER,
        day_offset=usual.get("offset", 0) if offset is None else offset,
        late_after_hours=data.get("late_after_hours"),
        remind_before_minutes=data.get("remind_before_minutes", usual.get("remind_before", 0)),
        late_before_minutes=data.get("late_before_minutes", usual.get("late_before")),
        time_zone=data.get("time_zone") or "",
        active=data.get("active", True) is not False,
    )


@router.post("/schedules", response={201: ScheduleOut, **WRITE_ERRORS}, summary="Set a schedule", tags=["schedules"])
def schedule_create(request: HttpRequest, payload: ScheduleCreate) -> Status[dict[str, Any]]:
    """For a department or team the caller may set (`422` naming `department` or `team` otherwise)."""
    person = caller(request)
    _may_set_some(person)
    schedule = services.schedule_create(actor=person, data=_create_input(payload.model_dump(exclude_unset=True)))
    return Status(201, _out(schedule, True))


def _update_input(schedule: Schedule, data: dict[str, Any]) -> ScheduleInput:
    group: dict[str, Any] = {"department_id": schedule.department_id, "team_id": schedule.team_id}
    if "department" in data or "team" in data:
        group = {"department_id": data.get("department"), "team_id": data.get("team")}
    kept = {
        "kind": schedule.kind,
        "recurrence": schedule.recurrence,
        "time": schedule.time,
        "weekdays": schedule.weekdays,
        "title": schedule.title,
        "duration_minutes": schedule.duration_minutes,
        "cycle_kind": schedule.cycle_kind or CycleScope.QUARTER,
        "day_offset": schedule.day_offset,
        "late_after_hours": schedule.late_after_hours,
        "remind_before_minutes": schedule.remind_before_minutes,
        "late_before_minutes": schedule.late_before_minutes,
        "time_zone": schedule.time_zone,
        "active": schedule.active,
    }
    sent = {name: data[name] for name in kept if name in data}
    return ScheduleInput(**(kept | sent), **group)


@router.patch(
    "/schedules/{schedule_id}",
    response={200: ScheduleOut, **WRITE_ERRORS},
    summary="Change a schedule",
    tags=["schedules"],
)
def schedule_update(request: HttpRequest, payload: ScheduleUpdate, schedule_id: PathId) -> dict[str, Any]:
    person = caller(request)
    schedule = access.schedule_to_change(person, schedule_id)
    data = payload.model_dump(exclude_unset=True)
    changed = services.schedule_update(actor=person, schedule=schedule, data=_update_input(schedule, data))
    return _out(changed, True)


@router.delete(
    "/schedules/{schedule_id}", response={204: None, **WRITE_ERRORS}, summary="Delete a schedule", tags=["schedules"]
)
def schedule_delete(request: HttpRequest, schedule_id: PathId) -> Status[None]:
    """No more reminders come from it."""
    person = caller(request)
    schedule = access.schedule_to_change(person, schedule_id)
    services.schedule_delete(actor=person, schedule=schedule)
    return Status(204, None)


# --- the caller's calendar address ---------------------------------------------------------------------------


def _calendar_out(token: CalendarToken | None) -> dict[str, Any]:
    if token is None:
        return {"exists": False, "starts_with": None, "created_at": None, "last_used_at": None}
    return {
        "exists": True,
        "starts_with": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
    }


@router.get(
    "/calendar", response={200: CalendarOut, **ERRORS}, summary="The caller's calendar address", tags=["calendar"]
)
def calendar_get(request: HttpRequest) -> dict[str, Any]:
    """Whether the caller has one, when it was made and last read; never the address itself."""
    return _calendar_out(CalendarToken.objects.filter(person=caller(request)).first())


@router.post(
    "/calendar", response={201: CalendarMade, **WRITE_ERRORS}, summary="Make a calendar address", tags=["calendar"]
)
def calendar_make(request: HttpRequest) -> Status[dict[str, Any]]:
    """A new private address replaces the old one, which stops working. `url` is answered only now."""
    person = caller(request)
    secret = services.calendar_token_make(actor=person, person=person)
    token = CalendarToken.objects.get(person=person)
    url = request.build_absolute_uri(reverse("rhythm:calendar_feed", args=[secret]))
    return Status(201, {**_calendar_out(token), "url": url})


@router.delete(
    "/calendar", response={204: None, **WRITE_ERRORS}, summary="Revoke the calendar address", tags=["calendar"]
)
def calendar_revoke(request: HttpRequest) -> Status[None]:
    """Calendars using it get nothing more; `404` when the caller has none."""
    person = caller(request)
    if not services.calendar_token_revoke(actor=person, person=person):
        raise Http404
    return Status(204, None)


# --- holidays and absences -------------------------------------------------------------------------------------


class HolidayOut(Schema):
    id: int
    day: dt.date
    name: str


class HolidayCreate(InputSchema):
    """A day off for the whole organisation: no stand-up, reminder or meeting on it (administrators)."""

    day: dt.date
    name: str = Field(max_length=services.HOLIDAY_NAME_MAX)


class AbsenceOut(Schema):
    id: int
    person: int
    start: dt.date
    end: dt.date = Field(description="The last day away (included).")
    note: str


class AbsenceCreate(InputSchema):
    """An absence of the caller, or of `person` for their manager or an administrator."""

    person: Id | None = Field(None, description="Left out: the caller.")
    start: dt.date
    end: dt.date
    note: str = Field("", max_length=services.ABSENCE_NOTE_MAX)


class AbsenceFilters(QuerySchema):
    person: Id | None = Field(None, description="Left out: the caller's own absences.")


def _holiday_out(holiday: Holiday) -> dict[str, Any]:
    return {"id": holiday.pk, "day": holiday.day, "name": holiday.name}


def _absence_out(absence: Absence) -> dict[str, Any]:
    return {
        "id": absence.pk,
        "person": absence.person_id,
        "start": absence.start,
        "end": absence.end,
        "note": absence.note,
    }


@router.get("/holidays", response={200: list[HolidayOut], **ERRORS}, summary="Holidays", tags=["holidays"])
def holidays_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The organisation's holidays, by day (anyone signed in: the rhythm is no secret)."""
    caller(request)
    return [_holiday_out(h) for h in Holiday.objects.order_by("day")]


@router.post("/holidays", response={201: HolidayOut, **WRITE_ERRORS}, summary="Set a holiday", tags=["holidays"])
def holiday_create(request: HttpRequest, payload: HolidayCreate) -> Status[dict[str, Any]]:
    """Administrators only (403 for others)."""
    person = caller(request)
    if not person.is_admin:
        raise PermissionDenied(_("Only an administrator sets the holidays."))
    holiday = services.holiday_create(actor=person, day=payload.day, name=payload.name)
    return Status(201, _holiday_out(holiday))


@router.delete(
    "/holidays/{holiday_id}", response={204: None, **WRITE_ERRORS}, summary="Remove a holiday", tags=["holidays"]
)
def holiday_delete(request: HttpRequest, holiday_id: PathId) -> Status[None]:
    person = caller(request)
    holiday = Holiday.objects.filter(pk=holiday_id).first()
    if holiday is None:
        raise Http404
    if not person.is_admin:
        raise PermissionDenied(_("Only an administrator sets the holidays."))
    services.holiday_delete(actor=person, holiday=holiday)
    return Status(204, None)


def _person_to_record(actor: Person, person_id: int | None) -> Person:
    if person_id is None or person_id == actor.pk:
        return actor
    person = Person.objects.filter(pk=person_id, is_active=True).first()
    if person is None:
        raise Http404
    if not access.may_record_absence(actor, person):
        raise PermissionDenied(_("You may record only your own absences and those of the people who report to you."))
    return person


@router.get("/absences", response={200: list[AbsenceOut], **ERRORS}, summary="Absences", tags=["absences"])
def absences_list(request: HttpRequest, filters: Query[AbsenceFilters]) -> list[dict[str, Any]]:
    """The absences of the caller (or of `person`, for their manager or an administrator) not over yet."""
    actor = caller(request)
    person = _person_to_record(actor, filters.person)
    today = dt.datetime.now(tz=dt.UTC).date()
    return [_absence_out(a) for a in absences_of([person.pk], since=today - dt.timedelta(days=1))]


@router.post("/absences", response={201: AbsenceOut, **WRITE_ERRORS}, summary="Record an absence", tags=["absences"])
def absence_create(request: HttpRequest, payload: AbsenceCreate) -> Status[dict[str, Any]]:
    actor = caller(request)
    person = _person_to_record(actor, payload.person)
    absence = services.absence_create(
        actor=actor, person=person, start=payload.start, end=payload.end, note=payload.note
    )
    return Status(201, _absence_out(absence))


@router.delete(
    "/absences/{absence_id}", response={204: None, **WRITE_ERRORS}, summary="Remove an absence", tags=["absences"]
)
def absence_delete(request: HttpRequest, absence_id: PathId) -> Status[None]:
    actor = caller(request)
    services.absence_delete(actor=actor, absence=access.absence_for(actor, absence_id))
    return Status(204, None)
