"""Who may see and write reflections (REF-1 … REF-3). One lookup per resource, for pages and API alike.

- **A department's reflection** is seen by its department's people, the heads of it and of the departments above
  it, the managers of its head two levels up the line, executives and administrators. It is written (measures,
  the summary, closing and reopening, opening it early) by its heads (of it or of a department above) and
  administrators.
- **The management reflection** is seen by the managers — executives and every department head — and
  administrators. Executives (the CEO among them) and administrators write it; every manager writes their own
  account in it (REF-3).
- **A measure** is marked done (or not done) by its owner or by whoever writes its reflection.

Others get 404; the visible but not writable get 403. Only active people see anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from qibu.okrs.access import headed_department_paths
from qibu.org.models import Department, Person, Role
from qibu.reflect.models import Measure, Reflection, ReflectionKind


@dataclass(frozen=True)
class ReflectionRights:
    write: bool  # measures, summary, close, reopen
    account: bool  # REF-3: write one's own manager's account (the management reflection)


def _active(viewer: Person | AnonymousUser) -> bool:
    return bool(viewer.is_authenticated and viewer.is_active)


def _heads(viewer: Person, department: Department | None) -> bool:
    return department is not None and any(department.path.startswith(p) for p in headed_department_paths(viewer))


def is_manager(viewer: Person) -> bool:
    """A leader (an executive) or a department's head: who writes an account in the management reflection."""
    return _active(viewer) and (viewer.role == Role.EXECUTIVE or bool(headed_department_paths(viewer)))


def can_see_department(viewer: Person, department: Department) -> bool:
    """`department` comes with its head and the head's manager."""
    if not _active(viewer):
        return False
    if viewer.is_executive or viewer.department_id == department.pk or _heads(viewer, department):
        return True
    head = department.head
    return head is not None and (
        head.manager_id == viewer.pk or (head.manager is not None and head.manager.manager_id == viewer.pk)
    )


def can_write_department(viewer: Person, department: Department) -> bool:
    return _active(viewer) and (viewer.is_admin or _heads(viewer, department))


def rights_on(viewer: Person, reflection: Reflection) -> ReflectionRights | None:
    """The viewer's rights on the reflection (its department loaded with the head), or None when it is invisible."""
    if not _active(viewer):
        return None
    if reflection.kind == ReflectionKind.MANAGEMENT:
        manager = is_manager(viewer)
        if not (manager or viewer.is_admin):
            return None
        return ReflectionRights(write=viewer.is_executive, account=manager)
    department = reflection.department
    if department is None or not can_see_department(viewer, department):
        return None
    return ReflectionRights(write=can_write_department(viewer, department), account=False)


def _pk(pk: object) -> int | None:
    try:
        return int(str(pk))
    except (TypeError, ValueError):
        return None


def reflection_for(viewer: Person, pk: object) -> tuple[Reflection, ReflectionRights]:
    """The reflection `viewer` asks for with their rights, if they may see it (else Http404). One query (and the
    departments the viewer heads, once per request)."""
    key = _pk(pk)
    reflection = (
        Reflection.objects.select_related("cycle__parent", "department__head__manager", "closed_by")
        .filter(pk=key)
        .first()
        if key is not None
        else None
    )
    rights = rights_on(viewer, reflection) if reflection is not None else None
    if reflection is None or rights is None:
        raise Http404
    return reflection, rights


def measure_for(viewer: Person, pk: object) -> tuple[Measure, bool]:
    """The measure `viewer` asks for and whether they may mark it done: its owner or whoever writes its
    reflection; Http404 when its reflection is invisible to them. One query."""
    key = _pk(pk)
    measure = (
        Measure.objects.select_related("reflection__cycle", "reflection__department__head__manager", "owner")
        .filter(pk=key)
        .first()
        if key is not None
        else None
    )
    if measure is None:
        raise Http404
    rights = rights_on(viewer, measure.reflection)
    if measure.owner_id == viewer.pk and _active(viewer):
        return measure, True
    if rights is None:
        raise Http404
    return measure, rights.write
