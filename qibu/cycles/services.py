"""Writes on cycles: the annual plan with quarters and months (SET-8), custom cycles, closing."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qibu.cycles.models import Cycle, CycleKind


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    return dt.date(day.year + index // 12, index % 12 + 1, 1)


@transaction.atomic
def cycles_generate_year(*, fiscal_year: int, start_month: int = 1) -> Cycle:
    """The annual cycle of a fiscal year with its four quarters and twelve months (idempotent).

    A fiscal year is named by the calendar year it starts in: with start month 4, FY2026 runs from
    1 April 2026 to 31 March 2027.
    """
    if not 1 <= start_month <= 12:
        raise ValidationError({"start_month": [_("A month is 1 to 12.")]})
    start = dt.date(fiscal_year, start_month, 1)
    end = _add_months(start, 12) - dt.timedelta(days=1)
    label = str(fiscal_year) if start_month == 1 else f"FY{fiscal_year}"
    annual, _created = Cycle.objects.get_or_create(
        kind=CycleKind.ANNUAL, start=start, defaults={"name": label, "end": end}
    )
    for q in range(4):
        q_start = _add_months(start, 3 * q)
        q_end = _add_months(start, 3 * q + 3) - dt.timedelta(days=1)
        # Looked up under this year: after a change of fiscal start month, a quarter of the old calendar
        # that starts on the same day belongs to the old year, and this year still gets all four.
        quarter, _created = Cycle.objects.get_or_create(
            kind=CycleKind.QUARTER,
            start=q_start,
            parent=annual,
            defaults={"name": f"{label} Q{q + 1}", "end": q_end},
        )
        for m in range(3):
            m_start = _add_months(q_start, m)
            Cycle.objects.get_or_create(
                kind=CycleKind.MONTH,
                start=m_start,
                parent=quarter,
                defaults={"name": f"{m_start:%Y-%m}", "end": _add_months(m_start, 1) - dt.timedelta(days=1)},
            )
    return annual


def cycle_create(
    *, name: str, start: dt.date, end: dt.date, kind: str = CycleKind.CUSTOM, parent: Cycle | None = None
) -> Cycle:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Give the cycle a name.")]
    elif len(name) > 100:
        errors["name"] = [_("At most %(max)d characters.") % {"max": 100}]
    if end < start:
        errors["end"] = [_("The end date is before the start date.")]
    if kind not in CycleKind.values:
        errors["kind"] = [_("Unknown kind of cycle.")]
    if errors:
        raise ValidationError(errors)
    return Cycle.objects.create(name=name, start=start, end=end, kind=kind, parent=parent)


def cycle_close(*, cycle: Cycle, closed: bool = True) -> Cycle:
    cycle.is_closed = closed
    cycle.save(update_fields=["is_closed"])
    return cycle
