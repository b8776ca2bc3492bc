"""When a series' next 1-on-1 falls (no queries): a weekday and a time in the organisation's zone, every week, every
two weeks counted from the series' first meeting, or on the first such weekday of each month."""

from __future__ import annotations

import datetime as dt

WEEK = 7


def _first_weekday_of_month(year: int, month: int, weekday: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % WEEK)


def _next_month(day: dt.date) -> tuple[int, int]:
    return (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)


def next_meeting(
    *,
    cadence: str,
    weekday: int,
    time: dt.time,
    after: dt.datetime,
    zone: dt.tzinfo,
    anchor: dt.date | None = None,
) -> dt.datetime:
    """The first meeting strictly after `after`. `anchor` (the series' first meeting day) sets which weeks an
    every-two-weeks series meets."""
    local = after.astimezone(zone)
    day = local.date()

    def at(d: dt.date) -> dt.datetime:
        return dt.datetime.combine(d, time, tzinfo=zone)

    if cadence == "monthly":
        candidate = _first_weekday_of_month(day.year, day.month, weekday)
        while at(candidate) <= after:
            year, month = _next_month(candidate)
            candidate = _first_weekday_of_month(year, month, weekday)
        return at(candidate)
    candidate = day + dt.timedelta(days=(weekday - day.weekday()) % WEEK)
    if at(candidate) <= after:
        candidate += dt.timedelta(days=WEEK)
    if cadence == "biweekly" and anchor is not None and ((candidate - anchor).days // WEEK) % 2:
        candidate += dt.timedelta(days=WEEK)
    return at(candidate)
