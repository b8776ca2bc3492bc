"""The quarter's calendar (PLAY-EXEC): the seven phases of a quarter in the method's order with their dates from the
policy (`qibu.cycles.phases.phase_windows`), and for the company, each department and each person whether each
phase is done, missing, late (its window is over and it is still missing) or upcoming (not begun yet). The facts
come from the apps that own the phases (`qibu.cycles.phases.phase_facts`); a phase whose app registered none shows
its dates and "not tracked". A fixed number of queries whatever the company's size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qibu.cycles.models import Cycle
from qibu.cycles.phases import Phase, PhaseFacts, PhaseWindow, phase_facts, phase_windows
from qibu.org.models import Department, Organisation, Person
from qibu.quarter.access import sees_all, visible_department_ids


class State:
    DONE = "done"
    MISSING = "missing"  # open, not done yet
    LATE = "late"  # the window is over and it is still missing
    UPCOMING = "upcoming"  # not begun yet
    NONE = "none"  # nothing owed here
    UNTRACKED = "untracked"  # no app says who owes the phase


STATE_LABELS: dict[str, str | Promise] = {
    State.DONE: pgettext_lazy("phase state", "done"),
    State.MISSING: pgettext_lazy("phase state", "missing"),
    State.LATE: pgettext_lazy("phase state", "late"),
    State.UPCOMING: pgettext_lazy("phase state", "upcoming"),
    State.NONE: pgettext_lazy("phase state", "nothing owed"),
    State.UNTRACKED: pgettext_lazy("phase state", "not tracked"),
}

# What a person does in each phase, and where (PLAY-EXEC).
TODO: dict[Phase, str | Promise] = {
    Phase.SET: _("Set your personal objectives for the quarter, aligned with your department's."),
    Phase.PUBLISH: _("Read the quarter's published OKRs: the company's, the departments' and everyone's."),
    Phase.EXECUTE: _("Check in on each of your key results at least once a week."),
    Phase.SELF_ASSESS: _("Score your key results and submit your self-assessment."),
    Phase.REFLECT: _("Take part in your department's reflection on the self-assessments."),
    Phase.UPDATE: _("Update your OKRs for the next quarter."),
    Phase.CELEBRATE: _("Celebrate the quarter's results with your team."),
}


def phase_url(phase: Phase, cycle: Cycle) -> str:
    """The page where a person does the phase."""
    if phase == Phase.SET:
        return reverse("okrs:objective_new") + f"?cycle={cycle.pk}"
    if phase == Phase.PUBLISH:
        return reverse("publish:list") + f"?cycle={cycle.pk}"
    if phase == Phase.EXECUTE:
        return reverse("okrs:my")
    if phase == Phase.SELF_ASSESS:
        return reverse("assess:mine", args=[cycle.pk])
    if phase == Phase.REFLECT:
        return reverse("reflect:list")
    if phase == Phase.UPDATE:
        return reverse("updates:cycle", args=[cycle.pk])
    return reverse("celebrate:index")


def state_of(window: PhaseWindow, today: dt.date, *, expected: bool, done: bool) -> str:
    """PLAY-EXEC: done, missing, late or upcoming; nothing owed when not expected."""
    if not expected:
        return State.NONE
    if done:
        return State.DONE
    if not window.has_begun(today):
        return State.UPCOMING
    if window.is_over(today):
        return State.LATE
    return State.MISSING


@dataclass(frozen=True)
class Cell:
    """One phase for one row: its state, and how many of what is owed are done (a department counts itself and
    its people)."""

    state: str
    done: int = 0
    expected: int = 0

    @property
    def label(self) -> str | Promise:
        return STATE_LABELS[self.state]

    @property
    def missing(self) -> int:
        return self.expected - self.done


@dataclass(frozen=True)
class PhaseColumn:
    phase: Phase
    label: str | Promise
    start: dt.date
    end: dt.date
    tracked: bool
    now: bool  # open today
    over: bool
    begun: bool
    todo: str | Promise
    url: str
    company: Cell  # the company's own duty (set, publish), or the sum over everyone when it has none
    people_done: int = 0
    people_expected: int = 0
    departments_done: int = 0
    departments_expected: int = 0

    @property
    def people_missing(self) -> int:
        return self.people_expected - self.people_done

    @property
    def departments_missing(self) -> int:
        return self.departments_expected - self.departments_done

    @property
    def when(self) -> str:
        return "now" if self.now else "past" if self.over else "upcoming"


@dataclass(frozen=True)
class Row:
    """A department's or a person's row: one cell per phase."""

    id: int
    name: str
    detail: str  # a person's department, a department's head
    cells: list[Cell]

    @property
    def late(self) -> bool:
        return any(c.state == State.LATE for c in self.cells)


@dataclass(frozen=True)
class LatePerson:
    id: int
    name: str
    department_id: int | None
    department: str
    phases: list[str | Promise]


@dataclass(frozen=True)
class Calendar:
    cycle: Cycle
    today: dt.date
    phases: list[PhaseColumn]
    today_at: int  # where today falls in the timeline: the number of phases begun by today
    departments: list[Row] = field(default_factory=list)  # those the viewer may see
    late: list[LatePerson] = field(default_factory=list)  # of the departments the viewer may see
    sees_rows: bool = False

    @property
    def current(self) -> list[PhaseColumn]:
        return [p for p in self.phases if p.now]


@dataclass(frozen=True)
class _Read:
    windows: list[PhaseWindow]
    facts: dict[Phase, PhaseFacts | None]
    departments: list[Department]
    people: list[Person]


def _read(cycle: Cycle, organisation: Organisation) -> _Read:
    """Every phase's facts (each its own fixed count), the departments with their heads, the active people."""
    windows = phase_windows(cycle, organisation)
    facts = {w.phase: phase_facts(cycle, organisation, w.phase) for w in windows}
    departments = list(Department.objects.select_related("head").order_by("path", "position", "name"))
    people = list(
        Person.objects.filter(is_active=True)
        .only("pk", "full_name", "username", "department_id")
        .order_by("full_name", "username")
    )
    return _Read(windows, facts, departments, people)


def _person_cell(window: PhaseWindow, facts: PhaseFacts | None, today: dt.date, pk: int) -> Cell:
    if facts is None:
        return Cell(State.UNTRACKED)
    expected = pk in facts.people_expected
    done = pk in facts.people_done
    return Cell(state_of(window, today, expected=expected, done=done), int(done and expected), int(expected))


def _group_cell(
    window: PhaseWindow, today: dt.date, *, own: tuple[bool, bool] | None, people: list[int], facts: PhaseFacts
) -> Cell:
    """A department's or the company's cell: its own duty (expected, done) and its people's."""
    expected = sum(1 for p in people if p in facts.people_expected)
    done = sum(1 for p in people if p in facts.people_expected and p in facts.people_done)
    if own is not None and own[0]:
        expected += 1
        done += int(own[1])
    return Cell(state_of(window, today, expected=expected > 0, done=done == expected), done, expected)


def _base_column(window: PhaseWindow, today: dt.date, cycle: Cycle) -> PhaseColumn:
    """A phase with its dates and nothing known of who owes it."""
    return PhaseColumn(
        phase=window.phase,
        label=Phase(window.phase).label,
        start=window.start,
        end=window.end,
        tracked=False,
        now=window.contains(today),
        over=window.is_over(today),
        begun=window.has_begun(today),
        todo=TODO[window.phase],
        url=phase_url(window.phase, cycle),
        company=Cell(State.UNTRACKED),
    )


def _column(
    window: PhaseWindow, facts: PhaseFacts | None, today: dt.date, cycle: Cycle, everyone: list[int]
) -> PhaseColumn:
    column = _base_column(window, today, cycle)
    if facts is None:
        return column
    own = (facts.company_expected, facts.company_done)
    company = _group_cell(window, today, own=own, people=everyone, facts=facts)
    if facts.company_expected:
        company = Cell(state_of(window, today, expected=True, done=facts.company_done), company.done, company.expected)
    return replace(
        column,
        tracked=True,
        company=company,
        people_done=len(facts.people_done & facts.people_expected),
        people_expected=len(facts.people_expected),
        departments_done=len(facts.departments_done & facts.departments_expected),
        departments_expected=len(facts.departments_expected),
    )


def _department_rows(read: _Read, today: dt.date, shown: list[Department]) -> list[Row]:
    by_department: dict[int, list[int]] = {}
    for p in read.people:
        if p.department_id is not None:
            by_department.setdefault(p.department_id, []).append(p.pk)
    rows = []
    for d in shown:
        members = by_department.get(d.pk, [])
        cells = []
        for w in read.windows:
            facts = read.facts[w.phase]
            if facts is None:
                cells.append(Cell(State.UNTRACKED))
                continue
            own = (d.pk in facts.departments_expected, d.pk in facts.departments_done)
            cells.append(_group_cell(w, today, own=own, people=members, facts=facts))
        rows.append(Row(id=d.pk, name=d.name, detail=str(d.head) if d.head else "", cells=cells))
    return rows


def _late_people(
    read: _Read, today: dt.date, visible: set[int], names: dict[int, str], *, unassigned: bool = False
) -> list[LatePerson]:
    """The late people of the `visible` departments (and of none, for `unassigned`), by name."""
    late = []
    for p in read.people:
        if p.department_id not in visible and not (unassigned and p.department_id is None):
            continue
        phases: list[str | Promise] = [
            Phase(w.phase).label
            for w in read.windows
            if _person_cell(w, read.facts[w.phase], today, p.pk).state == State.LATE
        ]
        if phases:
            late.append(LatePerson(p.pk, str(p), p.department_id, names.get(p.department_id or 0, ""), phases))
    return late


def calendar(*, cycle: Cycle, organisation: Organisation, viewer: Person, today: dt.date | None = None) -> Calendar:
    """PLAY-EXEC: the company's calendar of a quarter for `viewer`: every phase with its dates and counts; the
    departments' rows and the late people's names of the departments the viewer may see (heads, their managers,
    executives, administrators)."""
    today = today or timezone.localdate()
    read = _read(cycle, organisation)
    everyone = [p.pk for p in read.people]
    phases = [_column(w, read.facts[w.phase], today, cycle, everyone) for w in read.windows]
    visible = visible_department_ids(viewer, read.departments)
    shown = [d for d in read.departments if d.pk in visible]
    names = {d.pk: d.name for d in read.departments}
    return Calendar(
        cycle=cycle,
        today=today,
        phases=phases,
        today_at=sum(1 for w in read.windows if w.has_begun(today)),
        departments=_department_rows(read, today, shown),
        late=_late_people(read, today, visible, names, unassigned=sees_all(viewer)),
        sees_rows=bool(visible) or sees_all(viewer),
    )


@dataclass(frozen=True)
class DepartmentCalendar:
    department: Department
    calendar: Calendar
    own: Row  # the department's own row
    people: list[Row]


def department_calendar(
    *, cycle: Cycle, organisation: Organisation, viewer: Person, department_id: object, today: dt.date | None = None
) -> DepartmentCalendar:
    """PLAY-EXEC: a department's calendar: its row and one row per person in it (Http404 unless the viewer may
    see its rows)."""
    from qibu.quarter.access import department_for

    today = today or timezone.localdate()
    read = _read(cycle, organisation)
    department = department_for(viewer, department_id, read.departments)
    everyone = [p.pk for p in read.people]
    phases = [_column(w, read.facts[w.phase], today, cycle, everyone) for w in read.windows]
    own = _department_rows(read, today, [department])[0]
    people = [
        Row(
            id=p.pk,
            name=str(p),
            detail=department.name,
            cells=[_person_cell(w, read.facts[w.phase], today, p.pk) for w in read.windows],
        )
        for p in read.people
        if p.department_id == department.pk
    ]
    names = {department.pk: department.name}
    cal = Calendar(
        cycle=cycle,
        today=today,
        phases=phases,
        today_at=sum(1 for w in read.windows if w.has_begun(today)),
        departments=[own],
        late=_late_people(read, today, {department.pk}, names),
        sees_rows=True,
    )
    return DepartmentCalendar(department=department, calendar=cal, own=own, people=people)


@dataclass(frozen=True)
class MyPhase:
    column: PhaseColumn
    mine: Cell  # what I owe and whether it is done

    @property
    def owed(self) -> bool:
        return self.mine.state not in (State.NONE, State.UNTRACKED)


@dataclass(frozen=True)
class MyCalendar:
    cycle: Cycle
    today: dt.date
    person: Person
    phases: list[MyPhase]
    today_at: int
    headed: list[Department]  # the departments whose calendar I may open

    @property
    def columns(self) -> list[PhaseColumn]:
        return [p.column for p in self.phases]

    @property
    def late(self) -> list[MyPhase]:
        return [p for p in self.phases if p.mine.state == State.LATE]

    @property
    def due(self) -> list[MyPhase]:
        return [p for p in self.phases if p.mine.state == State.MISSING]


def my_calendar(
    *, cycle: Cycle, organisation: Organisation, person: Person, today: dt.date | None = None
) -> MyCalendar:
    """PLAY-EXEC: my own phases of a quarter: what I must do and by when, with where I do it."""
    today = today or timezone.localdate()
    windows = phase_windows(cycle, organisation)
    facts = {w.phase: phase_facts(cycle, organisation, w.phase) for w in windows}
    departments = list(Department.objects.select_related("head").order_by("path", "position", "name"))
    visible = visible_department_ids(person, departments)
    phases = []
    for w in windows:
        f = facts[w.phase]
        company_own = Cell(State.UNTRACKED)
        if f is not None:
            company_own = Cell(state_of(w, today, expected=f.company_expected, done=f.company_done))
        column = replace(_base_column(w, today, cycle), tracked=f is not None, company=company_own)
        phases.append(MyPhase(column=column, mine=_person_cell(w, f, today, person.pk)))
    return MyCalendar(
        cycle=cycle,
        today=today,
        person=person,
        phases=phases,
        today_at=sum(1 for w in windows if w.has_begun(today)),
        headed=[d for d in departments if d.pk in visible] if not person.is_executive else [],
    )
