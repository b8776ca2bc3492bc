"""Writing 1-on-1s (EXE-9, EXE-10): one transaction each, every change recorded in the series' history (without
what was said: the history tells that a note was written, never its text, since history pages are not the pair's
alone), the other of the pair told through the inbox in the same transaction where they should act.

Who may do what is `qibu.oneonones.access`, asked by pages and API before they call these (the actor is one of the
pair). The services refuse bad input by field (`FieldErrors`, nothing written): a pair the company's lines do not
allow, a second series for the same pair, a meeting held or skipped twice, a point added to a past meeting, a
request owned by someone outside the pair, declining without a note.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qibu.audit.services import history_record
from qibu.blockers.models import Blocker, BlockerSource
from qibu.blockers.services import blocker_create
from qibu.core.validation import NOTE_MAX, FieldErrors, clean_choice, clean_text
from qibu.notify.inbox import Subject, notify
from qibu.notify.models import NotificationKind
from qibu.oneonones.access import may_pair
from qibu.oneonones.models import (
    Meeting,
    Note,
    NoteSharing,
    OneOnOneCadence,
    OneOnOneStatus,
    Series,
    SupportRequest,
    SupportStatus,
    TalkingPoint,
    Weekday,
)
from qibu.oneonones.rules import next_meeting
from qibu.org.models import Person
from qibu.org.selectors import organisation_get

SERIES = "oneonones.series"
POINT_MAX = 500
DURATION_MIN, DURATION_MAX = 5, 240


def meeting_url(meeting: Meeting | int) -> str:
    return reverse("oneonones:meeting", args=[meeting if isinstance(meeting, int) else meeting.pk])


def series_url(series: Series | int) -> str:
    return reverse("oneonones:series", args=[series if isinstance(series, int) else series.pk])


# --- checks ----------------------------------------------------------------------------------------------------


def _clean_time(errors: FieldErrors, value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    try:
        return dt.time.fromisoformat(str(value or "").strip()).replace(second=0, microsecond=0, tzinfo=None)
    except ValueError:
        errors.add("time", _("“%(value)s” is not a time: write it as 09:30.") % {"value": value or ""})
        return dt.time(9, 30)


def _clean_duration(errors: FieldErrors, value: Any) -> int:
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        minutes = 0
    if not DURATION_MIN <= minutes <= DURATION_MAX:
        errors.add(
            "duration_minutes",
            _("A 1-on-1 lasts from %(min)d to %(max)d minutes.") % {"min": DURATION_MIN, "max": DURATION_MAX},
        )
    return minutes


def _clean_date(errors: FieldErrors, field: str, value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors.add(field, _("“%(value)s” is not a date: write it as 2026-10-01.") % {"value": value})
        return None


def _require_planned(errors: FieldErrors, meeting: Meeting, field: str | None = None) -> None:
    if meeting.status == OneOnOneStatus.HELD:
        errors.add(field, _("This 1-on-1 was already held on %(day)s.") % {"day": _day(meeting.held_at)})
    elif meeting.status == OneOnOneStatus.SKIPPED:
        errors.add(field, _("This 1-on-1 was skipped."))


def _require_active(errors: FieldErrors, series: Series) -> None:
    if not series.active:
        errors.add(None, _("This series of 1-on-1s has been stopped."))


def _day(moment: dt.datetime | None) -> str:
    if moment is None:
        return "—"
    return date_format(timezone.localtime(moment, organisation_get().zone), "SHORT_DATE_FORMAT")


def _when(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment, organisation_get().zone), "SHORT_DATETIME_FORMAT")


# --- the schedule -------------------------------------------------------------------------------------------------


def _anchor(series: Series, zone: dt.tzinfo) -> dt.date:
    """The day of the series' first meeting, which sets the weeks an every-two-weeks series meets."""
    created = series.created_at or timezone.now()
    return next_meeting(
        cadence=OneOnOneCadence.WEEKLY, weekday=series.weekday, time=series.time, after=created, zone=zone
    ).date()


def next_date(series: Series, *, after: dt.datetime) -> dt.datetime:
    zone = organisation_get().zone
    return next_meeting(
        cadence=series.cadence,
        weekday=series.weekday,
        time=series.time,
        after=after,
        zone=zone,
        anchor=_anchor(series, zone),
    )


def _plan_next(series: Series, *, after: dt.datetime) -> Meeting:
    return Meeting.objects.create(series=series, scheduled_at=next_date(series, after=after))


def _snapshot(series: Series) -> dict[str, Any]:
    return {
        "manager": series.manager_id,
        "report": series.report_id,
        "cadence": series.cadence,
        "weekday": series.weekday,
        "time": series.time.strftime("%H:%M"),
        "duration_minutes": series.duration_minutes,
        "active": series.active,
    }


def _other(series: Series, actor: Person) -> Person:
    return series.report if actor.pk == series.manager_id else series.manager


@transaction.atomic
def series_create(
    *,
    actor: Person,
    manager: Person | None,
    report: Person | None,
    cadence: Any = OneOnOneCadence.WEEKLY,
    weekday: Any = Weekday.MONDAY,
    time: Any = "10:00",
    duration_minutes: Any = 30,
    now: dt.datetime | None = None,
) -> Series:
    """Start the 1-on-1s of a manager and a report (the actor is one of them), with their first meeting planned."""
    now = now or timezone.now()
    errors = FieldErrors()
    if manager is None:
        errors.add("manager", _("Name the manager."))
    if report is None:
        errors.add("report", _("Name the person the manager meets."))
    cadence = clean_choice(errors, "cadence", cadence, OneOnOneCadence, OneOnOneCadence.WEEKLY)
    weekday = clean_choice(errors, "weekday", weekday, Weekday, Weekday.MONDAY)
    at = _clean_time(errors, time)
    minutes = _clean_duration(errors, duration_minutes)
    if manager is not None and report is not None:
        if actor.pk not in (manager.pk, report.pk):
            errors.add(None, _("Only the manager or the report starts their 1-on-1s."))
        if not may_pair(manager, report):
            errors.add(
                "report",
                _(
                    "%(manager)s is not %(report)s's manager nor the head of their department: 1-on-1s are between "
                    "a manager and their report."
                )
                % {"manager": manager, "report": report},
            )
        elif Series.objects.filter(manager=manager, report=report).exists():
            errors.add(
                "report", _("%(manager)s and %(report)s already have 1-on-1s.") % {"manager": manager, "report": report}
            )
    errors.raise_if_any()
    manager, report = cast(Person, manager), cast(Person, report)
    series = Series.objects.create(
        manager=manager,
        report=report,
        cadence=cadence,
        weekday=weekday,
        time=at,
        duration_minutes=minutes,
        created_by=actor,
    )
    if now != series.created_at:
        # The demo starts series in the past; the first meeting counts from then.
        Series.objects.filter(pk=series.pk).update(created_at=now)
        series.created_at = now
    meeting = _plan_next(series, after=now)
    history_record(actor=actor, action="one_on_one.create", subject=series, after=_snapshot(series))
    other = _other(series, actor)
    notify(
        kind=NotificationKind.ONE_ON_ONE,
        recipients=[other],
        text=lambda person: (
            _("%(actor)s started 1-on-1s with you; the first is on %(when)s.")
            % {"actor": actor, "when": _when(meeting.scheduled_at)}
        ),
        key=f"one_on_one:series:{series.pk}:created",
        subject=Subject(type="oneonones.meeting", id=meeting.pk, url=meeting_url(meeting)),
        actor=actor,
        now=now,
    )
    return series


def _replan(series: Series, *, was_active: bool, now: dt.datetime) -> None:
    """After a change of schedule: a stopped series skips its planned meeting; an active one has one planned, on
    the new rule unless it was moved by hand."""
    planned = Meeting.objects.filter(series=series, status=OneOnOneStatus.PLANNED).first()
    if was_active and not series.active:
        if planned is not None:
            planned.status = OneOnOneStatus.SKIPPED
            planned.skip_reason = _("The series was stopped.")
            planned.save(update_fields=["status", "skip_reason"])
    elif series.active:
        if planned is None:
            _plan_next(series, after=now)
        elif planned.moved_from is None:
            planned.scheduled_at = next_date(series, after=now)
            planned.save(update_fields=["scheduled_at"])


@transaction.atomic
def series_update(
    *,
    actor: Person,
    series: Series,
    cadence: Any = None,
    weekday: Any = None,
    time: Any = None,
    duration_minutes: Any = None,
    active: bool | None = None,
    now: dt.datetime | None = None,
) -> Series:
    """Change the cadence, day, time or length; stop the series (its planned meeting is skipped, nothing is
    deleted) or start it again (the next meeting is planned). The planned meeting follows the new rule unless it
    was moved by hand."""
    now = now or timezone.now()
    series = Series.objects.select_for_update().select_related("manager", "report").get(pk=series.pk)
    errors = FieldErrors()
    before = _snapshot(series)
    if cadence is not None:
        series.cadence = clean_choice(errors, "cadence", cadence, OneOnOneCadence, series.cadence)
    if weekday is not None:
        series.weekday = clean_choice(errors, "weekday", weekday, Weekday, series.weekday)
    if time is not None:
        series.time = _clean_time(errors, time)
    if duration_minutes is not None:
        series.duration_minutes = _clean_duration(errors, duration_minutes)
    if active is not None and active and not series.active and not may_pair(series.manager, series.report):
        errors.add(
            "active",
            _("%(manager)s no longer manages %(report)s.") % {"manager": series.manager, "report": series.report},
        )
    errors.raise_if_any()
    was_active = series.active
    if active is not None:
        series.active = active
    series.save(update_fields=["cadence", "weekday", "time", "duration_minutes", "active", "updated_at"])
    _replan(series, was_active=was_active, now=now)
    after = _snapshot(series)
    if after != before:
        history_record(actor=actor, action="one_on_one.update", subject=series, before=before, after=after)
    return series


# --- a meeting: hold, skip, move --------------------------------------------------------------------------------


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("series__manager", "series__report").get(pk=meeting.pk)


def _carry(meeting: Meeting, to: Meeting) -> int:
    """Copy the points not discussed in `meeting` to `to`, each marked as carried from its original."""
    points = [p for p in meeting.points.all() if not p.discussed]
    TalkingPoint.objects.bulk_create(
        [TalkingPoint(meeting=to, author_id=p.author_id, text=p.text, carried_from=p) for p in points]
    )
    return len(points)


def _close(meeting: Meeting, *, now: dt.datetime) -> tuple[Meeting | None, int]:
    series = meeting.series
    if not series.active:
        return None, 0
    after = max(now, meeting.scheduled_at, meeting.moved_from or meeting.scheduled_at)
    following = _plan_next(series, after=after)
    return following, _carry(meeting, following)


@transaction.atomic
def meeting_hold(
    *, actor: Person, meeting: Meeting, discussed: list[int] | None = None, now: dt.datetime | None = None
) -> Meeting | None:
    """The 1-on-1 took place: points ticked in `discussed` (ids) count as discussed; the others are carried to the
    next meeting, which is planned. Answers the next meeting. Held twice: refused."""
    now = now or timezone.now()
    meeting = _lock(meeting)
    errors = FieldErrors()
    _require_planned(errors, meeting)
    errors.raise_if_any()
    if discussed:
        TalkingPoint.objects.filter(meeting=meeting, pk__in=discussed).update(discussed=True)
    meeting.status = OneOnOneStatus.HELD
    meeting.held_at = now
    meeting.save(update_fields=["status", "held_at"])
    following, carried = _close(meeting, now=now)
    history_record(
        actor=actor,
        action="one_on_one.hold",
        subject=meeting.series,
        target=meeting,
        after={"held_at": now, "carried": carried, "next": following.pk if following else None},
    )
    return following


@transaction.atomic
def meeting_skip(
    *, actor: Person, meeting: Meeting, reason: Any = "", now: dt.datetime | None = None
) -> Meeting | None:
    """The 1-on-1 will not take place: every point carries to the next meeting, which is planned."""
    now = now or timezone.now()
    meeting = _lock(meeting)
    errors = FieldErrors()
    _require_planned(errors, meeting)
    text = clean_text(errors, "reason", reason, max_length=NOTE_MAX)
    errors.raise_if_any()
    meeting.status = OneOnOneStatus.SKIPPED
    meeting.skip_reason = text
    meeting.save(update_fields=["status", "skip_reason"])
    following, carried = _close(meeting, now=now)
    history_record(
        actor=actor,
        action="one_on_one.skip",
        subject=meeting.series,
        target=meeting,
        after={"carried": carried, "next": following.pk if following else None},
    )
    other = _other(meeting.series, actor)
    notify(
        kind=NotificationKind.ONE_ON_ONE,
        recipients=[other],
        text=lambda person: (
            _("%(actor)s skipped your 1-on-1 of %(when)s.") % {"actor": actor, "when": _when(meeting.scheduled_at)}
        ),
        key=f"one_on_one:{meeting.pk}:skipped",
        subject=Subject(type="oneonones.meeting", id=meeting.pk, url=meeting_url(meeting)),
        actor=actor,
        now=now,
    )
    return following


def _clean_moment(errors: FieldErrors, field: str, value: Any) -> dt.datetime | None:
    zone = organisation_get().zone
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value or "").strip())
        except ValueError:
            errors.add(
                field, _("“%(value)s” is not a date and time: write it as 2026-10-01 09:30.") % {"value": value or ""}
            )
            return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=zone)
    return moment


@transaction.atomic
def meeting_move(*, actor: Person, meeting: Meeting, when: Any, now: dt.datetime | None = None) -> Meeting:
    """Move a planned 1-on-1 to another day or time (not into the past); the other of the pair is told."""
    now = now or timezone.now()
    meeting = _lock(meeting)
    errors = FieldErrors()
    _require_planned(errors, meeting)
    moment = _clean_moment(errors, "when", when)
    if moment is not None and moment < now:
        errors.add("when", _("A 1-on-1 cannot be moved into the past."))
    errors.raise_if_any()
    moment = cast(dt.datetime, moment)
    before = meeting.scheduled_at
    meeting.moved_from = meeting.moved_from or before
    meeting.scheduled_at = moment
    meeting.save(update_fields=["scheduled_at", "moved_from"])
    history_record(
        actor=actor,
        action="one_on_one.move",
        subject=meeting.series,
        target=meeting,
        before={"scheduled_at": before},
        after={"scheduled_at": moment},
    )
    other = _other(meeting.series, actor)
    notify(
        kind=NotificationKind.ONE_ON_ONE,
        recipients=[other],
        text=lambda person: (
            _("%(actor)s moved your 1-on-1 from %(before)s to %(when)s.")
            % {"actor": actor, "before": _when(before), "when": _when(moment)}
        ),
        key=f"one_on_one:{meeting.pk}:moved:{moment.isoformat()}",
        subject=Subject(type="oneonones.meeting", id=meeting.pk, url=meeting_url(meeting)),
        actor=actor,
        now=now,
    )
    return meeting


# --- talking points and notes -------------------------------------------------------------------------------------


@transaction.atomic
def point_add(*, actor: Person, meeting: Meeting, text: Any) -> TalkingPoint:
    """A talking point for a planned 1-on-1, by either of the pair."""
    meeting = _lock(meeting)
    errors = FieldErrors()
    _require_planned(errors, meeting, "text")
    words = clean_text(errors, "text", text, max_length=POINT_MAX, missing=_("Write the talking point."))
    errors.raise_if_any()
    point = TalkingPoint.objects.create(meeting=meeting, author=actor, text=words)
    history_record(actor=actor, action="talking_point.add", subject=meeting.series, target=point)
    return point


@transaction.atomic
def point_mark(*, actor: Person, point: TalkingPoint, discussed: bool) -> TalkingPoint:
    """Tick a point as discussed during the meeting (or untick it)."""
    point.meeting = _lock(point.meeting)
    errors = FieldErrors()
    _require_planned(errors, point.meeting, "discussed")
    errors.raise_if_any()
    if point.discussed != discussed:
        point.discussed = discussed
        point.save(update_fields=["discussed"])
        history_record(
            actor=actor,
            action="talking_point.discuss",
            subject=point.meeting.series,
            target=point,
            after={"discussed": discussed},
        )
    return point


@transaction.atomic
def note_add(*, actor: Person, meeting: Meeting, text: Any, visibility: Any = NoteSharing.SHARED) -> Note:
    """A note on a 1-on-1 (before, during or after it): private to its author, or shared with the other."""
    errors = FieldErrors()
    words = clean_text(errors, "text", text, max_length=NOTE_MAX, missing=_("Write the note."))
    seen = clean_choice(errors, "visibility", visibility, NoteSharing, NoteSharing.SHARED)
    if not meeting.series.has(actor.pk):
        errors.add(None, _("Only the two people of a 1-on-1 write its notes."))
    errors.raise_if_any()
    note = Note.objects.create(meeting=meeting, author=actor, text=words, visibility=seen)
    # The history says a note was written, never what it says.
    history_record(actor=actor, action="note.add", subject=meeting.series, target=note, after={"visibility": seen})
    return note


@transaction.atomic
def note_update(*, actor: Person, note: Note, text: Any = None, visibility: Any = None) -> Note:
    """Its author changes a note's text or who sees it."""
    errors = FieldErrors()
    if note.author_id != actor.pk:
        errors.add(None, _("Only its author changes a note."))
    words = (
        note.text
        if text is None
        else clean_text(errors, "text", text, max_length=NOTE_MAX, missing=_("Write the note."))
    )
    seen = (
        note.visibility
        if visibility is None
        else clean_choice(errors, "visibility", visibility, NoteSharing, note.visibility)
    )
    errors.raise_if_any()
    before = {"visibility": note.visibility}
    note.text, note.visibility = words, seen
    note.save(update_fields=["text", "visibility", "updated_at"])
    history_record(
        actor=actor,
        action="note.update",
        subject=note.meeting.series,
        target=note,
        before=before,
        after={"visibility": seen},
    )
    return note


# --- requests for support (EXE-10) --------------------------------------------------------------------------------


def _request_subject(request: SupportRequest) -> Subject:
    return Subject(
        type="oneonones.supportrequest", id=request.pk, url=series_url(request.series_id) + f"#request-{request.pk}"
    )


@transaction.atomic
def request_create(
    *,
    actor: Person,
    series: Series,
    text: Any,
    owner: Person | None = None,
    due: Any = None,
    meeting: Meeting | None = None,
    now: dt.datetime | None = None,
) -> SupportRequest:
    """EXE-10: ask for support or resources. The owner (by default the manager) is one of the pair and is told."""
    now = now or timezone.now()
    errors = FieldErrors()
    words = clean_text(
        errors, "text", text, max_length=NOTE_MAX, missing=_("Say what support or resources are needed.")
    )
    owner = owner or series.manager
    if not series.has(owner.pk):
        errors.add(
            "owner",
            _("%(name)s is not one of this 1-on-1's pair: a request is owned by one of the two.") % {"name": owner},
        )
    elif not owner.is_active:
        errors.add("owner", _("%(name)s is no longer active in the company: choose someone who is.") % {"name": owner})
    day = _clean_date(errors, "due", due)
    if day is not None and day < timezone.localdate(now, organisation_get().zone):
        errors.add("due", _("The due date is in the past."))
    if meeting is not None and meeting.series_id != series.pk:
        errors.add(None, _("That 1-on-1 belongs to another pair."))
    _require_active(errors, series)
    errors.raise_if_any()
    request = SupportRequest.objects.create(
        series=series, raised_in=meeting, asked_by=actor, owner=owner, text=words, due=day
    )
    if request.created_at != now:
        SupportRequest.objects.filter(pk=request.pk).update(created_at=now)
        request.created_at = now
    history_record(
        actor=actor,
        action="support_request.create",
        subject=series,
        target=request,
        after={"owner": owner.pk, "due": day},
    )
    notify(
        kind=NotificationKind.ONE_ON_ONE,
        recipients=[owner],
        text=lambda person: (
            _("%(actor)s asks you for support in your 1-on-1s, due %(due)s: “%(text)s”.")
            % {"actor": actor, "due": date_format(day, "SHORT_DATE_FORMAT"), "text": words[:200]}
            if day
            else _("%(actor)s asks you for support in your 1-on-1s: “%(text)s”.")
            % {"actor": actor, "text": words[:200]}
        ),
        key=f"one_on_one:request:{request.pk}:created",
        subject=_request_subject(request),
        actor=actor,
        now=now,
    )
    return request


@transaction.atomic
def request_settle(
    *, actor: Person, request: SupportRequest, status: Any, note: Any = "", now: dt.datetime | None = None
) -> SupportRequest:
    """EXE-10: the owner marks a request done, or declines it with a note; whoever asked is told."""
    now = now or timezone.now()
    request = (
        SupportRequest.objects.select_for_update().select_related("series", "asked_by", "owner").get(pk=request.pk)
    )
    errors = FieldErrors()
    chosen = clean_choice(errors, "status", status, SupportStatus, SupportStatus.OPEN)
    if chosen == SupportStatus.OPEN and "status" not in errors:
        errors.add("status", _("Choose done or declined."))
    words = clean_text(errors, "note", note, max_length=NOTE_MAX)
    if chosen == SupportStatus.DECLINED and not words:
        errors.add("note", _("Say why the request is declined."))
    if request.owner_id != actor.pk:
        errors.add(None, _("Only the request's owner, %(name)s, settles it.") % {"name": request.owner})
    if not request.is_open:
        errors.add(
            "status", _("This request was already settled: %(status)s.") % {"status": request.get_status_display()}
        )
    errors.raise_if_any()
    request.status = chosen
    request.resolution = words
    request.resolved_at = now
    request.save(update_fields=["status", "resolution", "resolved_at", "updated_at"])
    history_record(
        actor=actor,
        action="support_request.settle",
        subject=request.series,
        target=request,
        before={"status": SupportStatus.OPEN},
        after={"status": chosen},
    )
    notify(
        kind=NotificationKind.ONE_ON_ONE,
        recipients=[request.asked_by],
        text=lambda person: (
            (
                _("%(actor)s did what you asked: “%(text)s”.")
                if chosen == SupportStatus.DONE
                else _("%(actor)s declined what you asked: “%(text)s”.")
            )
            % {"actor": actor, "text": request.text[:200]}
        ),
        key=f"one_on_one:request:{request.pk}:settled",
        subject=_request_subject(request),
        actor=actor,
        now=now,
    )
    return request


# --- a blocker raised in a 1-on-1 (EXE-2) --------------------------------------------------------------------------


def blocker_raise(*, actor: Person, meeting: Meeting, title: Any, owner: Person | None) -> Blocker:
    """A blocker that came up in the 1-on-1: listed with the report's team (else department), owned by one of the
    pair, the other concerned; it then lives as any blocker (its follow-up, escalation)."""
    series = meeting.series
    errors = FieldErrors()
    if owner is None or not series.has(owner.pk):
        errors.add("owner", _("Choose one of the two of this 1-on-1 to settle it."))
    errors.raise_if_any()
    owner = cast(Person, owner)
    report = series.report
    other = series.manager if owner.pk == series.report_id else series.report
    return blocker_create(
        actor=actor,
        title=title,
        owner=owner,
        concerned=[other],
        team=report.team,
        department=None if report.team_id else report.department,
        source=BlockerSource.ONE_ON_ONE,
        source_id=meeting.pk,
    )
