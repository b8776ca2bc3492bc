"""The quarter's reminders (PLAY-EXEC): every day, for each phase of a quarter whose window is open and ends within
two days, each person who still owes it is told what to do and by when; the day after a window ended, each person
still owing it is told they are late and each department's head is told who of theirs is late. Every notice goes
once per phase, person and cycle (the notify outbox's idempotency keys: a run again tells nobody twice). The
self-assessment gets its reminders so."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.cycles.models import Cycle, CycleKind
from qibu.cycles.phases import Phase, PhaseWindow, phase_facts, phase_windows
from qibu.notify.inbox import Subject, notify
from qibu.notify.models import Notification, NotificationKind
from qibu.org.models import Department, Organisation, Person
from qibu.quarter.selectors import TODO, phase_url

DUE_WITHIN = dt.timedelta(days=2)
REACH = dt.timedelta(days=120)  # quarters whose phases may fall on today (set starts before, celebrate ends after)


def _label(window: PhaseWindow) -> str:
    return str(Phase(window.phase).label)


def phase_reminders(*, organisation: Organisation, today: dt.date | None = None) -> list[Notification]:
    """Send the day's reminders; answers the notifications made (none for those told before)."""
    today = today or timezone.localdate()
    made: list[Notification] = []
    quarters = Cycle.objects.filter(kind=CycleKind.QUARTER, start__lte=today + REACH, end__gte=today - REACH)
    for cycle in quarters.order_by("start"):
        for window in phase_windows(cycle, organisation):
            due = window.contains(today) and window.end - today <= DUE_WITHIN
            late = today == window.end + dt.timedelta(days=1)
            if not (due or late):
                continue
            facts = phase_facts(cycle, organisation, window.phase)
            if facts is None or not facts.people_missing:
                continue
            owing = list(
                Person.objects.filter(pk__in=facts.people_missing, is_active=True).select_related("department")
            )
            made += _tell(cycle, window, owing, late=late)
            if late:
                made += _tell_heads(cycle, window, owing)
    return made


def _tell(cycle: Cycle, window: PhaseWindow, owing: list[Person], *, late: bool) -> list[Notification]:
    url = phase_url(window.phase, cycle) or reverse("quarter:me", args=[cycle.pk])
    phase, todo = window.phase, TODO[window.phase]

    def text(person: Person) -> str:
        values = {"phase": _label(window), "cycle": cycle.name, "day": window.end.isoformat(), "todo": str(todo)}
        if late:
            return _("You are late for %(phase)s of %(cycle)s (it ended on %(day)s): %(todo)s") % values
        return _("%(phase)s of %(cycle)s ends on %(day)s: %(todo)s") % values

    return notify(
        kind=NotificationKind.PHASE,
        recipients=owing,
        text=text,
        key=f"quarter.phase:{cycle.pk}:{phase}:{'late' if late else 'due'}",
        subject=Subject(type="cycles.cycle", id=cycle.pk, url=url),
    )


def _tell_heads(cycle: Cycle, window: PhaseWindow, owing: list[Person]) -> list[Notification]:
    """Each department's head about their late people, by name: one notice per head, phase and cycle."""
    by_department: dict[int, list[Person]] = {}
    for p in owing:
        if p.department_id is not None:
            by_department.setdefault(p.department_id, []).append(p)
    made: list[Notification] = []
    for department in Department.objects.filter(pk__in=list(by_department), head__isnull=False).select_related("head"):
        head = department.head
        if head is None:
            continue
        late = [p for p in by_department[department.pk] if p.pk != head.pk]
        if not late:
            continue
        names = "、".join(str(p) for p in late)

        def text(person: Person, names: str = names, department: Department = department) -> str:
            values = {"phase": _label(window), "cycle": cycle.name, "department": department.name, "names": names}
            return _("Late for %(phase)s of %(cycle)s in %(department)s: %(names)s") % values

        made += notify(
            kind=NotificationKind.PHASE,
            recipients=[head],
            text=text,
            key=f"quarter.phase:{cycle.pk}:{window.phase}:late-heads:{department.pk}",
            subject=Subject(
                type="cycles.cycle", id=cycle.pk, url=reverse("quarter:department", args=[cycle.pk, department.pk])
            ),
        )
    return made
