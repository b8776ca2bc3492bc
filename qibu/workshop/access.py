"""Who may do what in a co-creation workshop (WS-1 … WS-7). One lookup per workshop (`seat_for`), for pages and API
alike; the `Seat` it returns answers every question about the viewer in that workshop.

- A workshop is seen by its moderator, its observer (the CEO), its participants and administrators; anyone else
  gets 404. Executives and administrators create workshops.
- The moderator (and an administrator) prepares it: participants, groups, leaders; starts it, runs the plenary.
- A group's leader (and the moderator) leads the group: phases, reveal, columns, the notes' places, votes.
- A participant sees their own group while the groups work, the plenary, and — once the workshop is decided — its
  whole record. The observer and the moderator look into any group without being counted in it.
- A note is seen by its author only until its group's leader reveals the notes (WS-3), then by whoever sees the
  group. Enforced here, on the server: pages and API never receive a hidden note's text.
- Members vote (in the plenary: every participant); the observer speaks last and alone decides (WS-7).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from qibu.org.models import Person
from qibu.workshop.models import Group, Note, Participant, Workshop, WorkshopState

CREATE_REFUSED = _("Only executives and administrators create co-creation workshops.")
MANAGE_REFUSED = _("Only the workshop's moderator and administrators prepare and run the workshop.")
LEAD_REFUSED = _("Only the group's leader and the moderator do this.")
VOTE_REFUSED = _("Only the members of the group vote.")
DECIDE_REFUSED = _("Only the CEO, who observes the workshop, decides its result.")
WRITE_REFUSED = _("Only the group's members write notes; the observer and the moderator do not.")


def active(viewer: Person | AnonymousUser) -> bool:
    return bool(viewer.is_authenticated and viewer.is_active)


def may_create(viewer: Person | AnonymousUser) -> bool:
    return active(viewer) and isinstance(viewer, Person) and viewer.is_executive


def visible_workshops(viewer: Person) -> QuerySet[Workshop]:
    """The workshops `viewer` may see, for lists."""
    workshops = Workshop.objects.select_related("cycle", "moderator", "observer")
    if viewer.is_admin:
        return workshops
    mine = Participant.objects.filter(person=viewer).values("workshop_id")
    return workshops.filter(Q(moderator=viewer) | Q(observer=viewer) | Q(pk__in=mine))


@dataclass(frozen=True)
class Seat:
    """Where the viewer sits in one workshop."""

    workshop: Workshop
    viewer: Person
    participant: Participant | None

    @property
    def is_moderator(self) -> bool:
        return self.workshop.moderator_id == self.viewer.pk

    @property
    def is_observer(self) -> bool:
        return self.workshop.observer_id == self.viewer.pk

    @property
    def group_id(self) -> int | None:
        return self.participant.group_id if self.participant is not None else None

    @property
    def can_manage(self) -> bool:
        """Prepare the workshop, start it, run the plenary (the moderator and administrators)."""
        return self.is_moderator or self.viewer.is_admin

    @property
    def may_decide(self) -> bool:
        """WS-7: the CEO speaks last and decides."""
        return self.is_observer

    def sees_group(self, group: Group) -> bool:
        if group.is_plenary or self.can_manage or self.is_observer:
            return True
        if self.workshop.state == WorkshopState.DECIDED and self.participant is not None:
            return True
        return self.group_id == group.pk

    def leads(self, group: Group) -> bool:
        return self.is_moderator or (not group.is_plenary and group.leader_id == self.viewer.pk)

    def member_of(self, group: Group) -> bool:
        """Writes notes and votes in `group` (the plenary: every participant)."""
        if self.participant is None:
            return False
        return group.is_plenary or self.group_id == group.pk

    def sees_note(self, note: Note, group: Group) -> bool:
        """WS-3: hidden from everyone but its author until the group's notes are revealed."""
        if note.author_id == self.viewer.pk:
            return True
        return group.is_revealed and self.sees_group(group)


def _int(pk: object) -> int | None:
    try:
        return int(str(pk))
    except (TypeError, ValueError):
        return None


def seat_for(viewer: Person | AnonymousUser, pk: object, *, for_update: bool = False) -> Seat:
    """The workshop `pk` and where `viewer` sits in it; Http404 when they may not see it. `for_update` locks the
    workshop's row (a service that changes its state)."""
    workshop_id = _int(pk)
    if workshop_id is None or not active(viewer) or not isinstance(viewer, Person):
        raise Http404
    workshops = Workshop.objects.select_related("cycle", "moderator", "observer")
    if for_update:
        workshops = workshops.select_for_update(of=("self",))
    workshop = workshops.filter(pk=workshop_id).first()
    if workshop is None:
        raise Http404
    participant = Participant.objects.filter(workshop=workshop, person=viewer).first()
    seat = Seat(workshop=workshop, viewer=viewer, participant=participant)
    if participant is None and not (seat.can_manage or seat.is_observer):
        raise Http404
    return seat


def group_for(seat: Seat, pk: object) -> Group:
    """A group of the seat's workshop that the viewer may see; Http404 otherwise."""
    group_id = _int(pk)
    group = None
    if group_id is not None:
        group = Group.objects.filter(pk=group_id, workshop=seat.workshop).select_related("leader").first()
    if group is None or not seat.sees_group(group):
        raise Http404
    return group
