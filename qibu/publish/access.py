"""Who may publish, and who may read which part of a publication (PUB-2).

Everyone signed in reads a publication. Its entries keep what `qibu.okrs.access.can_view` decides by, as it was
when published, and are filtered on read with the same rules: private objectives were never copied; an objective
limited to its department shows to its people (and those of its sub-departments), the heads above it, executives,
administrators, its owner, author and the owner's manager.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from django.db.models import Q
from django.http import Http404

from qibu.okrs.access import headed_department_paths
from qibu.okrs.models import Visibility
from qibu.publish.models import Publication

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qibu.org.models import Person


class Visible(Protocol):
    """What an entry (or a change of one) keeps for `can_read`."""

    visibility: str
    owner_id: int | None
    author_id: int | None
    owner_manager_id: int | None
    department_path: str


def can_publish(person: Person | AnonymousUser) -> bool:
    """Administrators and executives publish a quarter (and see how its mailing goes)."""
    return bool(person.is_authenticated and person.is_active and person.is_executive)


def _own_paths(person: Person) -> list[str]:
    """The paths of the person's department and of every department above it: "/1/", "/1/4/", "/1/4/9/"."""
    if person.department is None:
        return []
    ids = person.department.ancestor_ids
    return ["/" + "/".join(str(i) for i in ids[: n + 1]) + "/" for n in range(len(ids))]


def can_read(person: Person, entry: Visible | dict[str, Any]) -> bool:
    """`can_view` on a published objective (an `Entry`, or a change's dict with the same keys)."""
    get = entry.get if isinstance(entry, dict) else lambda key: getattr(entry, key)
    visibility = get("visibility")
    if visibility == Visibility.COMPANY or person.is_admin:
        return True
    if person.pk in (get("owner_id"), get("author_id"), get("owner_manager_id")):
        return True
    if visibility != Visibility.DEPARTMENT:
        return False
    path = get("department_path") or ""
    if not path:
        return person.is_executive
    return (
        person.is_executive
        or path in _own_paths(person)
        or any(path.startswith(headed) for headed in headed_department_paths(person))
    )


def readable_q(person: Person) -> Q:
    """A filter equal to `can_read` over many entries."""
    if person.is_admin:
        return Q()
    q = (
        Q(visibility=Visibility.COMPANY)
        | Q(owner_id=person.pk)
        | Q(author_id=person.pk)
        | Q(owner_manager_id=person.pk)
    )
    if person.is_executive:
        return q | Q(visibility=Visibility.DEPARTMENT)
    scope = Q(department_path__in=_own_paths(person)) if person.department_id else Q(pk__in=[])
    for headed in headed_department_paths(person):
        scope |= Q(department_path__startswith=headed)
    return q | (Q(visibility=Visibility.DEPARTMENT) & ~Q(department_path="") & scope)


def publication_for(pk: int) -> Publication:
    """The publication (with its cycle and publisher), else Http404: every signed-in person may read one."""
    found = Publication.objects.select_related("cycle", "previous_cycle", "published_by").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
