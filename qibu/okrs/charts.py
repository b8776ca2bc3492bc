"""Progress and confidence over time, drawn server-side as inline SVG (no JavaScript library).

`objective_series` replays the check-ins of an objective's key results into one point per day (MEAS-4/5:
weighted means), and `progress_chart_svg` draws it with the pace line (MEAS-6) and today's date. The SVG
has a title and a description for screen readers and scales to the width of a phone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from qibu.okrs import progress as meas

WIDTH = 360
HEIGHT = 200
LEFT, RIGHT, TOP, BOTTOM = 38, 12, 10, 26
PROGRESS_COLOUR = "#2f6fde"
CONFIDENCE_COLOUR = "#b7791f"
PACE_COLOUR = "#9aa5b1"


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


@dataclass(frozen=True)
class ChartPoint:
    day: dt.date
    progress: Decimal  # 0–1
    confidence: Decimal | None  # 0–100


def objective_series(
    *, key_results: Sequence[KeyResultState], checkins: Iterable[CheckInRow], start: dt.date
) -> list[ChartPoint]:
    """The objective's progress and confidence after each day that had check-ins.

    Before its first check-in a key result counts with no progress and the confidence it had then
    (the first check-in's previous confidence); a key result never checked in counts as it stands.
    """
    rows = sorted(checkins, key=lambda r: (r.at, r.key_result_id))
    first: dict[int, CheckInRow] = {}
    for row in rows:
        first.setdefault(row.key_result_id, row)
    progress = {kr.pk: (Decimal(0) if kr.pk in first else kr.progress) for kr in key_results}
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
        confidence[row.key_result_id] = Decimal(row.confidence)
        if i + 1 == len(rows) or days[i + 1] != days[i]:
            if points and points[-1].day == days[i]:
                points.pop()
            points.append(point(days[i]))
    return points


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def progress_chart_svg(
    points: Sequence[ChartPoint],
    *,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    chart_id: str,
    title: str,
) -> SafeString:
    """A step chart of progress (solid) and confidence (dashed) from `start` to `end`, with the pace line."""
    span = max(1, (end - start).days)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x(day: dt.date) -> float:
        share = min(1.0, max(0.0, (day - start).days / span))
        return LEFT + share * plot_w

    def y(share: Decimal | float) -> float:
        return TOP + (1 - min(1.0, max(0.0, float(share)))) * plot_h

    def steps(values: list[tuple[dt.date, Decimal]], until: dt.date) -> str:
        coords: list[str] = []
        for i, (day, value) in enumerate(values):
            if i:
                coords.append(f"{_fmt(x(day))},{_fmt(y(values[i - 1][1]))}")
            coords.append(f"{_fmt(x(day))},{_fmt(y(value))}")
        if values:
            coords.append(f"{_fmt(x(max(until, values[-1][0])))},{_fmt(y(values[-1][1]))}")
        return " ".join(coords)

    until = min(max(today, start), end)
    progress_values = [(p.day, p.progress) for p in points]
    confidence_values = [(p.day, p.confidence / 100) for p in points if p.confidence is not None]

    if points:
        last = points[-1]
        desc = _(
            "From %(start)s to %(end)s. Progress now %(progress)s%%, confidence %(confidence)s, "
            "after %(n)d days with check-ins. The grey line is the steady pace to 100%%."
        ) % {
            "start": date_format(start, "SHORT_DATE_FORMAT"),
            "end": date_format(end, "SHORT_DATE_FORMAT"),
            "progress": round(last.progress * 100),
            "confidence": f"{round(last.confidence)}%" if last.confidence is not None else "—",
            "n": max(0, len(points) - 1),
        }
    else:
        desc = _("No check-ins yet.")

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" class="progress-chart">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
    ]
    for share in (0, 0.25, 0.5, 0.75, 1):
        yy = _fmt(y(share))
        parts.append(f'<line x1="{LEFT}" y1="{yy}" x2="{WIDTH - RIGHT}" y2="{yy}" stroke="#e4e7eb" stroke-width="1"/>')
        if share in (0, 0.5, 1):
            parts.append(
                f'<text x="{LEFT - 4}" y="{_fmt(y(share) + 4)}" text-anchor="end" font-size="11" '
                f'fill="#616e7c">{round(share * 100)}%</text>'
            )
    parts.append(
        f'<line x1="{_fmt(x(start))}" y1="{_fmt(y(0))}" x2="{_fmt(x(end))}" y2="{_fmt(y(1))}" '
        f'stroke="{PACE_COLOUR}" stroke-width="1" stroke-dasharray="2 3"/>'
    )
    if start <= today <= end:
        tx = _fmt(x(today))
        parts.append(f'<line x1="{tx}" y1="{TOP}" x2="{tx}" y2="{HEIGHT - BOTTOM}" stroke="#cbd2d9" stroke-width="1"/>')
    for label, day, anchor in (
        (date_format(start, "SHORT_DATE_FORMAT"), start, "start"),
        (date_format(end, "SHORT_DATE_FORMAT"), end, "end"),
    ):
        parts.append(
            f'<text x="{_fmt(x(day))}" y="{HEIGHT - 8}" text-anchor="{anchor}" font-size="11" '
            f'fill="#616e7c">{escape(label)}</text>'
        )
    if confidence_values:
        parts.append(
            f'<polyline fill="none" stroke="{CONFIDENCE_COLOUR}" stroke-width="2" stroke-dasharray="6 4" '
            f'points="{steps(confidence_values, until)}"/>'
        )
    if progress_values:
        parts.append(
            f'<polyline fill="none" stroke="{PROGRESS_COLOUR}" stroke-width="2.5" '
            f'points="{steps(progress_values, until)}"/>'
        )
        for day, value in progress_values[1:]:
            parts.append(f'<circle cx="{_fmt(x(day))}" cy="{_fmt(y(value))}" r="2.5" fill="{PROGRESS_COLOUR}"/>')
    parts.append("</svg>")
    # Every interpolated text is escaped above; numbers are formatted by this module.
    return mark_safe("".join(parts))
