"""The rhythm's writes: schedules (by administrators, and by department heads for their own department) and each
person's private calendar address. One transaction each, history for every change."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.audit.services import changed_fields, history_record, snapshot
from qibu.core.validation import SHORT_NAME_MAX, FieldErrors, clean_text
from qibu.org.models import Department, Organisation, Person, Team
from qibu.org.selectors import organisation_get
from qibu.rhythm import access
from qibu.rhythm.models import CalendarToken, CycleScope, Recurrence, Schedule, ScheduleKind
from qibu.rhythm.rules import ALLOWED

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
    "active",
)
LONGEST_MEETING = 480
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
