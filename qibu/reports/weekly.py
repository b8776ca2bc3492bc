"""EXE-12, data not impressions: a department's (or the company's) progress and confidence week by week over the
cycle, from the check-ins of its key results — each week's value is the one as of the week's end — drawn as a
server-side SVG (no script, no library) with the same numbers in a table for screen readers and phones.

`weekly_series` is pure (tested with hypothesis): the key results as they stand, their check-ins, and the weeks. The
reads below it give it one department's objectives of a cycle, or the company's, in two queries whatever the size of
the company and the length of the cycle.

The rules are the roll-up's (MEAS-4, MEAS-5): a key result's progress is clamped to 0–1, an objective's is the
weighted mean of its key results', the department's the weighted mean of its objectives'; confidence likewise. As the
objective page's chart (`qibu.okrs.charts.objective_series`) has it, before its first check-in a key result counts
with no progress and the confidence it had then (the first check-in's previous confidence), and one never checked in
counts as it stands; a key result counts only from the day it was made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qibu.cycles.models import Cycle
from qibu.okrs import progress as meas
from qibu.okrs.access import visible_objectives_q
from qibu.okrs.models import CheckIn, KeyResult, Level, Objective, agreed_q
from qibu.org.models import Department, Organisation, Person

ZERO = Decimal(0)
SUNDAY = 6


@dataclass(frozen=True)
class SeriesKeyResult:
    """A key result as it stands now, with its objective's weight: what the weekly values start from."""

    pk: int
    objective_id: int
    weight: Decimal
    objective_weight: Decimal
    progress: Decimal  # clamped, 0–1
    confidence: int  # 0–100
    created: dt.date  # in the organisation's time zone


class SeriesCheckIn(NamedTuple):
    key_result_id: int
    at: dt.datetime
    day: dt.date  # `at` in the organisation's time zone
    progress: Decimal  # clamped, 0–1
    confidence: int
    previous_confidence: int | None


@dataclass(frozen=True)
class WeekPoint:
    """The values as of the end of a week (its Sunday, or the cycle's last day, or today for the week under way)."""

    end: dt.date
    progress: Decimal | None  # 0–1; None when no key result existed yet
    confidence: Decimal | None  # 0–100
    checkins: int  # how many check-ins the week had


def week_ends(start: dt.date, end: dt.date, today: dt.date) -> list[dt.date]:
    """The ends of the calendar weeks (Monday to Sunday) from `start` to `end`, up to today: each Sunday, and the
    last day counted (the cycle's end or today) when it is not one. None before the cycle begins."""
    last = min(end, today)
    if last < start:
        return []
    days: list[dt.date] = []
    day = start + dt.timedelta(days=(SUNDAY - start.weekday()) % 7)
    while day < last:
        days.append(day)
        day += dt.timedelta(days=7)
    days.append(last)
    return days


def weekly_series(
    key_results: Sequence[SeriesKeyResult], checkins: Iterable[SeriesCheckIn], ends: Sequence[dt.date]
) -> list[WeekPoint]:
    """The department's progress and confidence as of each of `ends` (ascending). Check-ins are taken by their
    moment; two of a key result at the same moment in the order given."""
    known = {kr.pk for kr in key_results}
    rows = sorted((r for r in checkins if r.key_result_id in known), key=lambda r: (r.at, r.key_result_id))
    first: dict[int, SeriesCheckIn] = {}
    for row in rows:
        first.setdefault(row.key_result_id, row)
    progress: dict[int, Decimal] = {}
    confidence: dict[int, Decimal] = {}
    for kr in key_results:
        if kr.pk in first:
            before = first[kr.pk].previous_confidence
            progress[kr.pk] = ZERO
            confidence[kr.pk] = Decimal(before if before is not None else first[kr.pk].confidence)
        else:
            progress[kr.pk] = kr.progress
            confidence[kr.pk] = Decimal(kr.confidence)
    points = []
    i = 0
    for week_end in ends:
        counted = 0
        while i < len(rows) and rows[i].day <= week_end:
            row = rows[i]
            progress[row.key_result_id] = row.progress
            confidence[row.key_result_id] = Decimal(row.confidence)
            counted += 1
            i += 1
        existing = [kr for kr in key_results if kr.created <= week_end]
        points.append(
            WeekPoint(
                end=week_end,
                progress=_rolled_up(existing, progress),
                confidence=_rolled_up(existing, confidence),
                checkins=counted,
            )
        )
    return points


def _rolled_up(key_results: Sequence[SeriesKeyResult], values: dict[int, Decimal]) -> Decimal | None:
    """MEAS-4 then MEAS-5: each objective's weighted mean of its key results, then their weighted mean."""
    by_objective: dict[int, list[SeriesKeyResult]] = {}
    for kr in key_results:
        by_objective.setdefault(kr.objective_id, []).append(kr)
    objectives = []
    for krs in by_objective.values():
        mean = meas.weighted_mean((kr.weight, values[kr.pk]) for kr in krs)
        if mean is not None:
            objectives.append((krs[0].objective_weight, mean))
    return meas.weighted_mean(objectives)


# --- the chart --------------------------------------------------------------------------------------------------

WIDTH = 360
HEIGHT = 200
LEFT, RIGHT, TOP, BOTTOM = 38, 12, 10, 26


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class GridLine:
    y: str
    label: str = ""
    label_y: str = ""


@dataclass(frozen=True)
class AxisLabel:
    x: str
    anchor: str  # "start" or "end"
    text: str


@dataclass(frozen=True)
class Dot:
    x: str
    y: str
    kind: str  # "progress" or "confidence"


@dataclass(frozen=True)
class WeekRow:
    """A line of the table under the chart: the numbers the chart draws."""

    end: dt.date
    progress: int | None  # percent
    confidence: int | None
    checkins: int
    progress_change: int | None  # percentage points since the week before
    confidence_change: int | None


@dataclass(frozen=True)
class WeeklyChart:
    """What `reports/_weekly_chart.html` draws, every coordinate computed here: progress (solid) and confidence
    (dashed) at each week's end, a dot a week, a grid, the first and last weeks' dates, and a title and a description
    for screen readers; and the table of the same numbers."""

    chart_id: str
    title: str
    description: str
    grid: list[GridLine]
    axis: list[AxisLabel]
    progress_points: str
    confidence_points: str
    dots: list[Dot]
    rows: list[WeekRow]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    label_x: int = LEFT - 4
    axis_y: int = HEIGHT - 8


def _percent(value: Decimal | None, scale: int) -> int | None:
    return None if value is None else round(value * scale)


def _change(now: int | None, before: int | None) -> int | None:
    return None if now is None or before is None else now - before


def weekly_chart(points: Sequence[WeekPoint], *, chart_id: str, title: str) -> WeeklyChart:
    """The chart and the table of `weekly_series`."""
    n = len(points)

    def x(i: int) -> float:
        return LEFT + (i / (n - 1) if n > 1 else 0.5) * (WIDTH - LEFT - RIGHT)

    def y(share: Decimal | float) -> float:
        return TOP + (1 - min(1.0, max(0.0, float(share)))) * (HEIGHT - TOP - BOTTOM)

    progress = [(i, p.progress) for i, p in enumerate(points) if p.progress is not None]
    confidence = [(i, p.confidence / 100) for i, p in enumerate(points) if p.confidence is not None]
    rows = []
    for i, p in enumerate(points):
        before = points[i - 1] if i else None
        now_p, now_c = _percent(p.progress, 100), _percent(p.confidence, 1)
        rows.append(
            WeekRow(
                end=p.end,
                progress=now_p,
                confidence=now_c,
                checkins=p.checkins,
                progress_change=_change(now_p, _percent(before.progress, 100)) if before else None,
                confidence_change=_change(now_c, _percent(before.confidence, 1)) if before else None,
            )
        )
    axis = []
    if points:
        axis.append(AxisLabel(_fmt(x(0)), "start", date_format(points[0].end, "SHORT_DATE_FORMAT")))
        if n > 1:
            axis.append(AxisLabel(_fmt(x(n - 1)), "end", date_format(points[-1].end, "SHORT_DATE_FORMAT")))
    return WeeklyChart(
        chart_id=chart_id,
        title=title,
        description=_weekly_description(rows),
        grid=[
            GridLine(
                y=_fmt(y(share)),
                label=f"{round(share * 100)}%" if share in (0, 0.5, 1) else "",
                label_y=_fmt(y(share) + 4),
            )
            for share in (0, 0.25, 0.5, 0.75, 1)
        ],
        axis=axis,
        progress_points=" ".join(f"{_fmt(x(i))},{_fmt(y(v))}" for i, v in progress),
        confidence_points=" ".join(f"{_fmt(x(i))},{_fmt(y(v))}" for i, v in confidence),
        dots=[Dot(_fmt(x(i)), _fmt(y(v)), "progress") for i, v in progress]
        + [Dot(_fmt(x(i)), _fmt(y(v)), "confidence") for i, v in confidence],
        rows=rows,
    )


def _weekly_description(rows: Sequence[WeekRow]) -> str:
    known = [r for r in rows if r.progress is not None]
    if not known:
        return _("No key results yet.")
    first, last = known[0], known[-1]
    return _(
        "%(n)d weeks from %(start)s to %(end)s: progress from %(p1)d%% to %(p2)d%%, confidence from %(c1)s to %(c2)s. "
        "The table below gives every week."
    ) % {
        "n": len(rows),
        "start": date_format(first.end, "SHORT_DATE_FORMAT"),
        "end": date_format(last.end, "SHORT_DATE_FORMAT"),
        "p1": first.progress,
        "p2": last.progress,
        "c1": f"{first.confidence}%" if first.confidence is not None else "—",
        "c2": f"{last.confidence}%" if last.confidence is not None else "—",
    }


# --- the reads --------------------------------------------------------------------------------------------------


def _series_of(krs: list[KeyResult], *, cycle: Cycle, organisation: Organisation, today: dt.date) -> list[WeekPoint]:
    """The weekly points of these key results over the cycle up to today: one query, none without key results."""
    zone = organisation.zone
    key_results = [
        SeriesKeyResult(
            pk=kr.pk,
            objective_id=kr.objective_id,
            weight=kr.weight,
            objective_weight=kr.objective.weight,
            progress=kr.progress,
            confidence=kr.confidence,
            created=kr.created_at.astimezone(zone).date(),
        )
        for kr in krs
    ]
    ends = week_ends(cycle.start, cycle.end, today)
    if not key_results or not ends:
        return []
    rows = (
        CheckIn.objects.filter(key_result_id__in=[kr.pk for kr in key_results])
        .order_by("created_at", "id")
        .values_list("key_result_id", "created_at", "progress", "confidence", "previous_confidence")
    )
    checkins = [
        SeriesCheckIn(kr_id, at, at.astimezone(zone).date(), meas.clamp(p), c, prev) for kr_id, at, p, c, prev in rows
    ]
    return weekly_series(key_results, checkins, ends)


def department_weekly(
    *, viewer: Person, department: Department, cycle: Cycle, organisation: Organisation, today: dt.date
) -> WeeklyChart:
    """EXE-12: the department's objectives of the cycle (its own level, agreed, those the viewer may see), week by
    week: two queries."""
    krs = _key_results_where(viewer, [cycle.pk], level=Level.DEPARTMENT, department_id=department.pk)
    points = _series_of(krs, cycle=cycle, organisation=organisation, today=today)
    return weekly_chart(
        points,
        chart_id=f"weekly-department-{department.pk}",
        title=_("%(department)s week by week in %(cycle)s") % {"department": department.name, "cycle": cycle.name},
    )


def company_weekly(
    *, viewer: Person, cycle: Cycle, organisation: Organisation, today: dt.date, annual: Cycle | None = None
) -> WeeklyChart:
    """EXE-12: the company's objectives of the cycle — and, for a quarter, those of its year, which run through it
    (a company's objectives are often annual only) — week by week over the cycle: two queries."""
    cycles = [cycle.pk] + ([annual.pk] if annual is not None and annual.pk != cycle.pk else [])
    krs = _key_results_where(viewer, cycles, level=Level.COMPANY)
    points = _series_of(krs, cycle=cycle, organisation=organisation, today=today)
    return weekly_chart(
        points,
        chart_id="weekly-company",
        title=_("The company's objectives week by week in %(cycle)s") % {"cycle": cycle.name},
    )


def _key_results_where(
    viewer: Person, cycle_ids: list[int], *, level: str, department_id: int | None = None
) -> list[KeyResult]:
    """The key results of the cycles' agreed objectives of `level` (and the department) that the viewer may see:
    one query."""
    objectives = Objective.objects.filter(visible_objectives_q(viewer), agreed_q(), cycle_id__in=cycle_ids, level=level)
    if department_id is not None:
        objectives = objectives.filter(department_id=department_id)
    return list(
        KeyResult.objects.filter(objective__in=objectives.values("pk"))
        .select_related("objective")
        .only("id", "objective_id", "weight", "progress", "confidence", "created_at", "objective__weight")
        .order_by("id")
    )
