"""Who may see the quarter's calendar and its close-of-quarter report (PLAY-EXEC). One lookup per resource, for
pages and API alike.

- **The company's calendar** with its counts: everyone signed in (PUB-2: the rhythm is public).
- **A department's rows and the names of its late people**: the department's heads (and those of the departments
  above it), the managers of its heads (and of those above), executives and administrators. Others see the
  counts only; a department's own page answers them 404.
- **My phases**: each person their own.
- **The report**: administrators and executives the whole; a department head their departments' rows (and the
  departments below them); others 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from qibu.cycles.models import Cycle, CycleKind
from qibu.cycles.selectors import cycle_current
from qibu.okrs.access import headed_department_paths
from qibu.org.models import Department, Person


def _active(viewer: Person | AnonymousUser) -> bool:
    return bool(viewer.is_authenticated and viewer.is_active)


def quarter_for(pk: object) -> Cycle:
    """The quarter asked for (else Http404). One query."""
    try:
        cycle = Cycle.objects.select_related("parent").filter(pk=int(str(pk)), kind=CycleKind.QUARTER).first()
    except (TypeError, ValueError):
        cycle = None
    if cycle is None:
        raise Http404
    return cycle


def quarter_current() -> Cycle:
    """The quarter running today (else the latest begun, else the next); Http404 when there is none. One query."""
    cycle = cycle_current(kind=CycleKind.QUARTER)
    if cycle is None:
        raise Http404
    return cycle


def sees_all(viewer: Person) -> bool:
    return _active(viewer) and viewer.is_executive


def visible_department_ids(viewer: Person, departments: list[Department]) -> set[int]:
    """Of `departments` (all of them, each with its head), those whose rows and late people `viewer` may see: the
    heads and their managers, down the tree; all for executives and administrators. At most one query (the
    departments `viewer` heads)."""
    if not _active(viewer):
        return set()
    if viewer.is_executive:
        return {d.pk for d in departments}
    paths = list(headed_department_paths(viewer))
    paths += [d.path for d in departments if d.head is not None and d.head.manager_id == viewer.pk]
    return {d.pk for d in departments if any(d.path.startswith(p) for p in paths)}


def department_for(viewer: Person, pk: object, departments: list[Department]) -> Department:
    """The department among `departments` whose people's rows `viewer` asks for, if they may see them (else
    Http404)."""
    try:
        wanted = int(str(pk))
    except (TypeError, ValueError):
        raise Http404 from None
    found = next((d for d in departments if d.pk == wanted), None)
    if found is None or found.pk not in visible_department_ids(viewer, departments):
        raise Http404
    return found


@dataclass(frozen=True)
class ReportScope:
    whole: bool
    department_paths: tuple[str, ...] = ()

    def covers(self, department: Department | None) -> bool:
        if self.whole:
            return True
        return department is not None and any(department.path.startswith(p) for p in self.department_paths)


def report_scope(viewer: Person) -> ReportScope:
    """What of a quarter's report `viewer` may read (else Http404): the whole for executives and administrators,
    their departments' rows for department heads. At most one query."""
    if not _active(viewer):
        raise Http404
    if viewer.is_executive:
        return ReportScope(whole=True)
    paths = tuple(headed_department_paths(viewer))
    if not paths:
        raise Http404
    return ReportScope(whole=False, department_paths=paths)


def sees_report(viewer: Person) -> bool:
    """May `viewer` open a quarter's report at all (to link it)?"""
    return _active(viewer) and (viewer.is_executive or bool(headed_department_paths(viewer)))
