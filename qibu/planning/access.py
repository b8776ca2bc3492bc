"""Who may speak on a draft and answer it, and who may record what a draft took up (SET-2).

A proposal is as visible as its objective: `proposal_for` answers 404 when the objective is invisible to the person,
for pages and API alike; so does `take_up_for` for a take-up, by the objective that took it up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from qibu.okrs.access import can_edit, can_view, objective_for
from qibu.okrs.models import Approval, Level, Objective
from qibu.planning.models import Proposal, ProposalStatus, TakeUp

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qibu.org.models import Person

# The levels whose drafts employees speak on and that take up what comes from below (SET-2).
VOICED_LEVELS = (Level.COMPANY, Level.DEPARTMENT)


def voice_open(objective: Objective) -> bool:
    """A draft takes proposals and objections until it is approved, and never in a closed cycle: the voice is for
    the drafting (SET-2), not for the quarter that follows."""
    return (
        objective.level in VOICED_LEVELS and objective.approval != Approval.APPROVED and not objective.cycle.is_closed
    )


def can_propose(person: Person | AnonymousUser, objective: Objective) -> bool:
    """Anyone who may see a department's or the company's draft may propose on it or object to it."""
    return voice_open(objective) and can_view(person, objective)


def proposal_for(person: Person, pk: int) -> Proposal:
    """The proposal, with its objective, if `person` may see the objective (else Http404)."""
    try:
        proposal = Proposal.objects.select_related("author", "key_result").filter(pk=pk).first()
    except (ValueError, TypeError):
        proposal = None
    if proposal is None:
        raise Http404
    proposal.objective, _editable = objective_for(person, proposal.objective_id)
    return proposal


def can_change_proposal(person: Person, proposal: Proposal) -> bool:
    """Its author edits or withdraws a proposal while it is unanswered and the draft still takes proposals."""
    return (
        person.is_active
        and proposal.author_id == person.pk
        and proposal.status == ProposalStatus.OPEN
        and voice_open(proposal.objective)
    )


def can_respond(person: Person, proposal: Proposal) -> bool:
    """The draft's owner and those who may change it answer its proposals (take one up, decline it)."""
    return not proposal.objective.cycle.is_closed and can_edit(person, proposal.objective)


def can_take_up(person: Person, objective: Objective) -> bool:
    """Those who may change a company or department objective record what it took up, while its cycle is open."""
    return objective.level in VOICED_LEVELS and not objective.cycle.is_closed and can_edit(person, objective)


def take_up_for(person: Person, pk: int) -> TakeUp:
    """The take-up, with the objective that took it up, if `person` may see that objective (else Http404)."""
    try:
        take_up = TakeUp.objects.filter(pk=pk).first()
    except (ValueError, TypeError):
        take_up = None
    if take_up is None:
        raise Http404
    take_up.objective, _editable = objective_for(person, take_up.objective_id)
    return take_up
