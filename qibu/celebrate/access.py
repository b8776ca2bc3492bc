"""Who may do what in the celebration (CEL-1 … CEL-5). One lookup per resource, for pages and API alike.

- **Celebrations** are seen by everyone in the company. A team's is planned and held by its lead, the heads of its
  department (and above) and administrators; a department's by its heads (and above) and administrators; the
  management's by executives and administrators.
- **Recognition** is given by anyone to anyone else in the company. A public one is seen by everyone; a private one
  only by its giver, its receiver and the receiver's managers (their manager, that manager's manager, the heads of
  their department and above) — not by an administrator who is none of these.
- **Incentives** are recorded and seen by the person's managers and by administrators only: never by the person's
  peers, never on a public page.
- **Lessons learned** are seen by everyone; a department's are recorded by its people (members and heads), the
  company's by executives and administrators.

Others get 404 (a resource they may not see) or 403 (a page they may see but an action they may not take).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from qibu.celebrate.models import Celebration, CelebrationLevel, Incentive, Recognition
from qibu.okrs.access import headed_department_paths
from qibu.org.models import Department, Person, Team

PLAN_REFUSED = _(
    "Only the people of that level plan its celebration: a team's lead, the department's head, "
    "and the executives for the management."
)
INCENTIVE_REFUSED = _("Only the person's managers and administrators record and see incentives.")
LESSON_REFUSED = _(
    "Only the people of that level record its lessons: a department's members and heads, "
    "the executives for the company."
)


def active(viewer: Person | AnonymousUser) -> bool:
    return bool(viewer.is_authenticated and viewer.is_active)


def _int(pk: object) -> int | None:
    try:
        return int(str(pk))
    except (TypeError, ValueError):
        return None


def heads(viewer: Person, department: Department | None) -> bool:
    return department is not None and any(department.path.startswith(p) for p in headed_department_paths(viewer))


def can_plan(viewer: Person, *, level: str, department: Department | None, team: Team | None) -> bool:
    """CEL-1: may `viewer` plan (and hold) a celebration of that level and group? `team` comes with its department."""
    if not active(viewer):
        return False
    if viewer.is_admin:
        return True
    if level == CelebrationLevel.MANAGEMENT:
        return viewer.is_executive
    if level == CelebrationLevel.DEPARTMENT:
        return heads(viewer, department)
    if level == CelebrationLevel.TEAM and team is not None:
        return team.lead_id == viewer.pk or heads(viewer, team.department)
    return False


def celebration_for(viewer: Person, pk: object) -> tuple[Celebration, bool]:
    """The celebration and whether `viewer` may hold it (else Http404). One query, and one for the heads' paths."""
    found = _int(pk)
    celebration = (
        Celebration.objects.select_related("department", "team__department", "cycle", "schedule", "planned_by")
        .filter(pk=found)
        .first()
        if found
        else None
    )
    if celebration is None or not active(viewer):
        raise Http404
    may = can_plan(viewer, level=celebration.level, department=celebration.department, team=celebration.team)
    return celebration, may


def manages(viewer: Person, person: Person) -> bool:
    """Is `viewer` one of `person`'s managers? `person` comes with their manager and department."""
    if viewer.pk == person.pk:
        return False
    if person.manager_id == viewer.pk or (person.manager is not None and person.manager.manager_id == viewer.pk):
        return True
    return heads(viewer, person.department)


def managed_q(viewer: Person, prefix: str = "") -> Q:
    """The people `viewer` manages, as a filter on a person (`prefix`: the path to them, e.g. `receiver__`)."""
    q = Q(**{f"{prefix}manager": viewer}) | Q(**{f"{prefix}manager__manager": viewer})
    for path in headed_department_paths(viewer):
        q |= Q(**{f"{prefix}department__path__startswith": path})
    return q & ~Q(**{f"{prefix}pk": viewer.pk})


def can_see_recognition(viewer: Person, recognition: Recognition) -> bool:
    """`recognition` comes with its receiver's manager and department."""
    if not active(viewer):
        return False
    if recognition.public or viewer.pk in (recognition.giver_id, recognition.receiver_id):
        return True
    return manages(viewer, recognition.receiver)


def recognitions_visible_q(viewer: Person) -> Q:
    """CEL-4: public ones, and the private ones `viewer` gave, received or manages the receiver of."""
    if not active(viewer):
        return Q(pk__in=[])
    return Q(public=True) | Q(giver=viewer) | Q(receiver=viewer) | managed_q(viewer, "receiver__")


def recognition_for(viewer: Person, pk: object) -> Recognition:
    found = _int(pk)
    recognition = (
        Recognition.objects.select_related("giver", "receiver__manager", "receiver__department", "key_result", "value")
        .filter(pk=found)
        .first()
        if found
        else None
    )
    if recognition is None or not can_see_recognition(viewer, recognition):
        raise Http404
    return recognition


def may_keep_incentives(viewer: Person) -> bool:
    """May `viewer` open the incentives at all: an administrator, or someone who manages anyone. One query."""
    if not active(viewer):
        return False
    if viewer.is_admin:
        return True
    return Person.objects.filter(managed_q(viewer), is_active=True).exists()


def can_record_incentive(viewer: Person, person: Person) -> bool:
    """`person` comes with their manager and department."""
    return active(viewer) and viewer.pk != person.pk and (viewer.is_admin or manages(viewer, person))


def incentives_visible_q(viewer: Person) -> Q:
    """CEL-4: an administrator sees all; a manager those of the people they manage; nobody their own."""
    if not active(viewer):
        return Q(pk__in=[])
    if viewer.is_admin:
        return ~Q(person=viewer)
    return managed_q(viewer, "person__")


def incentive_for(viewer: Person, pk: object) -> Incentive:
    found = _int(pk)
    incentive = Incentive.objects.select_related("person", "cycle").filter(pk=found).first() if found else None
    if incentive is None or not Incentive.objects.filter(incentives_visible_q(viewer), pk=incentive.pk).exists():
        raise Http404
    return incentive


def can_record_lesson(viewer: Person, department: Department | None) -> bool:
    """CEL-5: the people of that level."""
    if not active(viewer):
        return False
    if viewer.is_admin:
        return True
    if department is None:
        return viewer.is_executive
    return viewer.department_id == department.pk or heads(viewer, department)
