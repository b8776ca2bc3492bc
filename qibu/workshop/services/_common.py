"""What every workshop service shares: entering the workshop under its lock, and the refusals.

Every write locks the workshop's row first (`enter`): writes to one workshop are serialised, so that two leaders
moving the same note, or sixty people writing notes at once, each see the others' changes and nothing is lost;
writes to different workshops do not wait for each other. The lock also re-reads where the actor sits, so a
service checks the same rights as the page or the API that called it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from qibu.core.validation import FieldErrors
from qibu.org.models import Person
from qibu.workshop import access
from qibu.workshop.access import Seat
from qibu.workshop.models import GROUP_PHASE_ORDER, Group, GroupPhase, Workshop, WorkshopState


def enter(actor: Person, workshop: Workshop | int) -> Seat:
    """The actor's seat in the workshop, its row locked until the transaction ends; Http404 when they may not
    see it."""
    pk = workshop if isinstance(workshop, int) else workshop.pk
    return access.seat_for(actor, pk, for_update=True)


def locked_group(seat: Seat, group: Group | int) -> Group:
    """The group, read again under the workshop's lock (its phase and spotlight as they are now)."""
    pk = group if isinstance(group, int) else group.pk
    found = Group.objects.filter(pk=pk, workshop=seat.workshop).first()
    if found is None or not seat.sees_group(found):
        raise Http404
    return found


def require_manager(seat: Seat) -> None:
    if not seat.can_manage:
        raise PermissionDenied(access.MANAGE_REFUSED)


def require_leader(seat: Seat, group: Group) -> None:
    if not seat.leads(group):
        raise PermissionDenied(access.LEAD_REFUSED)


def require_state(seat: Seat, *states: str) -> None:
    """Refuse (as a problem of the request, not of a field) when the workshop is in another state."""
    state = seat.workshop.state
    if state in states:
        return
    errors = FieldErrors()
    if state == WorkshopState.PREPARING:
        errors.add(None, _("The workshop has not started yet."))
    elif state == WorkshopState.DECIDED:
        errors.add(None, _("The workshop is over: its result is decided."))
    elif WorkshopState.PREPARING in states:
        errors.add(None, _("The workshop has started: its preparation can no longer change."))
    else:
        errors.add(None, _("The workshop is not at that step."))
    errors.raise_if_any()


def require_phase(group: Group, *phases: str) -> None:
    if group.phase in phases:
        return
    errors = FieldErrors()
    wanted = ", ".join(str(GroupPhase(p).label) for p in phases)
    errors.add(
        None,
        _("%(group)s is at the step “%(phase)s”; this belongs to “%(wanted)s”.")
        % {"group": group, "phase": GroupPhase(group.phase).label, "wanted": wanted},
    )
    errors.raise_if_any()


def phase_index(phase: str) -> int:
    return GROUP_PHASE_ORDER.index(phase)
