"""Corrective actions (EXE-11, PLAY-SALES step 5): re-evaluating an objective, revising a key result's target or
dates, or changing strategy or resources is a correction, recorded with its reason, what it changed and who agreed
it.

`correction_make` applies the change through the services that own it (`objective_update`, `key_result_update`),
in one transaction with the `Correction` row and its history entry. Only those who may change the objective make
one (`access.can_edit`); refused, nothing is written. Its approver: the actor when they are one of the objective's
approvers (`access.can_approve`); otherwise the change goes through the approval the organisation asks
(`approval_on_change`): the objective waits for its approvers, who are told of the correction, and whoever approves
the objective agrees the correction with it (`corrections_decided`, called by `objective_approve` and
`objective_return`); its maker is told. When the organisation asks no approval of changes, none is recorded.

Progress stored at each check-in is never recomputed: a revised target moves the key result's progress from now on,
and the correction keeps the progress just before and after, so that the chart shows the step where the target
changed (`qibu.okrs.charts`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qibu.audit.services import history_record
from qibu.core.validation import NOTE_MAX, FieldErrors, clean_choice, clean_decimal, clean_text
from qibu.notify.inbox import Subject, notify
from qibu.notify.models import NotificationKind
from qibu.okrs import access
from qibu.okrs.approval import approvers_of
from qibu.okrs.corrections import change_words
from qibu.okrs.models import (
    Approval,
    ApprovalAction,
    ApprovalDecision,
    Commitment,
    Correction,
    CorrectionApproval,
    CorrectionKind,
    KeyResult,
    KeyResultKind,
    Objective,
    Priority,
)
from qibu.okrs.services._common import lock_key_result, lock_objective
from qibu.okrs.services.approval import approval_on_change
from qibu.okrs.services.key_results import key_result_update
from qibu.okrs.services.objectives import objective_update
from qibu.org.models import Organisation, Person
from qibu.org.selectors import organisation_get

CORRECTION_REFUSED = gettext_lazy(
    "You may not correct this objective: only those who may change it (its owner, their manager, the head of its "
    "department, an administrator) make a correction."
)

# What each kind of correction changes (the key result's kind decides a target's fields).
RE_EVALUATE_FIELDS = ("title", "description", "priority", "commitment")
DATE_FIELDS = ("start_date", "end_date")
_TARGET_FIELDS: dict[str, tuple[str, ...]] = {
    KeyResultKind.INCREASE: ("target_value",),
    KeyResultKind.DECREASE: ("target_value",),
    KeyResultKind.BAND: ("band_low", "band_high"),
}
STRATEGY_MAX = 2000


def _json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _clean_date(errors: FieldErrors, field: str, value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except (TypeError, ValueError):
        errors.add(field, _("Enter a date (YYYY-MM-DD)."))
        return None


def _allowed(kind: str, key_result: KeyResult | None) -> tuple[str, ...]:
    if kind == CorrectionKind.RE_EVALUATE:
        return RE_EVALUATE_FIELDS
    if kind == CorrectionKind.TARGET:
        return _TARGET_FIELDS.get(key_result.kind, ()) if key_result is not None else ()
    if kind == CorrectionKind.DATES:
        return DATE_FIELDS
    return ("strategy",)


def _clean_value(errors: FieldErrors, name: str, value: Any) -> Any:
    if name in ("target_value", "band_low", "band_high"):
        return clean_decimal(errors, name, value)
    if name in DATE_FIELDS:
        return _clean_date(errors, name, value)
    if name == "priority":
        return clean_choice(errors, name, value, Priority, None)
    if name == "commitment":
        return clean_choice(errors, name, value, Commitment, None)
    if name == "title":
        return clean_text(errors, name, value, max_length=200, missing=_("Give it a title."))
    return clean_text(errors, name, value)


def _strategy_change(
    errors: FieldErrors, objective: Objective, given: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A change of strategy or resources in words; "before" is what the last such correction said."""
    text = clean_text(
        errors,
        "strategy",
        given.get("strategy"),
        max_length=STRATEGY_MAX,
        missing=_("Say what the strategy or resources are now."),
    )
    previous = (
        Correction.objects.filter(objective=objective, kind=CorrectionKind.STRATEGY)
        .order_by("-created_at", "-id")
        .values_list("after", flat=True)
        .first()
    )
    return {"strategy": (previous or {}).get("strategy", "")}, {"strategy": text}


def _field_changes(
    errors: FieldErrors, subject: Objective | KeyResult, allowed: tuple[str, ...], given: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name in (n for n in allowed if n in given):
        value = _clean_value(errors, name, given[name])
        current = getattr(subject, name)
        if name not in errors and value != current:
            before[name], after[name] = _json(current), _json(value)
    return before, after


def _complete(
    subject: Objective | KeyResult, names: tuple[str, ...], before: dict[str, Any], after: dict[str, Any]
) -> None:
    """Both ends of a period (or of a band), so that "before → after" reads whole."""
    if any(name in after for name in names):
        for name in names:
            before.setdefault(name, _json(getattr(subject, name)))
            after.setdefault(name, _json(getattr(subject, name)))


def _clean_changes(
    errors: FieldErrors, kind: str, objective: Objective, key_result: KeyResult | None, changes: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(before, after) of the fields the correction changes, as stored values; the problems go to `errors`."""
    subject: Objective | KeyResult = key_result if key_result is not None else objective
    allowed = _allowed(kind, key_result)
    if kind == CorrectionKind.TARGET and key_result is not None and not allowed:
        errors.add(
            "target_value",
            _("“%(title)s” has no target number (it is measured by %(kind)s): revise its milestones or dates.")
            % {"title": key_result.title, "kind": KeyResultKind(key_result.kind).label},
        )
        return {}, {}
    given = {k: v for k, v in changes.items() if v is not None and not (v == "" and k in DATE_FIELDS)}
    for name in given:
        if name not in allowed:
            errors.add(name, _("A correction of this kind does not change “%(field)s”.") % {"field": name})
    if kind == CorrectionKind.STRATEGY:
        return _strategy_change(errors, objective, given)
    before, after = _field_changes(errors, subject, allowed, given)
    if kind == CorrectionKind.DATES:
        for name in DATE_FIELDS:
            if name in given and name not in errors and name not in after:
                after[name] = before[name] = _json(getattr(subject, name))
        if before == after:
            before, after = {}, {}
        _complete(subject, DATE_FIELDS, before, after)
    _complete(subject, ("band_low", "band_high"), before, after)
    if kind in (CorrectionKind.TARGET, CorrectionKind.DATES) and not after and not errors:
        errors.add(
            allowed[0] if allowed else "changes",
            _("The new target is the one it has: say what it is now.")
            if kind == CorrectionKind.TARGET
            else _("The new dates are the ones it has: say what they are now."),
        )
    return before, after


def _apply(
    *, actor: Person, kind: str, objective: Objective, key_result: KeyResult | None, after: dict[str, Any]
) -> None:
    """The change itself, through the service that owns it."""
    if kind == CorrectionKind.STRATEGY or not after:
        return
    data: dict[str, Any] = {}
    for name, value in after.items():
        if name in DATE_FIELDS:
            data[name] = dt.date.fromisoformat(value)
        else:
            data[name] = value
    if key_result is not None:
        key_result_update(actor=actor, key_result=key_result, data=data)
    else:
        objective_update(actor=actor, objective=objective, data=data)


def _subject(correction: Correction) -> Subject:
    return Subject(
        type="okrs.objective",
        id=correction.objective_id,
        url=reverse("okrs:objective", args=[correction.objective_id]) + f"#correction-{correction.pk}",
    )


def _what(correction: Correction, key_result: KeyResult | None) -> str:
    """The correction in a few words, in the current language: its kind and what it changed."""
    kind = str(CorrectionKind(correction.kind).label)
    words = change_words(
        correction.kind, correction.before, correction.after, unit=key_result.unit if key_result else ""
    )
    return f"{kind} ({'; '.join(words)})" if words else kind


def _tell_made(
    *, actor: Person, correction: Correction, objective: Objective, key_result: KeyResult | None, people: list[Person]
) -> None:
    pending = correction.approval == CorrectionApproval.PENDING

    def text(person: Person) -> str:
        values = {
            "actor": actor,
            "objective": objective.title,
            "what": _what(correction, key_result),
            "reason": correction.reason,
        }
        if pending:
            return (
                _("%(actor)s corrected “%(objective)s”: %(what)s, because %(reason)s. It waits for your approval.")
                % values
            )
        return _("%(actor)s corrected “%(objective)s”: %(what)s, because %(reason)s.") % values

    notify(
        kind=NotificationKind.CORRECTION,
        recipients=people,
        text=text,
        key=f"correction:{correction.pk}",
        subject=_subject(correction),
        actor=actor,
    )


def _owners(objective: Objective, key_result: KeyResult | None) -> list[Person]:
    people = [objective.owner, key_result.owner if key_result is not None else None]
    return [p for p in people if p is not None]


def _check_subject(
    errors: FieldErrors, kind: str, objective: Objective, key_result: KeyResult | None
) -> KeyResult | None:
    """Lock what the correction changes and check that it may take one; answers the key result, or None."""
    if key_result is not None and key_result.objective_id != objective.pk:
        errors.add("key_result", _("That key result is not one of this objective's."))
        key_result = None
    if key_result is not None:
        key_result.objective = objective
        lock_key_result(key_result)
    else:
        lock_objective(objective)
    if kind == CorrectionKind.TARGET and key_result is None and "key_result" not in errors:
        errors.add("key_result", _("Say which key result's target is revised."))
    if not objective.takes_changes:
        errors.add(None, _("The objective is closed: it takes no more corrections."))
    elif not objective.is_agreed:
        errors.add(
            None, _("The objective has not been agreed yet: change it in its editor, a correction is for later.")
        )
    return key_result


def _approval_of(correction: Correction, *, approver_self: bool, submitted: bool, actor: Person) -> None:
    stored = Objective.objects.filter(pk=correction.objective_id).values_list("approval", flat=True).first()
    if approver_self:
        correction.approval, correction.approver = CorrectionApproval.AGREED, actor
        correction.agreed_at = correction.created_at
    elif submitted or stored != Approval.APPROVED:
        correction.approval = CorrectionApproval.PENDING
    else:
        correction.approval = CorrectionApproval.NOT_ASKED


@transaction.atomic
def correction_make(
    *,
    actor: Person,
    objective: Objective,
    kind: str,
    reason: str,
    key_result: KeyResult | None = None,
    changes: Mapping[str, Any] | None = None,
    organisation: Organisation | None = None,
) -> Correction:
    """Correct `objective` (or its `key_result`): `kind` one of `CorrectionKind`, `reason` required, `changes` the
    new values of the fields the kind changes — re-evaluate: title, description, priority, commitment (or none: the
    objective was looked at again and kept); target: target_value (a band's band_low, band_high); dates: start_date,
    end_date (of the key result, else of the objective); strategy: "strategy", what it is now, in words. Refused
    (PermissionDenied) for whoever may not change the objective, and with a `FieldErrors` naming each field wrong;
    either way nothing is written."""
    if not access.can_edit(actor, objective):
        raise PermissionDenied(CORRECTION_REFUSED)
    policy = organisation or organisation_get()
    errors = FieldErrors()
    kind = clean_choice(errors, "kind", kind, CorrectionKind, "")
    if not kind and "kind" not in errors:
        errors.add("kind", _("Say what the correction changes."))
    key_result = _check_subject(errors, kind, objective, key_result)
    reason = clean_text(
        errors, "reason", reason, max_length=NOTE_MAX, missing=_("Say why: a correction is recorded with its reason.")
    )
    if "kind" in errors or "key_result" in errors:
        errors.raise_if_any()
    before, after = _clean_changes(errors, kind, objective, key_result, changes or {})
    approver_self = access.can_approve(actor, objective, ceo_id=policy.ceo_id)
    correction = Correction(
        objective=objective,
        key_result=key_result,
        kind=kind,
        reason=reason,
        before=before,
        after=after,
        actor=actor,
        progress_before=key_result.progress if key_result is not None else None,
        created_at=timezone.now(),
    )
    # The change goes to the approvers first (when the policy asks), so that the services applying it do not ask
    # again; the approvers are told of the correction itself below.
    submitted = None
    if not approver_self and not errors:
        submitted = approval_on_change(
            actor=actor,
            objective=objective,
            changes=[_("correction: %(what)s") % {"what": _what(correction, key_result)}],
            organisation=policy,
            tell=lambda decision, people: None,
        )
    try:
        with transaction.atomic():
            _apply(actor=actor, kind=kind, objective=objective, key_result=key_result, after=after)
    except ValidationError as exc:
        errors.merge(exc)
    # Every problem at once; raising here undoes the change applied above with the whole transaction.
    errors.raise_if_any()
    if key_result is not None:
        correction.progress_after = key_result.progress
    _approval_of(correction, approver_self=approver_self, submitted=submitted is not None, actor=actor)
    correction.save()
    history_record(
        actor=actor,
        action="correction.create",
        subject=objective,
        target=key_result,
        before=before,
        after={**after, "correction": kind, "reason": reason, "correction_approval": correction.approval},
    )
    people = _owners(objective, key_result)
    if correction.approval == CorrectionApproval.PENDING:
        people += approvers_of(objective, ceo_id=policy.ceo_id)
    _tell_made(actor=actor, correction=correction, objective=objective, key_result=key_result, people=people)
    return correction


def corrections_decided(*, actor: Person, objective: Objective, decision: ApprovalDecision) -> list[Correction]:
    """Called by `objective_approve` and `objective_return` inside their transaction: the objective's corrections
    waiting for approval (and those returned before, when it is approved now) are agreed by `actor`, or returned;
    their makers are told."""
    approved = decision.action == ApprovalAction.APPROVE
    waiting = [CorrectionApproval.PENDING, CorrectionApproval.RETURNED] if approved else [CorrectionApproval.PENDING]
    corrections = list(
        Correction.objects.filter(objective=objective, approval__in=waiting).select_related("key_result", "actor")
    )
    if not corrections:
        return []
    now = timezone.now()
    for correction in corrections:
        before = correction.approval
        if approved:
            correction.approval, correction.approver, correction.agreed_at = CorrectionApproval.AGREED, actor, now
        else:
            correction.approval = CorrectionApproval.RETURNED
        correction.save(update_fields=["approval", "approver", "agreed_at"])
        history_record(
            actor=actor,
            action="correction.agree" if approved else "correction.return",
            subject=objective,
            target=correction.key_result,
            before={"correction_approval": before},
            after={"correction": correction.kind, "correction_approval": correction.approval},
        )
        if correction.actor is None:
            continue

        def text(person: Person, correction: Correction = correction, comment: str = decision.comment) -> str:
            values = {
                "actor": actor,
                "objective": objective.title,
                "what": _what(correction, correction.key_result),
                "comment": comment,
            }
            if approved:
                return _("%(actor)s approved your correction of “%(objective)s”: %(what)s.") % values
            return _("%(actor)s returned your correction of “%(objective)s”: %(what)s. %(comment)s") % values

        notify(
            kind=NotificationKind.CORRECTION,
            recipients=[correction.actor],
            text=text,
            key=f"correction:{correction.pk}:{decision.pk}",
            subject=_subject(correction),
            actor=actor,
        )
    return corrections
