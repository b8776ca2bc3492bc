"""The geometry of the timetable's Gantt chart (EXE-8, PLAY-MKT step 5), as plain functions of dates: where a day
falls on the time axis, which days get a tick, how a step's bar is clipped to the period shown. No database, no
template: `selectors.timetable` places the rows, `plans/_timetable.html` draws the SVG from the numbers."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

# The chart's drawing box, in SVG user units (it scales to the page's width).
WIDTH = 960
LABEL_WIDTH = 270  # step titles on the left
LEFT = 280  # where the time axis starts
RIGHT = WIDTH - 10
AXIS_HEIGHT = 30  # tick labels at the top
GROUP_HEIGHT = 26  # a key result's heading row
ROW_HEIGHT = 22  # a step's row
BAR_HEIGHT = 14
BOTTOM_MARGIN = 8
MIN_BAR = 3.0  # a one-day step in a long period is still visible
# Periods longer than this get ticks on the first of a month, shorter ones on Mondays; never closer than this.
MIN_TICK_GAP = 64.0
WEEKLY_TICKS_UP_TO_DAYS = 120
# Characters of a step's title the label column holds (the full title is the bar's tooltip and in the table).
LABEL_CHARS = 26


@dataclass(frozen=True)
class Period:
    """The days shown, both ends included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def x(self, day: dt.date) -> float:
        """The left edge of `day` on the axis (the end of the period is `x(end + 1 day)` = RIGHT)."""
        share = (day - self.start).days / self.days
        return round(LEFT + share * (RIGHT - LEFT), 1)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Span:
    """A bar: where it starts, how wide it is, and whether it runs on beyond the period's edges."""

    x: float
    width: float
    cut_before: bool
    cut_after: bool


def span(period: Period, start: dt.date, deadline: dt.date) -> Span:
    """The bar of a step from its start to the end of its deadline's day, clipped to the period."""
    first = max(start, period.start)
    last = min(deadline, period.end)
    left = period.x(first)
    right = period.x(last + dt.timedelta(days=1))
    width = max(round(right - left, 1), MIN_BAR)
    return Span(x=left, width=width, cut_before=start < period.start, cut_after=deadline > period.end)


def _months_later(day: dt.date, months: int) -> dt.date:
    for _ in range(months):
        day = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return day


def ticks(period: Period) -> list[dt.date]:
    """The period's first day, then Mondays for a period up to about four months, the first of a month beyond;
    every second (or third …) one when they would stand closer than a label's width (a Chinese date, 10月12日)."""
    per_day = (RIGHT - LEFT) / period.days
    days: list[dt.date] = [period.start]
    if period.days <= WEEKLY_TICKS_UP_TO_DAYS:
        step = dt.timedelta(days=7 * max(1, math.ceil(MIN_TICK_GAP / (7 * per_day))))
        day = period.start + dt.timedelta(days=(7 - period.start.weekday()) % 7 or 7)
        while day <= period.end:
            days.append(day)
            day += step
    else:
        months = max(1, math.ceil(MIN_TICK_GAP / (30.4 * per_day)))
        day = _months_later(period.start, months)
        while day <= period.end:
            days.append(day)
            day = _months_later(day, months)
    # No label printed over the first one, nor run off the right edge.
    first = period.x(days[0])
    return [
        d for i, d in enumerate(days) if i == 0 or (period.x(d) - first >= MIN_TICK_GAP and period.x(d) <= RIGHT - 48)
    ]


def fitted(starts: list[dt.date], deadlines: list[dt.date], today: dt.date, *, least_days: int = 14) -> Period:
    """A period that holds every step (and today, when near), at least `least_days` long."""
    if not starts:
        return Period(today - dt.timedelta(days=7), today + dt.timedelta(days=least_days))
    first, last = min(starts), max(deadlines)
    if (last - first).days + 1 < least_days:
        last = first + dt.timedelta(days=least_days - 1)
    return Period(first, last)


def label(title: str) -> str:
    return title if len(title) <= LABEL_CHARS else title[: LABEL_CHARS - 1] + "…"
