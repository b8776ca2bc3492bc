"""Writing the employees' voice and the take-ups (SET-2): one transaction each, with history listed under the
objective concerned, and the people concerned told through the inbox in the same transaction.

Who may see a draft is `qibu.okrs.access.can_view`: a draft one may not see does not exist for one (Http404, the
same answer pages and API give). Who may change what is `qibu.planning.access`; a refusal by permission is
PermissionDenied, a refusal by the state of things a ValidationError naming the field, nothing written.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.audit.services import history_record
from qibu.core.validation import COMMENT_MAX, NOTE_MAX, FieldErrors, clean_choice, clean_text
from qibu.notify.inbox import Subject, notify
from qibu.notify.models import NotificationKind
from qibu.okrs.access import can_edit, can_view
from qibu.okrs.models import Approval, KeyResult, Level, Objective
from qibu.org.models import Person
from qibu.planning.access import VOICED_LEVELS
from qibu.planning.models import Proposal, ProposalKind, ProposalStatus, TakeUp

# How much of a proposal a notification quotes.
QUOTE_LENGTH = 140
# The method's levels from the top (SET-1): a take-up brings something up from a lower level.
LEVEL_RANK = {Level.COMPANY: 0, Level.DEPARTMENT: 1, Level.TEAM: 2, Level.PERSON: 3}


def _closed(objective: Objective) -> str:
    return _("The cycle “%(cycle)s” is closed: it takes no more changes.") % {"cycle": objective.cycle}


def _quote(text: str) -> str:
    return text if len(text) <= QUOTE_LENGTH else text[: QUOTE_LENGTH - 1] + "…"


def _url(objective_id: int, anchor: str) -> str:
    return reverse("okrs:objective", args=[objective_id]) + f"#{anchor}"


def _subject(objective_id: int, anchor: str) -> Subject:
    return Subject(type="okrs.objective", id=objective_id, url=_url(objective_id, anchor))


def _answerer(objective: Objective) -> Person | None:
    """Who answers a draft's proposals: its owner, else the head of its department."""
    if objective.owner is not None:
        return objective.owner
    return objective.department.head if objective.department is not None else None


# --- proposals ----------------------------------------------------------------------------------------


def _clean_text(errors: FieldErrors, value: Any) -> str:
    return clean_text(errors, "text", value, max_length=COMMENT_MAX, missing=_("Write what you propose."))


def _voice_open(errors: FieldErrors, objective: Objective) -> None:
    """SET-2: employees speak on the drafts of departments and of the company, until they are approved."""
    if objective.level not in VOICED_LEVELS:
        errors.add("objective", _("Proposals and objections are for the objectives of a department or of the company."))
    elif objective.cycle.is_closed:
        errors.add(
            "objective", _("The cycle “%(cycle)s” is closed: it takes no more proposals.") % {"cycle": objective.cycle}
        )
    elif objective.approval == Approval.APPROVED:
        errors.add(
            "objective",
            _("This objective is approved: its drafting is over. Say what you think in a comment instead."),
        )


def _key_result_of(errors: FieldErrors, objective: Objective, key_result: KeyResult | None) -> None:
    if key_result is not None and key_result.objective_id != objective.pk:
        errors.add("key_result", _("This key result is not one of this objective's."))


def _tell_owner(*, actor: Person, proposal: Proposal, objective: Objective) -> None:
    owner = _answerer(objective)
    if owner is None or not can_view(owner, objective):
        return
    quote = _quote(proposal.text)
    objection = proposal.kind == ProposalKind.OBJECTION
    notify(
        kind=NotificationKind.COMMENT,
        recipients=[owner],
        text=lambda person: (
            (
                _("%(author)s objects to your draft “%(objective)s”: %(text)s")
                if objection
                else _("%(author)s proposes on your draft “%(objective)s”: %(text)s")
            )
            % {"author": actor, "objective": objective.title, "text": quote}
        ),
        key=f"proposal:{proposal.pk}",
        subject=_subject(objective.pk, f"proposal-{proposal.pk}"),
        actor=actor,
    )


@transaction.atomic
def proposal_create(
    *, actor: Person, objective: Objective, text: Any, kind: Any = None, key_result: KeyResult | None = None
) -> Proposal:
    """SET-2: an employee's proposal for, or objection to, a department's or the company's draft (or one of its key
    results); the draft's owner is told. A draft the actor may not see does not exist for them (Http404)."""
    if not can_view(actor, objective):
        raise Http404
    errors = FieldErrors()
    _voice_open(errors, objective)
    clean_kind = clean_choice(errors, "kind", kind, ProposalKind, str(ProposalKind.PROPOSAL))
    clean = _clean_text(errors, text)
    _key_result_of(errors, objective, key_result)
    errors.raise_if_any()
    proposal = Proposal.objects.create(
        objective=objective, key_result=key_result, author=actor, kind=clean_kind, text=clean
    )
    history_record(
        actor=actor,
        action="proposal.create",
        subject=objective,
        target=proposal,
        after={"kind": clean_kind, "key_result": proposal.key_result_id, "text": clean},
    )
    _tell_owner(actor=actor, proposal=proposal, objective=objective)
    return proposal


def _require_author(actor: Person, proposal: Proposal) -> None:
    if proposal.author_id != actor.pk or not actor.is_active:
        raise PermissionDenied(_("Only its author may change or withdraw a proposal."))


def _still_open(errors: FieldErrors, proposal: Proposal) -> None:
    if proposal.status != ProposalStatus.OPEN:
        errors.add("status", _("This proposal has been answered: it stays on record as it was."))
    _voice_open(errors, proposal.objective)


@transaction.atomic
def proposal_edit(*, actor: Person, proposal: Proposal, text: Any = None, kind: Any = None) -> Proposal:
    """Its author changes an unanswered proposal (the text, or whether it is an objection); it shows as edited."""
    _require_author(actor, proposal)
    errors = FieldErrors()
    _still_open(errors, proposal)
    clean = _clean_text(errors, text) if text is not None else proposal.text
    clean_kind = clean_choice(errors, "kind", kind, ProposalKind, proposal.kind)
    errors.raise_if_any()
    before = {"kind": proposal.kind, "text": proposal.text}
    after = {"kind": clean_kind, "text": clean}
    if before == after:
        return proposal
    proposal.kind, proposal.text, proposal.edited_at = clean_kind, clean, timezone.now()
    proposal.save(update_fields=["kind", "text", "edited_at"])
    history_record(
        actor=actor, action="proposal.update", subject=proposal.objective, target=proposal, before=before, after=after
    )
    return proposal


@transaction.atomic
def proposal_withdraw(*, actor: Person, proposal: Proposal) -> None:
    """Its author takes back an unanswered proposal; history keeps that it was made."""
    _require_author(actor, proposal)
    errors = FieldErrors()
    _still_open(errors, proposal)
    errors.raise_if_any()
    history_record(
        actor=actor,
        action="proposal.withdraw",
        subject=proposal.objective,
        target=proposal,
        before={"kind": proposal.kind, "key_result": proposal.key_result_id, "text": proposal.text},
    )
    proposal.delete()


def _tell_author(*, actor: Person, proposal: Proposal, status: str, note: str) -> None:
    author = proposal.author
    if author is None or status == ProposalStatus.OPEN or not can_view(author, proposal.objective):
        return
    title = proposal.objective.title
    taken = status == ProposalStatus.TAKEN_UP
    notify(
        kind=NotificationKind.COMMENT,
        recipients=[author],
        text=lambda person: (
            (
                _("%(person)s took up your proposal on “%(objective)s”.")
                if taken
                else _("%(person)s declined your proposal on “%(objective)s”: %(note)s")
            )
            % {"person": actor, "objective": title, "note": _quote(note)}
        ),
        key=f"proposal:{proposal.pk}:answer:{status}",
        subject=_subject(proposal.objective_id, f"proposal-{proposal.pk}"),
        actor=actor,
    )


def _mark_proposal(actor: Person, proposal: Proposal, status: str, note: str) -> None:
    """Store the answer and record it (the caller has checked it)."""
    before = {"status": proposal.status, "response": proposal.response}
    if before == {"status": status, "response": note}:
        return
    proposal.status, proposal.response = status, note
    proposal.responded_by = actor if status != ProposalStatus.OPEN else None
    proposal.responded_at = timezone.now() if status != ProposalStatus.OPEN else None
    proposal.save(update_fields=["status", "response", "responded_by", "responded_at"])
    history_record(
        actor=actor,
        action="proposal.respond",
        subject=proposal.objective,
        target=proposal,
        before=before,
        after={"status": status, "response": note},
    )
    _tell_author(actor=actor, proposal=proposal, status=status, note=note)


def _clean_answer(errors: FieldErrors, status: Any, note: Any) -> tuple[str, str]:
    clean_status = clean_choice(errors, "status", status, ProposalStatus, "")
    if not clean_status:
        errors.add("status", _("Choose an answer."))
    clean_note = clean_text(errors, "note", note, max_length=NOTE_MAX)
    if clean_status == ProposalStatus.DECLINED and not clean_note:
        errors.add("note", _("Say why it is declined: its author learns from the reason."))
    return clean_status, clean_note


def _answer_fits(errors: FieldErrors, actor: Person, proposal: Proposal, status: str, target: Objective) -> None:
    """Taken up: into an objective that may take it up. Declined or open again: no other objective has it."""
    if status == ProposalStatus.TAKEN_UP:
        _take_up_target(errors, actor, target, field="objective")
        _same_cycle(errors, target, proposal.objective, field="objective")
        return
    other = (
        TakeUp.objects.filter(source_proposal=proposal)
        .exclude(objective=proposal.objective)
        .select_related("objective")
        .first()
    )
    if status and other is not None:
        message = _("“%(objective)s” took this proposal up: remove it there first.")
        errors.add("status", message % {"objective": other.objective})


@transaction.atomic
def proposal_respond(
    *, actor: Person, proposal: Proposal, status: Any, note: Any = "", into: Objective | None = None
) -> Proposal:
    """The draft's owner (or whoever may change it) answers a proposal: taken up — into the draft itself, or into
    another company or department objective they may change (`into`), which then shows that it took it up —,
    declined with the reason, or open again. Its author is told."""
    if not can_edit(actor, proposal.objective):
        raise PermissionDenied(_("Only those who may change this objective answer its proposals."))
    errors = FieldErrors()
    if proposal.objective.cycle.is_closed:
        errors.add("status", _closed(proposal.objective))
    clean_status, clean_note = _clean_answer(errors, status, note)
    target = into or proposal.objective
    _answer_fits(errors, actor, proposal, clean_status, target)
    errors.raise_if_any()
    own = TakeUp.objects.filter(source_proposal=proposal, objective=target)
    if clean_status == ProposalStatus.TAKEN_UP and not own.exists():
        _take_up_create(actor=actor, objective=target, source_proposal=proposal, note="")
    elif clean_status != ProposalStatus.TAKEN_UP:
        for take_up in TakeUp.objects.filter(source_proposal=proposal, objective=proposal.objective):
            _take_up_delete(actor=actor, take_up=take_up)
    _mark_proposal(actor, proposal, clean_status, clean_note)
    return proposal


# --- take-ups -----------------------------------------------------------------------------------------


def _take_up_target(errors: FieldErrors, actor: Person, objective: Objective, *, field: str) -> None:
    """The objective that takes something up: a company or department objective the actor may change, in an open
    cycle."""
    if objective.level not in VOICED_LEVELS:
        errors.add(field, _("Only the objectives of a department or of the company take up submissions."))
    elif objective.cycle.is_closed:
        errors.add(field, _closed(objective))
    elif not can_edit(actor, objective):
        errors.add(field, _("You may not change “%(objective)s”.") % {"objective": objective.title})


def _same_cycle(errors: FieldErrors, objective: Objective, source: Objective, *, field: str) -> None:
    if source.cycle_id != objective.cycle_id:
        errors.add(field, _("A draft takes up only what was submitted for its own cycle."))


def _from_below(errors: FieldErrors, objective: Objective, source: Objective) -> None:
    """SET-2 brings submissions up: a company objective takes up a department's or a person's objective, a
    department's objective one of its people's, its teams' or its sub-departments'."""
    if source.pk == objective.pk:
        errors.add("source_objective", _("An objective cannot take up itself."))
        return
    below = LEVEL_RANK[Level(source.level)] > LEVEL_RANK[Level(objective.level)]
    if objective.level == Level.DEPARTMENT:
        inside = (
            source.department is not None
            and objective.department is not None
            and source.department.path.startswith(objective.department.path)
        )
        sub_department = source.level == Level.DEPARTMENT and inside and source.department_id != objective.department_id
        below = (below and inside) or sub_department
    if not below:
        errors.add(
            "source_objective",
            _("Take up an objective from below: a department's for the company, its people's, teams' or "
              "sub-departments' for a department."),
        )  # fmt: skip


def _tell_source(*, actor: Person, take_up: TakeUp, objective: Objective) -> None:
    if take_up.source_objective is not None:
        source = take_up.source_objective
        recipient = _answerer(source)
        source_title, anchor, source_objective = source.title, "taken-up-by", source
    else:
        proposal = take_up.source_proposal
        if proposal is None:
            return
        recipient = proposal.author
        source_title, anchor, source_objective = proposal.objective.title, f"proposal-{proposal.pk}", proposal.objective
    if recipient is None or not can_view(recipient, objective) or not can_view(recipient, source_objective):
        return
    title = objective.title
    notify(
        kind=NotificationKind.COMMENT,
        recipients=[recipient],
        text=lambda person: (
            _("%(person)s took up “%(source)s” in “%(objective)s”.")
            % {"person": actor, "source": _quote(source_title), "objective": title}
        ),
        key=f"take_up:{take_up.pk}",
        subject=_subject(source_objective.pk, anchor),
        actor=actor,
    )


def _take_up_create(
    *,
    actor: Person,
    objective: Objective,
    source_objective: Objective | None = None,
    source_proposal: Proposal | None = None,
    note: str,
) -> TakeUp:
    take_up = TakeUp.objects.create(
        objective=objective, source_objective=source_objective, source_proposal=source_proposal, actor=actor, note=note
    )
    history_record(
        actor=actor,
        action="take_up.add",
        subject=objective,
        target=take_up,
        after={"source_objective": take_up.source_objective_id, "source_proposal": take_up.source_proposal_id,
               "note": note},
    )  # fmt: skip
    _tell_source(actor=actor, take_up=take_up, objective=objective)
    return take_up


def _take_up_delete(*, actor: Person, take_up: TakeUp) -> None:
    history_record(
        actor=actor,
        action="take_up.remove",
        subject=take_up.objective,
        target=take_up,
        before={
            "source_objective": take_up.source_objective_id,
            "source_proposal": take_up.source_proposal_id,
            "note": take_up.note,
        },
    )
    take_up.delete()


def _source_proposal(errors: FieldErrors, actor: Person, objective: Objective, proposal: Proposal) -> None:
    if not can_view(actor, proposal.objective):
        errors.add("source_proposal", _("There is no proposal #%(id)s.") % {"id": proposal.pk})
        return
    _same_cycle(errors, objective, proposal.objective, field="source_proposal")
    if TakeUp.objects.filter(objective=objective, source_proposal=proposal).exists():
        errors.add("source_proposal", _("This objective took it up already."))


def _source_objective(errors: FieldErrors, actor: Person, objective: Objective, source: Objective) -> None:
    if not can_view(actor, source):
        errors.add("source_objective", _("There is no objective #%(id)s.") % {"id": source.pk})
        return
    _same_cycle(errors, objective, source, field="source_objective")
    _from_below(errors, objective, source)
    if TakeUp.objects.filter(objective=objective, source_objective=source).exists():
        errors.add("source_objective", _("This objective took it up already."))


@transaction.atomic
def take_up_add(
    *,
    actor: Person,
    objective: Objective,
    source_objective: Objective | None = None,
    source_proposal: Proposal | None = None,
    note: Any = "",
) -> TakeUp:
    """SET-2: the company's draft (or a department's) records a submission it adjusted to: a department's objective,
    a person's, or an employee's proposal, which is then taken up. What the actor may not see does not exist for
    them; the source's owner (or the proposal's author) is told."""
    if not can_edit(actor, objective):
        raise PermissionDenied(_("Only those who may change this objective record what it took up."))
    errors = FieldErrors()
    _take_up_target(errors, actor, objective, field="objective")
    if (source_objective is None) == (source_proposal is None):
        errors.add("source_objective", _("Name one objective or one proposal to take up."))
    elif source_objective is not None:
        _source_objective(errors, actor, objective, source_objective)
    elif source_proposal is not None:
        _source_proposal(errors, actor, objective, source_proposal)
    clean_note = clean_text(errors, "note", note, max_length=NOTE_MAX)
    errors.raise_if_any()
    take_up = _take_up_create(
        actor=actor,
        objective=objective,
        source_objective=source_objective,
        source_proposal=source_proposal,
        note=clean_note,
    )
    if source_proposal is not None and source_proposal.status != ProposalStatus.TAKEN_UP:
        _mark_proposal(actor, source_proposal, ProposalStatus.TAKEN_UP, source_proposal.response)
    return take_up


@transaction.atomic
def take_up_remove(*, actor: Person, take_up: TakeUp) -> None:
    """The objective no longer builds on the submission; a proposal no objective takes up any more is open again."""
    objective = take_up.objective
    if not can_edit(actor, objective):
        raise PermissionDenied(_("Only those who may change this objective record what it took up."))
    errors = FieldErrors()
    if objective.cycle.is_closed:
        errors.add("objective", _closed(objective))
    errors.raise_if_any()
    proposal = take_up.source_proposal
    _take_up_delete(actor=actor, take_up=take_up)
    if (
        proposal is not None
        and proposal.status == ProposalStatus.TAKEN_UP
        and not TakeUp.objects.filter(source_proposal=proposal).exists()
    ):
        _mark_proposal(actor, proposal, ProposalStatus.OPEN, "")
