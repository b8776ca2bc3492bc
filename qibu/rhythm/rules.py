"""When a schedule falls due: pure functions of its rule, a span of time, the organisation's time zone and the
cycles (no database). Times are computed on the local wall clock of the organisation, so a meeting at 09:30 stays
at 09:30 across a change of daylight-saving time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from qibu.rhythm.models import Recurrence, ScheduleKind

WORKDAYS: tuple[int, ...] = (0, 1, 2, 3, 4)
ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

# The recurrences each kind may follow (the method's rhythm: stand-ups daily, meetings weekly, SELF/UPD by cycle).
ALLOWED: dict[str, tuple[str, ...]] = {
    ScheduleKind.CHECK_IN: (Recurrence.WEEKLY,),
    ScheduleKind.STAND_UP: (Recurrence.WORKDAYS, Recurrence.WEEKLY),
    ScheduleKind.WEEKLY_MEETING: (Recurrence.WEEKLY,),
    ScheduleKind.MANAGEMENT_MEETING: (Recurrence.WEEKLY,),
    ScheduleKind.SELF_ASSESSMENT: (Recurrence.CYCLE_END,),
    ScheduleKind.UPDATE_WEEK: (Recurrence.CYCLE_START,),
    # CEL-1: Friday for the team (weekly), monthly for the department, quarterly for management (by cycle).
    ScheduleKind.CELEBRATION: (Recurrence.WEEKLY, Recurrence.CYCLE_END),
}

# What a new schedule of each kind starts from, as the method describes it.
DEFAULTS: dict[str, dict[str, object]] = {
    ScheduleKind.CHECK_IN: {"recurrence": Recurrence.WEEKLY, "weekdays": [4], "time": "16:00", "duration": 15},
    # EXE-1: entries are posted beforehand: a reminder an hour before, a late one naming who has not posted.
    ScheduleKind.STAND_UP: {
        "recurrence": Recurrence.WORKDAYS,
        "weekdays": [],
        "time": "09:30",
        "duration": 15,
        "remind_before": 60,
        "late_before": 10,
    },
    ScheduleKind.WEEKLY_MEETING: {"recurrence": Recurrence.WEEKLY, "weekdays": [0], "time": "10:00", "duration": 60},
    ScheduleKind.MANAGEMENT_MEETING: {
        "recurrence": Recurrence.WEEKLY,
        "weekdays": [0],
        "time": "14:00",
        "duration": 60,
    },
    ScheduleKind.SELF_ASSESSMENT: {"recurrence": Recurrence.CYCLE_END, "offset": 6, "time": "09:00", "duration": 60},
    ScheduleKind.UPDATE_WEEK: {"recurrence": Recurrence.CYCLE_START, "offset": 0, "time": "09:00", "duration": 60},
    ScheduleKind.CELEBRATION: {"recurrence": Recurrence.WEEKLY, "weekdays": [4], "time": "17:00", "duration": 60},
}

# Kinds that are meetings (a time and a length in the calendar); the others are deadlines or weeks.
MEETINGS = frozenset(
    {ScheduleKind.STAND_UP, ScheduleKind.WEEKLY_MEETING, ScheduleKind.MANAGEMENT_MEETING, ScheduleKind.CELEBRATION}
)


@dataclass(frozen=True)
class CycleSpan:
    id: int
    name: str
    kind: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Rule:
    recurrence: str
    weekdays: tuple[int, ...]
    at: dt.time
    cycle_kind: str = ""
    day_offset: int = 0

    def days(self) -> tuple[int, ...]:
        return WORKDAYS if self.recurrence == Recurrence.WORKDAYS else tuple(sorted(set(self.weekdays)))

    @property
    def by_cycle(self) -> bool:
        return self.recurrence in (Recurrence.CYCLE_END, Recurrence.CYCLE_START)


def local_moment(day: dt.date, at: dt.time, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=zone)


def cycle_day(rule: Rule, cycle: CycleSpan) -> dt.date:
    """The day a by-cycle schedule falls on in `cycle`: `day_offset` days before its last day, or after its first
    (never outside the cycle)."""
    if rule.recurrence == Recurrence.CYCLE_END:
        return max(cycle.start, cycle.end - dt.timedelta(days=rule.day_offset))
    return min(cycle.end, cycle.start + dt.timedelta(days=rule.day_offset))


def occurrences(
    rule: Rule,
    *,
    start: dt.datetime,
    end: dt.datetime,
    zone: dt.tzinfo,
    cycles: Iterable[CycleSpan] = (),
    holidays: Collection[dt.date] = (),
) -> list[dt.datetime]:
    """The due times in [start, end), in order, as aware datetimes in `zone`. A daily or weekly rule skips the
    `holidays` (local days); a by-cycle one does not: a cycle's deadline stays where the cycle puts it."""
    if rule.by_cycle:
        found = [
            local_moment(cycle_day(rule, cycle), rule.at, zone) for cycle in cycles if cycle.kind == rule.cycle_kind
        ]
        return sorted(t for t in found if start <= t < end)
    days = rule.days()
    first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    found = []
    day = first
    while day <= last:
        if day.weekday() in days and day not in holidays:
            moment = local_moment(day, rule.at, zone)
            if start <= moment < end:
                found.append(moment)
        day += dt.timedelta(days=1)
    return found


def next_occurrence(
    rule: Rule,
    *,
    after: dt.datetime,
    zone: dt.tzinfo,
    cycles: Sequence[CycleSpan] = (),
    holidays: Collection[dt.date] = (),
) -> dt.datetime | None:
    """The first due time at or after `after` (within a year), or None."""
    found = occurrences(
        rule, start=after, end=after + dt.timedelta(days=370), zone=zone, cycles=cycles, holidays=holidays
    )
    return found[0] if found else None
