"""Who may see and change blockers (EXE-2). One lookup per blocker, `blocker_for`, for pages and API alike: 404 when
the person may not see it, and what they may do with it (the caller answers 403 for a change they may not make).

- **See**: its raiser, its owner and the people concerned; the members of its team and of its department and
  their lead and head (and the heads of the departments above it); the owner's and the raiser's managers, two
  levels up the line; executives and administrators.
- **Change and resolve or reopen**: its raiser, its owner, the lead of its team, the head of its department (or of
  a department above it), and administrators.

Only active people see or change anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from qibu.blockers.models import Blocker
from qibu.okrs.access import headed_department_paths
from qibu.org.models import Person


def visible_blockers_q(person: Person | AnonymousUser) -> Q:
    """A filter equal to `can_see` over many blockers, for lists (no join that repeats rows)."""
    if not person.is_authenticated or not person.is_active:
        return Q(pk__in=[])
    if person.is_executive:
        return Q()
    concerned = Blocker.concerned.through.objects.filter(person_id=person.pk).values("blocker_id")
    q = (
        Q(raised_by_id=person.pk)
        | Q(owner_id=person.pk)
        | Q(pk__in=concerned)
        | Q(team__lead_id=person.pk)
        | Q(department__head_id=person.pk)
        # Managers up the line of the owner and of the one who raised it (two levels).
        | Q(owner__manager_id=person.pk)
        | Q(owner__manager__manager_id=person.pk)
        | Q(raised_by__manager_id=person.pk)
    )
    if person.team_id:
        q |= Q(team_id=person.team_id)
    if person.department_id:
        q |= Q(department_id=person.department_id)
    for path in headed_department_paths(person):
        q |= Q(department__path__startswith=path)
    return q


def _changes_q(person: Person) -> Q:
    q = Q(raised_by_id=person.pk) | Q(owner_id=person.pk) | Q(team__lead_id=person.pk)
    for path in headed_department_paths(person):
        q |= Q(department__path__startswith=path)
    return q


def can_change(person: Person, blocker: Blocker) -> bool:
    """May `person` change, resolve or reopen `blocker`? Its team and department come with it (`blocker_queryset`)."""
    if not person.is_authenticated or not person.is_active:
        return False
    if person.is_admin:
        return True
    if person.pk in (blocker.raised_by_id, blocker.owner_id):
        return True
    if blocker.team is not None and blocker.team.lead_id == person.pk:
        return True
    department = blocker.department
    return department is not None and any(department.path.startswith(p) for p in headed_department_paths(person))


def changeable_blockers_q(person: Person) -> Q:
    """A filter equal to `can_change` over many blockers."""
    if not person.is_active:
        return Q(pk__in=[])
    if person.is_admin:
        return Q()
    return _changes_q(person)


@dataclass(frozen=True)
class BlockerRights:
    change: bool  # change it, resolve it, reopen it


def blocker_queryset() -> QuerySet[Blocker]:
    return Blocker.objects.select_related(
        "owner",
        "raised_by",
        "resolved_by",
        "team",
        "department",
        "key_result",
        "action_step",
    )


def blocker_for(person: Person, pk: object) -> tuple[Blocker, BlockerRights]:
    """The blocker if `person` may see it (else Http404), and what they may do with it: one query (and the
    departments the person heads, read once per request)."""
    try:
        blocker = blocker_queryset().filter(visible_blockers_q(person), pk=int(str(pk))).first()
    except (ValueError, TypeError):
        blocker = None
    if blocker is None:
        raise Http404
    return blocker, BlockerRights(change=can_change(person, blocker))
