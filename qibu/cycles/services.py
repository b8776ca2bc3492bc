"""Writes on cycles: the annual plan with quarters and months (SET-8), custom cycles, closing.

Each write takes its `actor` (None for the system), runs in one transaction and records history in the
cycle's own history: a created cycle, a closed or reopened one."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from qibu.audit.models import AuditEntry
from qibu.audit.services import history_entry, history_record, history_record_many, snapshot
from qibu.core.validation import SHORT_NAME_MAX, FieldErrors, clean_date_range, clean_text
from qibu.cycles.models import Cycle, CycleKind
from qibu.org.models import Person

CYCLE_FIELDS = ("name", "kind", "start", "end", "parent")


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    return dt.date(day.year + index // 12, index % 12 + 1, 1)


def _created(actor: Person | None, cycle: Cycle) -> AuditEntry:
    return history_entry(actor=actor, action="cycle.create", subject=cycle, after=snapshot(cycle, CYCLE_FIELDS))


@transaction.atomic
def cycles_generate_year(*, actor: Person | None, fiscal_year: int, start_month: int = 1) -> Cycle:
    """The annual cycle of a fiscal year with its four quarters and twelve months (idempotent: only the
    cycles still missing are created, and only they are recorded).

    A fiscal year is named by the calendar year it starts in: with start month 4, FY2026 runs from
    1 April 2026 to 31 March 2027.
    """
    errors = FieldErrors()
    if not 1 <= start_month <= 12:
        errors.add("start_month", _("A month is 1 to 12."))
    errors.raise_if_any()
    start = dt.date(fiscal_year, start_month, 1)
    end = _add_months(start, 12) - dt.timedelta(days=1)
    label = str(fiscal_year) if start_month == 1 else f"FY{fiscal_year}"
    entries: list[AuditEntry] = []
    annual, created = Cycle.objects.get_or_create(
        kind=CycleKind.ANNUAL, start=start, defaults={"name": label, "end": end}
    )
    if created:
        entries.append(_created(actor, annual))
    for q in range(4):
        q_start = _add_months(start, 3 * q)
        q_end = _add_months(start, 3 * q + 3) - dt.timedelta(days=1)
        # Looked up under this year: after a change of fiscal start month, a quarter of the old calendar
        # that starts on the same day belongs to the old year, and this year still gets all four.
        quarter, created = Cycle.objects.get_or_create(
            kind=CycleKind.QUARTER,
            start=q_start,
            parent=annual,
            defaults={"name": f"{label} Q{q + 1}", "end": q_end},
        )
        if created:
            entries.append(_created(actor, quarter))
        for m in range(3):
            m_start = _add_months(q_start, m)
            month, created = Cycle.objects.get_or_create(
                kind=CycleKind.MONTH,
                start=m_start,
                parent=quarter,
                defaults={"name": f"{m_start:%Y-%m}", "end": _add_months(m_start, 1) - dt.timedelta(days=1)},
            )
            if created:
                entries.append(_created(actor, month))
    history_record_many(entries)
    return annual


@transaction.atomic
def cycle_create(
    *,
    actor: Person | None,
    name: str,
    start: dt.date,
    end: dt.date,
    kind: str = CycleKind.CUSTOM,
    parent: Cycle | None = None,
) -> Cycle:
    errors = FieldErrors()
    name = clean_text(errors, "name", name, max_length=SHORT_NAME_MAX, missing=_("Give the cycle a name."))
    clean_date_range(errors, start, end, field="end")
    if kind not in CycleKind.values:
        errors.add("kind", _("Unknown kind of cycle."))
    errors.raise_if_any()
    cycle = Cycle.objects.create(name=name, start=start, end=end, kind=kind, parent=parent)
    history_record(actor=actor, action="cycle.create", subject=cycle, after=snapshot(cycle, CYCLE_FIELDS))
    return cycle


@transaction.atomic
def cycle_update(*, actor: Person | None, cycle: Cycle, name: str, start: dt.date, end: dt.date) -> Cycle:
    """Rename a cycle or move its dates (a project stage follows its stage, `qibu.projects`). The dates of the
    objectives set in it are theirs and stay as they are."""
    errors = FieldErrors()
    name = clean_text(errors, "name", name, max_length=SHORT_NAME_MAX, missing=_("Give the cycle a name."))
    clean_date_range(errors, start, end, field="end")
    errors.raise_if_any()
    before = snapshot(cycle, ("name", "start", "end"))
    cycle.name, cycle.start, cycle.end = name, start, end
    after = snapshot(cycle, ("name", "start", "end"))
    changed = [key for key in after if after[key] != before[key]]
    if not changed:
        return cycle
    cycle.save(update_fields=changed)
    history_record(
        actor=actor,
        action="cycle.update",
        subject=cycle,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return cycle


@transaction.atomic
def cycle_close(*, actor: Person | None, cycle: Cycle, closed: bool = True) -> Cycle:
    """Close a cycle (it takes no more check-ins or edits) or open it again."""
    if cycle.is_closed == closed:
        return cycle
    before = snapshot(cycle, ("is_closed",))
    cycle.is_closed = closed
    cycle.save(update_fields=["is_closed"])
    history_record(
        actor=actor,
        action="cycle.close" if closed else "cycle.reopen",
        subject=cycle,
        before=before,
        after=snapshot(cycle, ("is_closed",)),
    )
    return cycle
