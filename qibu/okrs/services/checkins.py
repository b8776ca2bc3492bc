"""Check-ins (EXE-3): a key result's new value or milestones done, its confidence (MEAS-5) and a note; a fall of
confidence of the policy's threshold or more needs a reason (EXE-4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.audit.services import history_record
from qibu.core.numbers import NumberFormat
from qibu.core.validation import NOTE_MAX, FieldErrors, clean_confidence, clean_decimal, clean_text
from qibu.okrs.models import CheckIn, KeyResult, KeyResultKind, Milestone, Objective, Status
from qibu.okrs.notifications import confidence_fell
from qibu.okrs.rollup import key_result_compute, refresh_objectives
from qibu.okrs.services._common import fall_message, lock_key_result
from qibu.org.models import Organisation, Person
from qibu.org.selectors import organisation_get


def _require_open(errors: FieldErrors, objective: Objective) -> None:
    """The objective takes check-ins (`Objective.takes_check_ins`); else say why: it or its cycle is closed, or it
    was never approved."""
    if objective.cycle.is_closed:
        errors.add(
            "cycle",
            _("The cycle “%(cycle)s” is closed: it takes no more check-ins.") % {"cycle": objective.cycle.name},
        )
    if objective.status == Status.CLOSED:
        errors.add("key_result", _("The objective is closed: it takes no more check-ins."))
    elif not objective.is_agreed:
        # SET-1, SET-2: what was never agreed is not executed yet.
        errors.add(
            "key_result",
            _("The objective is not approved yet: check-ins start once its approver has approved it."),
        )


def _done_ids(errors: FieldErrors, milestones_done: Iterable[Any] | None, milestones: list[Milestone]) -> set[int]:
    if milestones_done is None:
        return {m.pk for m in milestones if m.done}
    try:
        done = {int(i) for i in milestones_done}
    except (TypeError, ValueError):
        errors.add("milestones_done", _("Milestones are given by their numbers."))
        return set()
    unknown = done - {m.pk for m in milestones}
    if unknown:
        errors.add(
            "milestones_done",
            _("These milestones are not part of this key result: %(ids)s.")
            % {"ids": ", ".join(str(i) for i in sorted(unknown))},
        )
    return done


def _clean_value(errors: FieldErrors, kr: KeyResult, value: Any) -> Decimal | None:
    """The new value, by the key result's kind: a milestone key result moves by its milestones alone (MEAS-3)."""
    if kr.kind == KeyResultKind.MILESTONES:
        if value not in (None, ""):
            errors.add("value", _("A milestone key result moves by its milestones: tick the ones done."))
        return None
    number = clean_decimal(errors, "value", value, required=False)
    if kr.kind == KeyResultKind.BOOLEAN and number is not None and number not in (0, 1):
        errors.add("value", _("A done-or-not key result takes 1 (done) or 0 (not done)."))
    return number


# How far past its range a check-in's value may go before it is asked to be confirmed, in ranges: a key result
# from 5 to 2 days takes -1 to 8 days… up to -4 to 11 (twice its range of 3 beyond either end) as given; 55 is
# far more likely a typo (55 for 5.5, a total for a count) than a result, and saying so costs one tick. Twice,
# not once: a key result may be over-achieved (MEAS-1) or fall back well behind its start.
IMPLAUSIBLE_RANGES = 2


def checkin_value_bounds(kr: KeyResult) -> tuple[Decimal, Decimal] | None:
    """The values a check-in of this key result takes without a confirmation: its range (start to target, or
    the band) widened by `IMPLAUSIBLE_RANGES` times itself at either end; None when it has no range to judge by
    (milestones, done or not, an empty band)."""
    if kr.kind in (KeyResultKind.INCREASE, KeyResultKind.DECREASE):
        low, high = sorted((kr.start_value, kr.target_value))
    elif kr.kind == KeyResultKind.BAND and kr.band_low is not None and kr.band_high is not None:
        low, high = kr.band_low, kr.band_high
    else:
        return None
    span = high - low
    if span <= 0:
        return None
    return low - IMPLAUSIBLE_RANGES * span, high + IMPLAUSIBLE_RANGES * span


def checkin_value_implausible(kr: KeyResult, value: Decimal | None) -> tuple[Decimal, Decimal] | None:
    """The bounds `value` lies outside of, when it does (it then needs `confirm`); else None."""
    bounds = checkin_value_bounds(kr)
    if value is None or bounds is None or bounds[0] <= value <= bounds[1]:
        return None
    return bounds


def _check_plausible(errors: FieldErrors, kr: KeyResult, value: Decimal | None, confirm: bool) -> None:
    bounds = checkin_value_implausible(kr, value)
    if bounds is None or confirm or "value" in errors:
        return
    numbers = NumberFormat()
    if kr.kind == KeyResultKind.BAND:
        known = _("its band is %(low)s to %(high)s") % {
            "low": numbers.number(kr.band_low), "high": numbers.number(kr.band_high)
        }  # fmt: skip
    else:
        known = _("it goes from %(start)s to %(target)s") % {
            "start": numbers.number(kr.start_value), "target": numbers.number(kr.target_value)
        }  # fmt: skip
    errors.add(
        "value",
        _(
            "%(value)s%(unit)s is far outside this key result's range (%(known)s%(unit)s): a value below %(low)s "
            "or above %(high)s is more often a typo than a result. Check it, or confirm that it is right."
        )
        % {
            "value": numbers.number(value),
            "unit": f" {kr.unit}" if kr.unit else "",
            "known": known,
            "low": numbers.number(bounds[0]),
            "high": numbers.number(bounds[1]),
        },
    )


def _measure(kr: KeyResult) -> dict[str, Any]:
    if kr.kind == KeyResultKind.MILESTONES:
        return {}
    if kr.kind == KeyResultKind.BOOLEAN:
        return {"done": kr.current_value >= 1}
    return {"value": kr.current_value}


@transaction.atomic
def checkin_record(
    *,
    actor: Person,
    key_result: KeyResult,
    confidence: Any,
    value: Any = None,
    milestones_done: Iterable[Any] | None = None,
    confidence_reason: str = "",
    note: str = "",
    at: dt.datetime | None = None,
    organisation: Organisation | None = None,
    confirm: bool = False,
) -> CheckIn:
    """Record a check-in: the new value (or milestones done), confidence and a note.

    EXE-4: a fall in confidence of at least the policy threshold is refused without a reason. A value far
    outside the key result's range (`checkin_value_bounds`) is refused unless `confirm`ed."""
    errors = FieldErrors()
    kr = key_result
    lock_key_result(kr)
    objective = kr.objective
    _require_open(errors, objective)
    new_confidence = clean_confidence(errors, "confidence", confidence)
    new_value = _clean_value(errors, kr, value)
    _check_plausible(errors, kr, new_value, confirm)
    reason = clean_text(errors, "confidence_reason", confidence_reason, max_length=NOTE_MAX)
    note = clean_text(errors, "note", note, max_length=NOTE_MAX)
    milestones = list(kr.milestones.all()) if kr.kind == KeyResultKind.MILESTONES else []
    if kr.kind != KeyResultKind.MILESTONES and milestones_done:
        errors.add("milestones_done", _("Only a milestone key result has milestones to tick."))
    done_ids = _done_ids(errors, milestones_done, milestones)
    policy = organisation or organisation_get()
    fall = kr.confidence - new_confidence
    # An unreadable confidence is one error, not also a "fall" to 0 that asks for a reason.
    if "confidence" not in errors and fall >= policy.confidence_fall_threshold and not reason:
        errors.add("confidence_reason", fall_message(fall, kr.confidence, new_confidence))
    errors.raise_if_any()

    # History keeps what a person reads: the value of a number, done or not of a done-or-not key result, the
    # milestones done of a milestone one (its value is only their share).
    before: dict[str, Any] = {**_measure(kr), "confidence": kr.confidence}
    if milestones:
        before["milestones_done"] = sorted(m.pk for m in milestones if m.done)
        for m in milestones:
            m.done = m.pk in done_ids
        Milestone.objects.bulk_update(milestones, ["done"])
    previous = kr.confidence
    if new_value is not None:
        kr.current_value = new_value
    kr.confidence = new_confidence
    kr.last_checkin_at = at or timezone.now()
    key_result_compute(kr, [(m.weight, m.done) for m in milestones])
    kr.save(update_fields=["current_value", "confidence", "last_checkin_at", "progress", "progress_raw"])
    checkin = CheckIn.objects.create(
        key_result=kr,
        author=actor,
        created_at=kr.last_checkin_at,
        value=kr.current_value,
        milestones_done=sorted(m.pk for m in milestones if m.done),
        confidence=new_confidence,
        previous_confidence=previous,
        confidence_reason=reason,
        note=note,
        progress_raw=kr.progress_raw,
        progress=kr.progress,
    )
    history_record(
        actor=actor,
        action="check_in.create",
        subject=objective,
        target=checkin,
        before=before,
        after={
            "key_result": kr.pk,
            **_measure(kr),
            "confidence": new_confidence,
            "previous_confidence": previous,
            "confidence_reason": reason,
            "note": note,
            **({"milestones_done": checkin.milestones_done} if milestones else {}),
        },
    )
    if fall >= policy.confidence_fall_threshold:
        confidence_fell(actor=actor, checkin=checkin, objective=objective, policy=policy)
    rolled_up = refresh_objectives([objective.pk])
    # The objective in hand shows its new roll-up without reading it back.
    if objective.pk in rolled_up:
        objective.progress, objective.confidence = rolled_up[objective.pk]
    return checkin
