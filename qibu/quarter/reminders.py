"""The quarter's reminders (PLAY-EXEC): every day, for each phase of a quarter whose window is open and ends within
two days, each person who still owes it is told what to do and by when; the day after a window ended, each person
still owing it is told they are late and each department's head is told who of theirs is late. Every notice goes
once per phase, person and cycle (the notify outbox's idempotency keys: a run again tells nobody twice). What a
department owes (its department objective) goes to its head, what the company owes (the publication) to the
executives and administrators. The self-assessment gets its reminders so."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.cycles.models import Cycle, CycleKind
from qibu.cycles.phases import Phase, PhaseFacts, PhaseWindow, phase_facts, phase_windows
from qibu.notify.inbox import Subject, notify
from qibu.notify.models import Notification, NotificationKind
from qibu.org.models import Department, Organisation, Person, Role
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
            if facts is None:
                continue
            if facts.people_missing:
                owing = list(
                    Person.objects.filter(pk__in=facts.people_missing, is_active=True).select_related("department")
                )
                made += _tell(cycle, window, owing, late=late)
                if late:
                    made += _tell_heads(cycle, window, owing)
            made += _tell_owners(cycle, window, facts, late=late)
    return made


def _tell_owners(cycle: Cycle, window: PhaseWindow, facts: PhaseFacts, *, late: bool) -> list[Notification]:
    """What a department or the company owes (a department objective, the publication): its heads, the
    executives."""
    made: list[Notification] = []
    url = reverse("quarter:calendar", args=[cycle.pk])
    when = "late" if late else "due"
    values = {"phase": _label(window), "cycle": cycle.name, "day": window.end.isoformat()}
    if facts.departments_missing:
        for department in Department.objects.filter(
            pk__in=list(facts.departments_missing), head__isnull=False, head__is_active=True
        ).select_related("head"):
            if department.head is None:
                continue

            def text(person: Person, department: Department = department) -> str:
                return _("%(department)s still owes the %(phase)s step of %(cycle)s (until %(day)s).") % {
                    **values,
                    "department": department.name,
                }

            made += notify(
                kind=NotificationKind.PHASE,
                recipients=[department.head],
                text=text,
                key=f"quarter.phase:{cycle.pk}:{window.phase}:{when}:department:{department.pk}",
                subject=Subject(type="cycles.cycle", id=cycle.pk, url=url),
            )
    if facts.company_expected and not facts.company_done:
        executives = Person.objects.filter(is_active=True, role__in=[Role.ADMIN, Role.EXECUTIVE])
        made += notify(
            kind=NotificationKind.PHASE,
            recipients=list(executives),
            text=lambda person: _("The company still owes the %(phase)s step of %(cycle)s (until %(day)s).") % values,
            key=f"quarter.phase:{cycle.pk}:{window.phase}:{when}:company",
            subject=Subject(type="cycles.cycle", id=cycle.pk, url=phase_url(window.phase, cycle) or url),
        )
    return made


def _tell(cycle: Cycle, window: PhaseWindow, owing: list[Person], *, late: bool) -> list[Notification]:
    url = phase_url(window.phase, cycle) or reverse("quarter:me", args=[cycle.pk])
    phase, todo = window.phase, TODO[window.phase]

    def text(person: Person) -> str:
        values = {"phase": _label(window), "cycle": cycle.name, "day": window.end.isoformat(), "todo": str(todo)}
        if late:
            return _("You are late for the %(phase)s step of %(cycle)s (it ended on %(day)s): %(todo)s") % values
        return _("The %(phase)s step of %(cycle)s ends on %(day)s: %(todo)s") % values

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
            return _("Late for the %(phase)s step of %(cycle)s in %(department)s: %(names)s") % values

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
