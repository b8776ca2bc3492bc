"""Calendars (.ics, RFC 5545, written with `icalendar`): a schedule's invitation, and each person's subscription
with the events of their schedules and the cycles' deadlines.

- Meetings and check-ins recur (`RRULE:FREQ=WEEKLY;BYDAY=…`) from the first occurrence after the schedule was
  set, at its local time with the organisation's `TZID` (a `VTIMEZONE` is included), so that a calendar keeps
  09:30 across daylight-saving changes.
- Self-assessment and update weeks are all-day spans per cycle; a celebration by cycle is a timed event per cycle;
  the end of every quarter and year is an all-day deadline.
- UIDs are made of the row ids and the site's host, and DTSTAMP of when the schedule last changed, so the same
  data gives the same file on every fetch: a calendar program updates events instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils.translation import gettext as _

from qibu.cycles.models import CycleKind
from qibu.org.models import Organisation, Person
from qibu.rhythm.models import Holiday, Recurrence, Schedule, ScheduleKind
from qibu.rhythm.rules import ICAL_DAYS, CycleSpan, cycle_day, next_occurrence
from qibu.rhythm.selectors import cycle_spans, group_name, rule_of

PRODUCT = "-//Qibu//Qibu OKR//EN"
SPANS = (ScheduleKind.SELF_ASSESSMENT, ScheduleKind.UPDATE_WEEK)
DEADLINE_KINDS = (CycleKind.QUARTER, CycleKind.ANNUAL)


def _host() -> str:
    site = str(getattr(settings, "QIBU_SITE_URL", "") or "")
    return urlsplit(site).hostname or "qibu.invalid"


def _description(schedule: Schedule) -> str:
    texts = {
        ScheduleKind.CHECK_IN: _("Check in on your key results: progress and confidence (MEAS-8)."),
        ScheduleKind.STAND_UP: _("Yesterday's progress, today's plan, blockers; 15 minutes at most (EXE-1)."),
        ScheduleKind.WEEKLY_MEETING: _(
            "Each person shows the week's results; the department's progress and each key result's confidence "
            "are reviewed (EXE-3)."
        ),
        ScheduleKind.MANAGEMENT_MEETING: _(
            "Review the company's OKR execution; fix this week's tasks that move the company's goals (EXE-6)."
        ),
        ScheduleKind.SELF_ASSESSMENT: _(
            "Each person scores their own OKRs and reports in the department meeting (SELF-1)."
        ),
        ScheduleKind.UPDATE_WEEK: _("Update the OKRs: the company first, then departments, then people (UPD-1)."),
        ScheduleKind.CELEBRATION: _("Celebrate the results (CEL-1)."),
    }
    return str(texts[ScheduleKind(schedule.kind)])


def _summary(schedule: Schedule) -> str:
    name = schedule.title or schedule.get_kind_display()
    return f"{name} · {group_name(schedule)}"


def _stamp(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def _event(uid: str, summary: str, description: str, stamp: dt.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", _stamp(stamp))
    event.add("summary", summary)
    event.add("description", description)
    return event


def _recurring(
    schedule: Schedule, zone: dt.tzinfo, host: str, holidays: Collection[dt.date] = ()
) -> icalendar.Event | None:
    rule = rule_of(schedule)
    zone = schedule.zone(zone)
    first = next_occurrence(rule, after=schedule.created_at, zone=zone, holidays=holidays)
    if first is None:
        return None
    event = _event(
        f"qibu-schedule-{schedule.pk}@{host}", _summary(schedule), _description(schedule), schedule.updated_at
    )
    event.add("dtstart", first)
    event.add("duration", dt.timedelta(minutes=schedule.duration_minutes))
    event.add("rrule", {"freq": "weekly", "byday": [ICAL_DAYS[d] for d in rule.days()]})
    # The organisation's holidays on the meeting's days are left out of the series.
    skipped = sorted(day for day in holidays if day > first.date() and day.weekday() in rule.days())
    if skipped:
        event.add("exdate", [dt.datetime.combine(day, schedule.time, tzinfo=zone) for day in skipped])
    return event


def _by_cycle(schedule: Schedule, zone: dt.tzinfo, host: str, cycles: Iterable[CycleSpan]) -> list[icalendar.Event]:
    rule = rule_of(schedule)
    events = []
    for cycle in cycles:
        if cycle.kind != rule.cycle_kind:
            continue
        day = cycle_day(rule, cycle)
        uid = f"qibu-schedule-{schedule.pk}-cycle-{cycle.id}@{host}"
        event = _event(uid, f"{_summary(schedule)} · {cycle.name}", _description(schedule), schedule.updated_at)
        if schedule.kind in SPANS:
            # A week: the last of the cycle for self-assessment, the first for the update (never past the cycle).
            last = cycle.end if schedule.recurrence == Recurrence.CYCLE_END else min(cycle.end, day + dt.timedelta(6))
            event.add("dtstart", day)
            event.add("dtend", last + dt.timedelta(days=1))
        else:
            event.add("dtstart", dt.datetime.combine(day, schedule.time, tzinfo=zone))
            event.add("duration", dt.timedelta(minutes=schedule.duration_minutes))
        events.append(event)
    return events


def _deadlines(cycles: Iterable[CycleSpan], host: str) -> list[icalendar.Event]:
    events = []
    for cycle in cycles:
        if cycle.kind not in DEADLINE_KINDS:
            continue
        summary = _("%(cycle)s ends") % {"cycle": cycle.name}
        description = _("The last day of %(cycle)s: check-ins and scores are due.") % {"cycle": cycle.name}
        stamp = dt.datetime.combine(cycle.start, dt.time(0), tzinfo=dt.UTC)
        event = _event(f"qibu-cycle-{cycle.id}-end@{host}", summary, description, stamp)
        event.add("dtstart", cycle.end)
        event.add("dtend", cycle.end + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        events.append(event)
    return events


def all_holidays() -> list[dt.date]:
    """Every holiday of the organisation (one query; a few dozen a year)."""
    return list(Holiday.objects.order_by("day").values_list("day", flat=True))


def _calendar(name: str, organisation: Organisation) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", organisation.zone.key)
    return calendar


def schedule_events(
    schedules: Iterable[Schedule],
    *,
    organisation: Organisation,
    cycles: list[CycleSpan],
    holidays: Collection[dt.date] = (),
) -> list[icalendar.Event]:
    zone, host = organisation.zone, _host()
    events: list[icalendar.Event] = []
    for schedule in schedules:
        if rule_of(schedule).by_cycle:
            events += _by_cycle(schedule, zone, host, cycles)
        else:
            recurring = _recurring(schedule, zone, host, holidays)
            if recurring is not None:
                events.append(recurring)
    return events


def _bytes(calendar: icalendar.Calendar) -> bytes:
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def invitation(schedule: Schedule, *, organisation: Organisation) -> bytes:
    """One schedule's events, to import into a calendar (the meeting recurs; by-cycle events one per cycle)."""
    cycles = cycle_spans() if rule_of(schedule).by_cycle else []
    holidays = [] if rule_of(schedule).by_cycle else all_holidays()
    calendar = _calendar(_summary(schedule), organisation)
    for event in schedule_events([schedule], organisation=organisation, cycles=cycles, holidays=holidays):
        calendar.add_component(event)
    return _bytes(calendar)


# Events of apps above rhythm in a person's calendar (a 1-on-1 of theirs), added from their `AppConfig.ready()`:
# `source(person, organisation, host)` answers the events, in a fixed number of queries.
CalendarSource = Callable[[Person, Organisation, str], list[icalendar.Event]]
_SOURCES: dict[str, CalendarSource] = {}


def register_calendar_source(name: str, source: CalendarSource) -> None:
    """Add (or replace) the source `name` of events in each person's calendar."""
    _SOURCES[name] = source


def subscription(
    schedules: list[Schedule], *, organisation: Organisation, person_name: str, person: Person | None = None
) -> bytes:
    """A person's calendar: their schedules' events (holidays left out), the cycles' deadlines (three queries with
    the schedules) and, given the person, what the registered sources add (a query each)."""
    cycles = cycle_spans()
    holidays = all_holidays()
    host = _host()
    calendar = _calendar(_("Qibu rhythm of %(person)s") % {"person": person_name}, organisation)
    events = [
        *schedule_events(schedules, organisation=organisation, cycles=cycles, holidays=holidays),
        *_deadlines(cycles, host),
    ]
    if person is not None:
        events += [event for source in _SOURCES.values() for event in source(person, organisation, host)]
    for event in events:
        calendar.add_component(event)
    return _bytes(calendar)
