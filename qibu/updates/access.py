"""Who may see and do what in the update (UPD-1 … UPD-5). One lookup per resource, for pages and API alike.

- **The update of a cycle** (its page, its board) is seen by every active person: what each sees of it is what
  okrs lets them see of the objectives (`visible_objectives_q`).
- **A decision on an objective** is recorded by those who may change the objective (okrs' `can_edit`: the owner,
  their manager, the department's head; executives for company objectives). Invisible objective → 404; visible
  but not changeable → 403.
- **Approving a company change** (UPD-3): the CEO, or another executive where there is no CEO or the CEO made it
  (`services.may_approve`); never the one who made it.
- **Closing** the company's update and the update as a whole: executives; a department's: its head (or one above)
  and executives.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from qibu.cycles.models import Cycle
from qibu.okrs.access import can_view, objective_for
from qibu.okrs.models import Objective
from qibu.org.models import Department, Organisation, Person
from qibu.updates.models import Decision
from qibu.updates.window import update_kinds


def _int(pk: object) -> int:
    try:
        return int(str(pk))
    except (TypeError, ValueError):
        raise Http404 from None


def cycle_for(viewer: Person, organisation: Organisation, pk: object) -> Cycle:
    """A cycle that is updated (a quarter, or a month by the policy); else Http404. One query."""
    if not viewer.is_authenticated or not viewer.is_active:
        raise Http404
    cycle = Cycle.objects.filter(pk=_int(pk), kind__in=update_kinds(organisation)).first()
    if cycle is None:
        raise Http404
    return cycle


def objective_to_decide(viewer: Person, pk: object) -> Objective:
    """The closing objective `viewer` decides on: Http404 when they may not see it, PermissionDenied when they may
    not change it."""
    objective, editable = objective_for(viewer, _int(pk))
    if not editable:
        raise PermissionDenied
    return objective


def decision_for(viewer: Person, pk: object) -> Decision:
    """A decision whose objective (closing, or new) the viewer may see; else Http404."""
    decision = (
        Decision.objects.select_related("objective__owner", "objective__department", "objective__team", "carried")
        .filter(pk=_int(pk))
        .first()
    )
    shown = None if decision is None else (decision.objective or decision.carried)
    if decision is None or shown is None or not can_view(viewer, shown):
        raise Http404
    return decision


def new_objective_for(viewer: Person, pk: object) -> Objective:
    objective, _editable = objective_for(viewer, _int(pk))
    if not viewer.is_executive:
        raise PermissionDenied
    return objective


def department_for(pk: object) -> Department:
    department = Department.objects.filter(pk=_int(pk)).first()
    if department is None:
        raise Http404
    return department


def require_executive(viewer: Person) -> None:
    """The company's update and the update as a whole are closed by executives (403 for the others)."""
    if not viewer.is_executive:
        raise PermissionDenied
