"""The rhythm's writes: schedules (by administrators, and by department heads for their own department) and each
person's private calendar address. One transaction each, history for every change."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, cast
from zoneinfo import available_timezones as _zones

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.audit.services import changed_fields, history_record, snapshot
from qibu.core.validation import SHORT_NAME_MAX, FieldErrors, clean_text
from qibu.org.models import Department, Organisation, Person, Team
from qibu.org.selectors import organisation_get
from qibu.rhythm import access
from qibu.rhythm.models import Absence, CalendarToken, CycleScope, Holiday, Recurrence, Schedule, ScheduleKind
from qibu.rhythm.rules import ALLOWED, MEETINGS

SCHEDULE_FIELDS = (
    "kind",
    "title",
    "department",
    "team",
    "recurrence",
    "weekdays",
    "duration_minutes",
    "cycle_kind",
    "day_offset",
    "late_after_hours",
    "remind_before_minutes",
    "late_before_minutes",
    "time_zone",
    "active",
)
LONGEST_MEETING = 480
# A meeting's first reminder comes at most a day before it.
EARLIEST_REMINDER = 1440
LATEST_LATE_REMINDER = 72
# A by-cycle schedule falls inside its cycle: at most this many days from its end or start.
LONGEST_OFFSET = {CycleScope.MONTH: 27, CycleScope.QUARTER: 89, CycleScope.ANNUAL: 364}


@dataclass(frozen=True)
class ScheduleInput:
    """A schedule as a page, the API or a command gives it (raw values: the service checks them)."""

    kind: Any
    recurrence: Any
    time: Any
    department_id: int | None = None
    team_id: int | None = None
    weekdays: Iterable[Any] = ()
    title: Any = ""
    duration_minutes: Any = 30
    cycle_kind: Any = CycleScope.QUARTER
    day_offset: Any = 0
    late_after_hours: Any = None
    remind_before_minutes: Any = 0
    late_before_minutes: Any = None
    time_zone: Any = ""
    active: bool = True


def _clean_time(errors: FieldErrors, value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    text = str(value or "").strip()
    try:
        parsed = dt.time.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is None or len(text) < 4:
        errors.add("time", _("“%(value)s” is not a time of day: write it as 09:30.") % {"value": text})
        return dt.time(9, 0)
    return parsed.replace(second=0, microsecond=0, tzinfo=None)


@cache
def available_timezones() -> frozenset[str]:
    return frozenset(_zones())


def _clean_zone(errors: FieldErrors, value: Any) -> str:
    """A time zone's IANA name (Asia/Shanghai), or blank for the organisation's."""
    name = str(value or "").strip()
    if not name:
        return ""
    if name not in available_timezones():
        errors.add("time_zone", _("“%(value)s” is not a time zone: write it as Asia/Shanghai.") % {"value": name})
        return ""
    return name


def _clean_int(errors: FieldErrors, field: str, value: Any, low: int, high: int, message: str) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = low - 1
    if not low <= number <= high:
        errors.add(field, message % {"value": value, "low": low, "high": high})
        return low
    return number


def _clean_weekdays(errors: FieldErrors, values: Iterable[Any], recurrence: str) -> list[int]:
    if recurrence != Recurrence.WEEKLY:
        return []
    days: set[int] = set()
    for value in values:
        try:
            day = int(str(value).strip())
        except ValueError:
            day = -1
        if not 0 <= day <= 6:
            errors.add(
                "weekdays",
                _("Weekday “%(value)s” is out of range: use 0 (Monday) to 6 (Sunday).") % {"value": value},
            )
        else:
            days.add(day)
    if not days and "weekdays" not in errors:
        errors.add("weekdays", _("Choose at least one weekday."))
    return sorted(days)


def _clean_group(
    errors: FieldErrors, actor: Person | None, kind: str, department_id: int | None, team_id: int | None
) -> tuple[Department | None, Team | None]:
    """The schedule's group: a team or a department, or neither for the management meeting; only one the actor may
    set."""
    if kind == ScheduleKind.MANAGEMENT_MEETING:
        if department_id or team_id:
            errors.add("department", _("The management meeting is the company's: choose no department or team."))
        elif actor is not None and not actor.is_admin:
            errors.add("kind", _("Only an administrator sets the management meeting."))
        return None, None
    if department_id and team_id:
        errors.add("team", _("Choose a department or a team, not both."))
        return None, None
    if not department_id and not team_id:
        errors.add("department", _("Choose the department or the team this schedule is for."))
        return None, None
    team = Team.objects.filter(pk=team_id).first() if team_id else None
    department = Department.objects.filter(pk=department_id).first() if department_id else None
    if team_id and team is None:
        errors.add("team", _("There is no such team."))
    if department_id and department is None:
        errors.add("department", _("There is no such department."))
    owner_department = team.department_id if team else (department.pk if department else None)
    if owner_department and actor is not None and not access.may_manage(actor, department_id=owner_department):
        field = "team" if team_id else "department"
        errors.add(field, _("You may set schedules only for the department you head and its teams."))
    return department, team


def _clean_reminders(errors: FieldErrors, kind: str, data: ScheduleInput) -> tuple[int, int | None]:
    """A meeting's first reminder before it; a stand-up's late reminder before it, after the first."""
    remind_before = 0
    if kind in MEETINGS:
        remind_before = _clean_int(
            errors,
            "remind_before_minutes",
            data.remind_before_minutes or 0,
            0,
            EARLIEST_REMINDER,
            _("The reminder comes %(low)d to %(high)d minutes before the meeting."),
        )
    elif data.remind_before_minutes not in (None, "", 0, "0"):
        errors.add("remind_before_minutes", _("Only meetings have a reminder before them."))
    late_before = data.late_before_minutes
    if late_before in (None, ""):
        late_before = None
    elif kind != ScheduleKind.STAND_UP:
        errors.add("late_before_minutes", _("Only stand-ups have a late reminder before the meeting."))
        late_before = None
    else:
        late_before = _clean_int(
            errors,
            "late_before_minutes",
            late_before,
            1,
            EARLIEST_REMINDER,
            _("The late reminder comes %(low)d to %(high)d minutes before the meeting."),
        )
        if "remind_before_minutes" not in errors and late_before >= remind_before:
            errors.add(
                "late_before_minutes",
                _("The late reminder comes after the first: fewer minutes before the meeting than it."),
            )
    return remind_before, late_before


def _clean(actor: Person | None, data: ScheduleInput) -> dict[str, Any]:
    errors = FieldErrors()
    kind = str(data.kind or "")
    if kind not in ScheduleKind.values:
        errors.add("kind", _("Choose what the schedule is for."))
    recurrence = str(data.recurrence or "")
    if kind in ALLOWED and recurrence not in ALLOWED[kind]:
        allowed = ", ".join(str(Recurrence(r).label) for r in ALLOWED[kind])
        errors.add("recurrence", _("This kind of schedule recurs: %(allowed)s.") % {"allowed": allowed})
    department, team = _clean_group(errors, actor, kind, data.department_id, data.team_id)
    cycle_kind = str(data.cycle_kind or "")
    by_cycle = recurrence in (Recurrence.CYCLE_END, Recurrence.CYCLE_START)
    if by_cycle and cycle_kind not in CycleScope.values:
        errors.add("cycle_kind", _("Choose the cycles it follows: quarter, month or year."))
    longest = LONGEST_OFFSET[CycleScope(cycle_kind) if cycle_kind in CycleScope.values else CycleScope.QUARTER]
    late = data.late_after_hours
    if late in (None, ""):
        late = None
    elif kind != ScheduleKind.CHECK_IN:
        # Who attended a meeting is not recorded (yet): only a check-in knows who has not acted.
        errors.add("late_after_hours", _("Only check-in schedules have a late reminder."))
        late = None
    else:
        late = _clean_int(
            errors,
            "late_after_hours",
            late,
            1,
            LATEST_LATE_REMINDER,
            _("The late reminder comes %(low)d to %(high)d hours after the first."),
        )
    remind_before, late_before = _clean_reminders(errors, kind, data)
    cleaned = {
        "kind": kind,
        "title": clean_text(errors, "title", data.title, max_length=SHORT_NAME_MAX),
        "department": department,
        "team": team,
        "recurrence": recurrence,
        "weekdays": _clean_weekdays(errors, data.weekdays, recurrence),
        "time": _clean_time(errors, data.time),
        "duration_minutes": _clean_int(
            errors,
            "duration_minutes",
            data.duration_minutes,
            1,
            LONGEST_MEETING,
            _("A meeting lasts %(low)d to %(high)d minutes."),
        ),
        "cycle_kind": cycle_kind if by_cycle else "",
        "day_offset": _clean_int(
            errors,
            "day_offset",
            data.day_offset if by_cycle else 0,
            0,
            longest,
            _("Count %(low)d to %(high)d days from the cycle's end or start."),
        ),
        "late_after_hours": late,
        "remind_before_minutes": remind_before,
        "late_before_minutes": late_before,
        "time_zone": _clean_zone(errors, data.time_zone),
        "active": bool(data.active),
    }
    errors.raise_if_any()
    return cleaned


def _snapshot(schedule: Schedule) -> dict[str, Any]:
    """The schedule's fields as history keeps them (the time of day as 09:30, which JSON has no type for)."""
    values = snapshot(schedule, SCHEDULE_FIELDS)
    values["time"] = schedule.time.strftime("%H:%M")
    return values


def _subject(schedule: Schedule) -> Department | Organisation:
    if schedule.team is not None:
        return schedule.team.department
    return schedule.department if schedule.department is not None else organisation_get()


@transaction.atomic
def schedule_create(*, actor: Person | None, data: ScheduleInput) -> Schedule:
    """A new schedule; refused, naming the field, when it is malformed or for a group the actor may not set."""
    cleaned = _clean(actor, data)
    now = timezone.now()
    schedule = Schedule.objects.create(**cleaned, created_at=now, updated_at=now)
    history_record(
        actor=actor,
        action="schedule.create",
        subject=_subject(schedule),
        target=schedule,
        after=_snapshot(schedule),
    )
    return schedule


@transaction.atomic
def schedule_update(*, actor: Person | None, schedule: Schedule, data: ScheduleInput) -> Schedule:
    cleaned = _clean(actor, data)
    before = _snapshot(schedule)
    for name, value in cleaned.items():
        setattr(schedule, name, value)
    after = _snapshot(schedule)
    changed = changed_fields(before, after)
    if not changed:
        return schedule
    # A schedule moved to another time starts again from now: no reminder for the times already past.
    schedule.updated_at = timezone.now()
    schedule.save(update_fields=[*cleaned, "updated_at"])
    history_record(
        actor=actor,
        action="schedule.update",
        subject=_subject(schedule),
        target=schedule,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return schedule


@transaction.atomic
def schedule_delete(*, actor: Person | None, schedule: Schedule) -> None:
    history_record(
        actor=actor,
        action="schedule.delete",
        subject=_subject(schedule),
        target=schedule,
        before=_snapshot(schedule),
    )
    schedule.delete()


# --- the private calendar address --------------------------------------------------------------------------------


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def calendar_token_make(*, actor: Person | None, person: Person) -> str:
    """A new private calendar address for the person, replacing the old one (which stops working). Answers the
    secret, which is stored nowhere and shown only now."""
    CalendarToken.objects.filter(person=person).delete()
    secret = secrets.token_urlsafe(32)
    token = CalendarToken.objects.create(person=person, prefix=secret[:8], key_hash=_digest(secret))
    # Nothing of the secret in history, not even its first characters: the entry says only that it was made.
    history_record(actor=actor, action="calendar_token.make", subject=person, target=token)
    return secret


@transaction.atomic
def calendar_token_revoke(*, actor: Person | None, person: Person) -> bool:
    """Revoke the person's calendar address; False when they have none."""
    token = CalendarToken.objects.filter(person=person).first()
    if token is None:
        return False
    history_record(actor=actor, action="calendar_token.revoke", subject=person, target=token)
    token.delete()
    return True


def calendar_token_person(secret: str) -> Person | None:
    """The active person whose calendar address this is, or None; notes when it was last read."""
    token = (
        CalendarToken.objects.select_related("person", "person__team", "person__department")
        .filter(key_hash=_digest(secret))
        .first()
    )
    if token is None or not token.person.is_active:
        return None
    now = timezone.now()
    # Calendar programs poll often; once an hour is enough to show that the address is in use.
    if token.last_used_at is None or (now - token.last_used_at) > dt.timedelta(hours=1):
        CalendarToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person


# --- holidays and absences ---------------------------------------------------------------------------------------

HOLIDAY_NAME_MAX = 100
ABSENCE_NOTE_MAX = 200
# An absence is recorded for at most a year at a time.
LONGEST_ABSENCE = dt.timedelta(days=366)


def _refuse(field: str, message: str) -> None:
    errors = FieldErrors()
    errors.add(field, message)
    errors.raise_if_any()


def _clean_day(errors: FieldErrors, field: str, value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors.add(field, _("“%(value)s” is not a date: write it as 2026-10-01.") % {"value": text})
        return None


@transaction.atomic
def holiday_create(*, actor: Person | None, day: Any, name: Any) -> Holiday:
    """A holiday of the organisation (administrators): no stand-ups, reminders or meetings that day."""
    errors = FieldErrors()
    if actor is not None and not actor.is_admin:
        errors.add("day", _("Only an administrator sets the holidays."))
    clean_day = _clean_day(errors, "day", day)
    clean_name = clean_text(errors, "name", name, max_length=HOLIDAY_NAME_MAX, missing=_("Name the holiday."))
    if clean_day is not None and Holiday.objects.filter(day=clean_day).exists():
        errors.add("day", _("That day is a holiday already."))
    errors.raise_if_any()
    holiday = Holiday.objects.create(day=cast("dt.date", clean_day), name=clean_name)
    history_record(
        actor=actor,
        action="holiday.create",
        subject=organisation_get(),
        target=holiday,
        after={"day": holiday.day.isoformat(), "name": clean_name},
    )
    return holiday


@transaction.atomic
def holiday_delete(*, actor: Person | None, holiday: Holiday) -> None:
    if actor is not None and not actor.is_admin:
        _refuse("day", _("Only an administrator sets the holidays."))
    history_record(
        actor=actor,
        action="holiday.delete",
        subject=organisation_get(),
        target=holiday,
        before={"day": holiday.day.isoformat(), "name": holiday.name},
    )
    holiday.delete()


@transaction.atomic
def absence_create(*, actor: Person | None, person: Person, start: Any, end: Any, note: Any = "") -> Absence:
    """An absence of `person`, recorded by themself, their manager or an administrator; refused otherwise."""
    errors = FieldErrors()
    if actor is not None and not access.may_record_absence(actor, person):
        errors.add("person", _("You may record only your own absences and those of the people who report to you."))
    first = _clean_day(errors, "start", start)
    last = _clean_day(errors, "end", end)
    if first is not None and last is not None:
        if last < first:
            errors.add("end", _("The end date is before the start date."))
        elif last - first > LONGEST_ABSENCE:
            errors.add("end", _("Record an absence of a year at most at a time."))
    clean_note = clean_text(errors, "note", note, max_length=ABSENCE_NOTE_MAX)
    errors.raise_if_any()
    first, last = cast("dt.date", first), cast("dt.date", last)
    absence = Absence.objects.create(person=person, start=first, end=last, note=clean_note, created_by=actor)
    history_record(
        actor=actor,
        action="absence.create",
        subject=person,
        target=absence,
        after={"start": first.isoformat(), "end": last.isoformat(), "note": clean_note},
    )
    return absence


@transaction.atomic
def absence_delete(*, actor: Person | None, absence: Absence) -> None:
    if actor is not None and not access.may_record_absence(actor, absence.person):
        _refuse("person", _("You may record only your own absences and those of the people who report to you."))
    history_record(
        actor=actor,
        action="absence.delete",
        subject=absence.person,
        target=absence,
        before={"start": absence.start.isoformat(), "end": absence.end.isoformat(), "note": absence.note},
    )
    absence.delete()
