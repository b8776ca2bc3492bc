"""The approval of objectives (SET-1, SET-2): draft → submitted → approved, or returned with comments; back to draft
by its owner to work on it; and, when the organisation asks for it, an approved objective whose definition changes
goes back to its approvers (`approval_on_change`).

Each step is one transaction: it checks who acts (`access`: those who may change the objective submit it and take
it back, its approvers approve or return it, nobody their own), where the objective stands and, for an approval,
the method's order (`qibu.okrs.approval.waits_for`, when the organisation enforces it); then it writes the
objective, one `ApprovalDecision` and a history entry, and tells who must know (the approvers, or the owner and
author). Refused, it writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qibu.audit.services import history_record
from qibu.core.validation import COMMENT_MAX, FieldErrors, clean_text
from qibu.notify.inbox import Subject, notify
from qibu.notify.models import NotificationKind
from qibu.okrs import access
from qibu.okrs.approval import approvers_of, waits_for
from qibu.okrs.coach import submission_blockers
from qibu.okrs.models import Alignment, Approval, ApprovalAction, ApprovalDecision, KeyResult, Objective
from qibu.okrs.rollup import refresh_objectives
from qibu.okrs.services._common import lock_objective, require_open_cycle
from qibu.org.models import Organisation, Person
from qibu.org.selectors import organisation_get

_APPROVAL_FIELDS = ("approval", "submitted_at", "approved_at", "approved_by")
# What defines an objective and its key results for `approval_on_change`; check-ins, confidence, owners, dates
# and order are not its definition.
OBJECTIVE_DEFINITION = ("title", "description")
KEY_RESULT_DEFINITION = ("title", "kind", "start_value", "target_value", "band_low", "band_high", "weight")
# Objectives waited for that a refusal names; the others are counted.
NAMED_IN_REFUSAL = 5


def _lock(objective: Objective) -> None:
    """Lock the objective (and those above it, whose roll-ups a first approval refreshes) and read its approval as
    stored: the caller's instance may be stale."""
    lock_objective(objective)
    objective.refresh_from_db(fields=_APPROVAL_FIELDS)


def _require_open(errors: FieldErrors, objective: Objective) -> None:
    require_open_cycle(errors, objective.cycle)
    if "cycle" not in errors and not objective.takes_changes:
        errors.add("approval", _("The objective is closed: it takes no more changes."))


def _state_problem(objective: Objective, wanted: Iterable[str]) -> str | None:
    """Why the objective cannot take this step from where it stands, or None."""
    if objective.approval in wanted:
        return None
    return {
        Approval.DRAFT: _("The objective is a draft: it has not been submitted for approval."),
        Approval.SUBMITTED: _("The objective is already submitted: it waits for its approver."),
        Approval.RETURNED: _("The objective was returned with comments: its owner works on it."),
        Approval.APPROVED: _("The objective is approved: there is nothing to decide."),
    }.get(Approval(objective.approval), _("The objective cannot take this step now."))


def _decide(
    *, actor: Person, objective: Objective, action: ApprovalAction, approval: Approval, comment: str = ""
) -> ApprovalDecision:
    """Write the new state (the fields already set on `objective` are saved with it), the decision and history."""
    before = objective.approval
    objective.approval = approval
    objective.save(update_fields=[*_APPROVAL_FIELDS, "updated_at"])
    decision = ApprovalDecision.objects.create(objective=objective, actor=actor, action=action, comment=comment)
    history_record(
        actor=actor,
        action=f"approval.{action}",
        subject=objective,
        before={"approval": before},
        after={"approval": str(approval), **({"comment": comment} if comment else {})},
    )
    return decision


def _subject(objective: Objective) -> Subject:
    return Subject(
        type="okrs.objective", id=objective.pk, url=reverse("okrs:objective", args=[objective.pk]) + "#approval"
    )


def _tell_approvers(*, actor: Person, objective: Objective, decision: ApprovalDecision, ceo_id: int | None) -> None:
    comment = decision.comment

    def text(person: Person) -> str:
        if comment:
            return _("%(actor)s asks you to approve “%(objective)s”: %(comment)s") % {
                "actor": actor,
                "objective": objective.title,
                "comment": comment,
            }
        return _("%(actor)s asks you to approve “%(objective)s”.") % {"actor": actor, "objective": objective.title}

    notify(
        kind=NotificationKind.APPROVAL,
        recipients=approvers_of(objective, ceo_id=ceo_id),
        text=text,
        key=f"approval:{decision.pk}",
        subject=_subject(objective),
        actor=actor,
    )


def _tell_owner(*, actor: Person, objective: Objective, decision: ApprovalDecision) -> None:
    people = [p for p in (objective.owner, objective.author) if p is not None]
    comment = decision.comment

    def text(person: Person) -> str:
        values = {"actor": actor, "objective": objective.title, "comment": comment}
        if decision.action == ApprovalAction.RETURN:
            return _("%(actor)s returned “%(objective)s” with comments: %(comment)s") % values
        if comment:
            return _("%(actor)s approved “%(objective)s”: %(comment)s") % values
        return _("%(actor)s approved “%(objective)s”.") % values

    notify(
        kind=NotificationKind.APPROVAL,
        recipients=people,
        text=text,
        key=f"approval:{decision.pk}",
        subject=_subject(objective),
        actor=actor,
    )


# --- the steps --------------------------------------------------------------------------------------------------


@transaction.atomic
def objective_submit(
    *, actor: Person, objective: Objective, comment: str = "", organisation: Organisation | None = None
) -> ApprovalDecision:
    """Submit a draft (or a returned objective) to its approvers, who are told. Only those who may change it; refused
    while the coach's advice on a rule the organisation made blocking applies (`Organisation.coach_blocking_rules`),
    each such advice named."""
    if not access.can_edit(actor, objective):
        raise PermissionDenied(access.SUBMIT_REFUSED)
    errors = FieldErrors()
    _lock(objective)
    _require_open(errors, objective)
    problem = _state_problem(objective, (Approval.DRAFT, Approval.RETURNED))
    if problem:
        errors.add("approval", problem)
    comment = clean_text(errors, "comment", comment, max_length=COMMENT_MAX)
    policy = organisation or organisation_get()
    if not errors:
        blockers = submission_blockers(organisation=policy, objective=objective)
        if blockers:
            errors.add("approval", _("The coach's advice stops the submission until it is followed:"))
            for advice in blockers:
                errors.add("approval", advice.text)
    errors.raise_if_any()
    objective.submitted_at = timezone.now()
    decision = _decide(
        actor=actor, objective=objective, action=ApprovalAction.SUBMIT, approval=Approval.SUBMITTED, comment=comment
    )
    _tell_approvers(actor=actor, objective=objective, decision=decision, ceo_id=policy.ceo_id)
    return decision


def _refuse_approver(actor: Person, objective: Objective, ceo_id: int | None) -> None:
    if access.can_approve(actor, objective, ceo_id=ceo_id) and access.can_view(actor, objective):
        return
    if actor.is_authenticated and actor.pk in (objective.owner_id, objective.author_id):
        raise PermissionDenied(access.APPROVE_OWN_REFUSED)
    raise PermissionDenied(access.APPROVE_REFUSED)


def waiting_message(actor: Person, above: list[Objective]) -> str:
    """SET-1: why an objective may not be approved yet, naming what it waits for (those the actor may see)."""
    seen = [o for o in above if access.can_view(actor, o)]
    names = ", ".join(f"“{o.title}”" for o in seen[:NAMED_IN_REFUSAL])
    others = len(above) - min(len(seen), NAMED_IN_REFUSAL)
    if names and others:
        waiting = _("%(names)s and %(count)d more") % {"names": names, "count": others}
    elif names:
        waiting = names
    else:
        waiting = ngettext("%(count)d objective you may not see", "%(count)d objectives you may not see", others) % {
            "count": others
        }
    return _(
        "Approving out of order: the method agrees the level above first. This objective waits for the approval "
        "of %(waiting)s."
    ) % {"waiting": waiting}


@transaction.atomic
def objective_approve(
    *, actor: Person, objective: Objective, comment: str = "", organisation: Organisation | None = None
) -> ApprovalDecision:
    """Approve a submitted objective: it counts from now on (roll-ups, the publication, check-ins); its owner and
    author are told. Only its approvers; when the organisation enforces the method's order, not before the
    objectives of the level above it (SET-1)."""
    policy = organisation or organisation_get()
    _refuse_approver(actor, objective, policy.ceo_id)
    errors = FieldErrors()
    _lock(objective)
    _require_open(errors, objective)
    problem = _state_problem(objective, (Approval.SUBMITTED,))
    if problem:
        errors.add("approval", problem)
    comment = clean_text(errors, "comment", comment, max_length=COMMENT_MAX)
    if not errors and policy.approval_order_enforced:
        above = waits_for(objective)
        if above:
            errors.add("approval", waiting_message(actor, above))
    errors.raise_if_any()
    first = objective.approved_at is None
    objective.approved_at = timezone.now()
    objective.approved_by = actor
    decision = _decide(
        actor=actor, objective=objective, action=ApprovalAction.APPROVE, approval=Approval.APPROVED, comment=comment
    )
    if first:
        # Agreed now: it counts in the roll-ups of what it aligns to.
        refresh_objectives(Alignment.objects.filter(child=objective).values_list("rollup_parent_id", flat=True))
    _tell_owner(actor=actor, objective=objective, decision=decision)
    _corrections_decided(actor=actor, objective=objective, decision=decision)
    return decision


@transaction.atomic
def objective_return(
    *, actor: Person, objective: Objective, comment: str, organisation: Organisation | None = None
) -> ApprovalDecision:
    """Return a submitted objective with comments (required: what to change); its owner and author are told."""
    policy = organisation or organisation_get()
    _refuse_approver(actor, objective, policy.ceo_id)
    errors = FieldErrors()
    _lock(objective)
    _require_open(errors, objective)
    problem = _state_problem(objective, (Approval.SUBMITTED,))
    if problem:
        errors.add("approval", problem)
    comment = clean_text(
        errors,
        "comment",
        comment,
        max_length=COMMENT_MAX,
        missing=_("Say what to change: an objective is returned with comments."),
    )
    errors.raise_if_any()
    decision = _decide(
        actor=actor, objective=objective, action=ApprovalAction.RETURN, approval=Approval.RETURNED, comment=comment
    )
    _tell_owner(actor=actor, objective=objective, decision=decision)
    _corrections_decided(actor=actor, objective=objective, decision=decision)
    return decision


def _corrections_decided(*, actor: Person, objective: Objective, decision: ApprovalDecision) -> None:
    """EXE-11: the corrections waiting for this approval are agreed (or returned) with it."""
    from qibu.okrs.services.corrections import corrections_decided  # it imports this module

    corrections_decided(actor=actor, objective=objective, decision=decision)


@transaction.atomic
def objective_reopen(*, actor: Person, objective: Objective) -> ApprovalDecision:
    """Take a submitted or returned objective back to draft to work on it (those who may change it)."""
    if not access.can_edit(actor, objective):
        raise PermissionDenied(access.SUBMIT_REFUSED)
    errors = FieldErrors()
    _lock(objective)
    _require_open(errors, objective)
    if objective.approval not in (Approval.SUBMITTED, Approval.RETURNED):
        errors.add(
            "approval",
            _("The objective is a draft already.")
            if objective.approval == Approval.DRAFT
            else _("The objective is approved: change it, and the change goes to its approvers."),
        )
    errors.raise_if_any()
    return _decide(actor=actor, objective=objective, action=ApprovalAction.REOPEN, approval=Approval.DRAFT)


# --- a change of an approved objective ----------------------------------------------------------------------------


def objective_changes(fields: Iterable[str]) -> list[str]:
    """What a change of the objective's own fields changed of its definition, in words."""
    names = {"title": _("its title"), "description": _("its description")}
    return [str(names[f]) for f in OBJECTIVE_DEFINITION if f in set(fields)]


def key_result_changes(key_result: KeyResult, fields: Iterable[str]) -> list[str]:
    """What a change of a key result changed of its definition, in words (nothing for a check-in's fields)."""
    changed = [f for f in KEY_RESULT_DEFINITION if f in set(fields)]
    if not changed:
        return []
    labels = ", ".join(str(getattr(KeyResult._meta.get_field(f), "verbose_name", f)) for f in changed)
    return [_("key result “%(title)s”: %(fields)s") % {"title": key_result.title, "fields": labels}]


def key_result_added(key_result: KeyResult) -> list[str]:
    return [_("key result “%(title)s” added") % {"title": key_result.title}]


def key_result_deleted(key_result: KeyResult) -> list[str]:
    return [_("key result “%(title)s” deleted") % {"title": key_result.title}]


def approval_on_change(
    *,
    actor: Person,
    objective: Objective,
    changes: list[str],
    organisation: Organisation | None = None,
    tell: Callable[[ApprovalDecision, list[Person]], None] | None = None,
) -> ApprovalDecision | None:
    """Called by the writers of objectives and key results inside their transaction: an approved objective whose
    definition changed (`changes`, in words) goes back to its approvers when the organisation asks for it
    (`approval_required` and `approval_on_change`). It stays agreed meanwhile (`approved_at` is kept: it is seen
    and takes check-ins); the decision "submit" says what changed, and the approvers are told. A change made by
    one of its approvers is agreed by making it. `tell`, when given, tells the approvers instead of the approval's
    notice (a correction tells them of itself, EXE-11)."""
    if not changes:
        return None
    stored = Objective.objects.filter(pk=objective.pk).values_list("approval", flat=True).first()
    if stored != Approval.APPROVED:
        return None
    policy = organisation or organisation_get()
    if not (policy.approval_required and policy.approval_on_change):
        return None
    if access.can_approve(actor, objective, ceo_id=policy.ceo_id):
        return None
    objective.refresh_from_db(fields=_APPROVAL_FIELDS)
    objective.submitted_at = timezone.now()
    comment = _("Changed after approval: %(changes)s.") % {"changes": "; ".join(changes)}
    decision = _decide(
        actor=actor, objective=objective, action=ApprovalAction.SUBMIT, approval=Approval.SUBMITTED, comment=comment
    )
    if tell is not None:
        tell(decision, approvers_of(objective, ceo_id=policy.ceo_id))
    else:
        _tell_approvers(actor=actor, objective=objective, decision=decision, ceo_id=policy.ceo_id)
    return decision
