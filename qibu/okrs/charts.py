"""Progress and confidence over time, drawn server-side as inline SVG (no JavaScript library).

`objective_series` replays the check-ins of an objective's key results into one point per day (MEAS-4/5:
weighted means), and `progress_chart` lays it out with the pace line (MEAS-6) and today's date; the template
`okrs/objective.html#progress_chart` writes the SVG, with a title and a description for screen readers,
scaled to the width of a phone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple, TypeVar

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qibu.okrs import progress as meas

WIDTH = 360
HEIGHT = 200
LEFT, RIGHT, TOP, BOTTOM = 38, 12, 10, 26


@dataclass(frozen=True)
class KeyResultState:
    """A key result as it stands now: its weight, clamped progress (0–1) and confidence (0–100)."""

    pk: int
    weight: Decimal
    progress: Decimal
    confidence: int


class CheckInRow(NamedTuple):
    """A check-in as the chart reads it (a tuple: up to `CHART_CHECKIN_LIMIT` are made per page)."""

    key_result_id: int
    at: dt.datetime
    progress: Decimal
    confidence: int
    previous_confidence: int | None


class ProgressStep(NamedTuple):
    """EXE-11: a correction that moved a key result's progress without a check-in (a revised target): the chart
    steps to `progress` at `at`, keeping every point before it as the check-ins stored it."""

    key_result_id: int
    at: dt.datetime
    progress_before: Decimal
    progress: Decimal


@dataclass(frozen=True)
class ChartPoint:
    day: dt.date
    progress: Decimal  # 0–1
    confidence: Decimal | None  # 0–100


_Row = TypeVar("_Row", CheckInRow, ProgressStep)


def _firsts(rows: Iterable[_Row]) -> dict[int, _Row]:
    """The earliest row of each key result."""
    first: dict[int, _Row] = {}
    for row in sorted(rows, key=lambda r: (r.at, r.key_result_id)):
        first.setdefault(row.key_result_id, row)
    return first


def _initial_progress(kr: KeyResultState, first: dict[int, CheckInRow], first_step: dict[int, ProgressStep]) -> Decimal:
    """Where a key result's line starts: nothing before its first check-in; else as it stood before its first
    correction; else as it stands."""
    if kr.pk in first:
        return Decimal(0)
    if kr.pk in first_step:
        return meas.clamp(first_step[kr.pk].progress_before)
    return kr.progress


def objective_series(
    *,
    key_results: Sequence[KeyResultState],
    checkins: Iterable[CheckInRow],
    start: dt.date,
    steps: Iterable[ProgressStep] = (),
) -> list[ChartPoint]:
    """The objective's progress and confidence from `start` (its creation, or the first check-in if earlier),
    then after each day that had check-ins: one point more than days with check-ins, none before `start`.

    Before its first check-in a key result counts with no progress and the confidence it had then
    (the first check-in's previous confidence); a key result never checked in counts as it stands (or as it stood
    before its first correction). A correction's `steps` move progress only: the points before stay as stored.
    """
    checkin_rows = list(checkins)
    step_rows = sorted(steps, key=lambda r: (r.at, r.key_result_id))
    rows: list[CheckInRow | ProgressStep] = sorted([*checkin_rows, *step_rows], key=lambda r: (r.at, r.key_result_id))
    first = _firsts(checkin_rows)
    first_step = _firsts(step_rows)

    progress = {kr.pk: _initial_progress(kr, first, first_step) for kr in key_results}
    confidence: dict[int, Decimal] = {}
    for kr in key_results:
        before = first[kr.pk].previous_confidence if kr.pk in first else kr.confidence
        confidence[kr.pk] = Decimal(before if before is not None else first[kr.pk].confidence)
    weights = {kr.pk: kr.weight for kr in key_results}

    def point(day: dt.date) -> ChartPoint:
        mean_progress = meas.weighted_mean((weights[pk], progress[pk]) for pk in weights)
        mean_confidence = meas.weighted_mean((weights[pk], confidence[pk]) for pk in weights)
        return ChartPoint(day, meas.clamp(mean_progress or Decimal(0)), mean_confidence)

    zone = timezone.get_current_timezone()  # `timezone.localdate` for each row, the zone looked up once
    days = [r.at.astimezone(zone).date() if timezone.is_aware(r.at) else r.at.date() for r in rows]
    points = [point(min([start, *days]))]
    for i, row in enumerate(rows):
        if row.key_result_id not in weights:
            continue
        progress[row.key_result_id] = meas.clamp(row.progress)
        if isinstance(row, CheckInRow):
            confidence[row.key_result_id] = Decimal(row.confidence)
        if i + 1 == len(rows) or days[i + 1] != days[i]:
            # One point a day; the starting point stays even on the day of the first check-in (a step up).
            if len(points) > 1 and points[-1].day == days[i]:
                points.pop()
            points.append(point(days[i]))
    return points


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class GridLine:
    """A horizontal line of the grid at `y`; `label` ("50%") for the ones that carry one."""

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


@dataclass(frozen=True)
class Marker:
    """EXE-11: a correction on the chart: a line at its day, with what it was in words for screen readers."""

    x: str
    label: str


@dataclass(frozen=True)
class CorrectionMark:
    """A correction as the chart marks it: its day and its words ("revise a key result's target: target 4 → 3")."""

    day: dt.date
    label: str


@dataclass(frozen=True)
class ProgressChart:
    """What `okrs/objective.html#progress_chart` draws, every coordinate computed here and written as text: a
    step chart of progress (solid, a dot per day with check-ins) and confidence (dashed) from the objective's
    start to its end, the pace line (MEAS-6), today's line, and a title and description for screen readers."""

    chart_id: str
    title: str
    description: str
    grid: list[GridLine]
    pace: tuple[str, str, str, str]  # x1, y1, x2, y2
    today_x: str | None
    axis: list[AxisLabel]
    progress_points: str
    confidence_points: str
    dots: list[Dot]
    markers: list[Marker] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    label_x: int = LEFT - 4
    axis_y: int = HEIGHT - 8


@dataclass(frozen=True)
class _Frame:
    """The plot's scales: a day to x, a share (0–1) to y."""

    start: dt.date
    span: int

    def x(self, day: dt.date) -> float:
        share = min(1.0, max(0.0, (day - self.start).days / self.span))
        return LEFT + share * (WIDTH - LEFT - RIGHT)

    def y(self, share: Decimal | float) -> float:
        return TOP + (1 - min(1.0, max(0.0, float(share)))) * (HEIGHT - TOP - BOTTOM)

    def steps(self, values: list[tuple[dt.date, Decimal]], until: dt.date) -> str:
        """The polyline of a step function: flat until the next day with a value, then up or down."""
        coords: list[str] = []
        for i, (day, value) in enumerate(values):
            if i:
                coords.append(f"{_fmt(self.x(day))},{_fmt(self.y(values[i - 1][1]))}")
            coords.append(f"{_fmt(self.x(day))},{_fmt(self.y(value))}")
        if values:
            coords.append(f"{_fmt(self.x(max(until, values[-1][0])))},{_fmt(self.y(values[-1][1]))}")
        return " ".join(coords)


def _description(points: Sequence[ChartPoint], start: dt.date, end: dt.date) -> str:
    if not points:
        return _("No check-ins yet.")
    last = points[-1]
    return _(
        "From %(start)s to %(end)s. Progress now %(progress)s%%, confidence %(confidence)s, "
        "after %(n)d days with check-ins. The grey line is the steady pace to 100%%."
    ) % {
        "start": date_format(start, "SHORT_DATE_FORMAT"),
        "end": date_format(end, "SHORT_DATE_FORMAT"),
        "progress": round(last.progress * 100),
        "confidence": f"{round(last.confidence)}%" if last.confidence is not None else "—",
        "n": max(0, len(points) - 1),
    }


def progress_chart(
    points: Sequence[ChartPoint],
    *,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    chart_id: str,
    title: str,
    corrections: Sequence[CorrectionMark] = (),
) -> ProgressChart:
    """The chart of `objective_series` from `start` to `end`, for the template to draw, each correction marked."""
    frame = _Frame(start, max(1, (end - start).days))
    until = min(max(today, start), end)
    progress_values = [(p.day, p.progress) for p in points]
    confidence_values = [(p.day, p.confidence / 100) for p in points if p.confidence is not None]
    grid = [
        GridLine(
            y=_fmt(frame.y(share)),
            label=f"{round(share * 100)}%" if share in (0, 0.5, 1) else "",
            label_y=_fmt(frame.y(share) + 4),
        )
        for share in (0, 0.25, 0.5, 0.75, 1)
    ]
    description = _description(points, start, end)
    if corrections:
        description += " " + ngettext(
            "%(count)d correction is marked by a red line; the progress before it stays as it was.",
            "%(count)d corrections are marked by red lines; the progress before them stays as it was.",
            len(corrections),
        ) % {"count": len(corrections)}
    return ProgressChart(
        chart_id=chart_id,
        title=title,
        description=description,
        grid=grid,
        pace=(_fmt(frame.x(start)), _fmt(frame.y(0)), _fmt(frame.x(end)), _fmt(frame.y(1))),
        today_x=_fmt(frame.x(today)) if start <= today <= end else None,
        axis=[
            AxisLabel(_fmt(frame.x(start)), "start", date_format(start, "SHORT_DATE_FORMAT")),
            AxisLabel(_fmt(frame.x(end)), "end", date_format(end, "SHORT_DATE_FORMAT")),
        ],
        progress_points=frame.steps(progress_values, until),
        confidence_points=frame.steps(confidence_values, until),
        dots=[Dot(_fmt(frame.x(day)), _fmt(frame.y(value))) for day, value in progress_values[1:]],
        markers=[
            Marker(_fmt(frame.x(mark.day)), f"{date_format(mark.day, 'SHORT_DATE_FORMAT')}: {mark.label}")
            for mark in corrections
        ],
    )
