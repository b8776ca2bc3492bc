"""Writes on key results: create (with milestones), change, delete. Value and confidence move by check-ins
(`checkins`); a change of confidence here is a correction, held to EXE-4 as a check-in is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qibu.audit.services import changed_fields, history_entry, history_record, history_record_many, snapshot
from qibu.core.pinyin import search_key
from qibu.core.validation import (
    NOTE_MAX,
    TITLE_MAX,
    UNIT_MAX,
    FieldErrors,
    clean_choice,
    clean_confidence,
    clean_decimal,
    clean_text,
    clean_title,
    clean_weight,
)
from qibu.okrs.models import KIND_FIELDS, Alignment, KeyResult, KeyResultKind, Milestone, Objective
from qibu.okrs.people_rules import check_people
from qibu.okrs.rollup import key_result_compute, lock_upwards, refresh_objectives
from qibu.okrs.services._common import (
    KEY_RESULT_FIELDS,
    dates_within,
    fall_message,
    lock_key_result,
    require_open_cycle,
)
from qibu.okrs.services.alignment import _ancestor_ids, record_lost_alignments
from qibu.okrs.services.approval import (
    approval_on_change,
    key_result_added,
    key_result_changes,
    key_result_deleted,
)
from qibu.org.models import Person
from qibu.org.selectors import organisation_get

NUMERIC_KINDS = (KeyResultKind.INCREASE, KeyResultKind.DECREASE)
# Kinds measured by something other than a target number: theirs is 1 (all milestones, done).
_UNMEASURED_TARGET = (KeyResultKind.MILESTONES, KeyResultKind.BOOLEAN)


def _check_numbers(errors: FieldErrors, kr: KeyResult, milestone_count: int) -> None:
    """MEAS-1 … MEAS-3: what each kind needs to be measured."""
    if kr.kind in NUMERIC_KINDS:
        if kr.target_value == kr.start_value:
            errors.add("target_value", _("The target equals the start: there is nothing to measure."))
        elif kr.kind == KeyResultKind.INCREASE and kr.target_value < kr.start_value:
            errors.add("target_value", _("An increasing key result needs a target above its start."))
        elif kr.kind == KeyResultKind.DECREASE and kr.target_value > kr.start_value:
            errors.add("target_value", _("A decreasing key result needs a target below its start."))
    elif kr.kind == KeyResultKind.BAND:
        if kr.band_low is None:
            errors.add("band_low", _("A band needs its low limit."))
        if kr.band_high is None:
            errors.add("band_high", _("A band needs its high limit."))
        if kr.band_low is not None and kr.band_high is not None and kr.band_low > kr.band_high:
            errors.add("band_low", _("The band's low limit is above its high limit."))
    elif kr.kind == KeyResultKind.MILESTONES and milestone_count == 0:
        errors.add("milestones", _("A milestone key result needs at least one milestone."))


class MilestoneRow(NamedTuple):
    """A milestone as given: its title, weight and due date (EXE-9, optional)."""

    title: str
    weight: Decimal
    due_date: dt.date | None = None


def _due_date(errors: FieldErrors, n: int, value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors.add(
            "milestones",
            _("Milestone %(n)d: “%(value)s” is not a date (YYYY-MM-DD).") % {"n": n, "value": value},
        )
        return None


def _milestone_rows(errors: FieldErrors, milestones: Iterable[Any]) -> list[MilestoneRow]:
    """(title, weight, due date) of each milestone given as a title or a {"title", "weight", "due_date"} mapping;
    blank ones skipped."""
    rows = []
    for i, item in enumerate(milestones, start=1):
        if isinstance(item, str):
            title, weight, due = item, None, None
        else:
            title, weight, due = item.get("title"), item.get("weight"), item.get("due_date")
        title = (title or "").strip()
        if not title:
            continue
        if len(title) > TITLE_MAX:
            errors.add("milestones", _("Milestone %(n)d: at most %(max)d characters.") % {"n": i, "max": TITLE_MAX})
        rows.append(MilestoneRow(title, clean_weight(errors, "milestones", weight), _due_date(errors, i, due)))
    return rows


def due_outside_message(title: str, due: dt.date, kr: KeyResult) -> str:
    """EXE-9: a milestone is due within its key result's dates."""
    return _("“%(title)s” is due on %(due)s, outside the key result's dates (%(start)s – %(end)s).") % {
        "title": title,
        "due": date_format(due, "SHORT_DATE_FORMAT"),
        "start": date_format(kr.start_date, "SHORT_DATE_FORMAT"),
        "end": date_format(kr.end_date, "SHORT_DATE_FORMAT"),
    }


def check_due_dates(errors: FieldErrors, field: str, kr: KeyResult, rows: Iterable[tuple[str, dt.date | None]]) -> None:
    for title, due in rows:
        if due is not None and not (kr.start_date <= due <= kr.end_date):
            errors.add(field, due_outside_message(title, due, kr))


def _measured_snapshot(kr: KeyResult) -> dict[str, Any]:
    """The key result's fields for history, without the numbers its kind is not measured by (a milestone key
    result's "target 1" is internal, not something its author wrote)."""
    unused = {name for fields in KIND_FIELDS.values() for name in fields} - KIND_FIELDS[kr.kind]
    return {key: value for key, value in snapshot(kr, KEY_RESULT_FIELDS).items() if key not in unused}


def _clean_unit(errors: FieldErrors, value: Any) -> str:
    return clean_text(errors, "unit", value, max_length=UNIT_MAX)


def measured_key_result(
    errors: FieldErrors,
    *,
    title: Any,
    kind: Any = KeyResultKind.INCREASE,
    start_value: Any = 0,
    target_value: Any = None,
    current_value: Any = None,
    unit: Any = "",
    band_low: Any = None,
    band_high: Any = None,
    weight: Any = None,
    confidence: Any = 50,
    milestones: Iterable[Any] = (),
) -> tuple[KeyResult, list[MilestoneRow]]:
    """An unsaved key result without objective, owner, dates or position, checked as every key result is (its
    title, its kind and the numbers the kind is measured by, MEAS-1 … MEAS-3), with its milestones' (title,
    weight); the problems go to `errors`. `key_result_create` and the drafted key results of SET-9 both use it,
    so that a draft is refused for what a key result would be refused for."""
    kind = clean_choice(errors, "kind", kind, KeyResultKind, str(KeyResultKind.INCREASE))
    numeric = kind in NUMERIC_KINDS
    # What the kind is not measured by is ignored, not checked (KIND_FIELDS).
    measured = KIND_FIELDS[kind]
    start = (clean_decimal(errors, "start_value", start_value) if numeric else None) or Decimal(0)
    target = clean_decimal(errors, "target_value", target_value) if numeric else None
    if "current_value" not in measured:
        current_value = None
    current = clean_decimal(errors, "current_value", current_value, required=False)
    if kind != KeyResultKind.BAND:
        band_low = band_high = None
    milestone_rows = _milestone_rows(errors, milestones) if kind == KeyResultKind.MILESTONES else []
    kr = KeyResult(
        title=clean_title(errors, "title", title),
        kind=kind,
        start_value=start if kind != KeyResultKind.MILESTONES else Decimal(0),
        target_value=target if target is not None and kind not in _UNMEASURED_TARGET else Decimal(1),
        current_value=current if current is not None else (start if numeric else Decimal(0)),
        unit=_clean_unit(errors, unit),
        band_low=clean_decimal(errors, "band_low", band_low, required=False),
        band_high=clean_decimal(errors, "band_high", band_high, required=False),
        weight=clean_weight(errors, "weight", weight),
        confidence=clean_confidence(errors, "confidence", confidence),
    )
    if kind == KeyResultKind.BAND and current is None and kr.band_low is not None:
        kr.current_value = kr.band_low
    _check_numbers(errors, kr, len(milestone_rows))
    return kr, milestone_rows


@transaction.atomic
def key_result_create(
    *,
    actor: Person,
    objective: Objective,
    title: str,
    kind: str = KeyResultKind.INCREASE,
    start_value: Any = 0,
    target_value: Any = None,
    current_value: Any = None,
    unit: str = "",
    band_low: Any = None,
    band_high: Any = None,
    weight: Any = None,
    owner: Person | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    confidence: Any = 50,
    milestones: Iterable[Any] = (),
) -> KeyResult:
    errors = FieldErrors()
    lock_upwards([objective.pk])
    require_open_cycle(errors, objective.cycle)
    kr, milestone_rows = measured_key_result(
        errors,
        title=title,
        kind=kind,
        start_value=start_value,
        target_value=target_value,
        current_value=current_value,
        unit=unit,
        band_low=band_low,
        band_high=band_high,
        weight=weight,
        confidence=confidence,
        milestones=milestones,
    )
    kr.objective = objective
    kr.owner = owner or objective.owner
    kr.position = objective.key_results.count()
    kr.start_date, kr.end_date = dates_within(
        errors, start_date or objective.start_date, end_date or objective.end_date, objective.cycle
    )
    check_people(errors, objective, "owner", [kr.owner], required=True)
    if "end_date" not in errors:
        check_due_dates(errors, "milestones", kr, [(row.title, row.due_date) for row in milestone_rows])
    errors.raise_if_any()
    kr.search_key = search_key(kr.title)
    kr.save()
    Milestone.objects.bulk_create(
        [
            Milestone(key_result=kr, title=row.title, weight=row.weight, due_date=row.due_date, position=i)
            for i, row in enumerate(milestone_rows)
        ]
    )
    key_result_compute(kr, [(row.weight, False) for row in milestone_rows])
    kr.save(update_fields=["progress", "progress_raw"])
    history_record(
        actor=actor,
        action="key_result.create",
        subject=objective,
        target=kr,
        after={
            **_measured_snapshot(kr),
            **({"milestones": [row.title for row in milestone_rows]} if milestone_rows else {}),
        },
    )
    refresh_objectives([objective.pk])
    approval_on_change(actor=actor, objective=objective, changes=key_result_added(kr))
    return kr


def _apply_changes(errors: FieldErrors, kr: KeyResult, data: dict[str, Any]) -> str:
    """Set the fields named in `data`, each checked as on creation; answers the reason of a confidence fall."""
    if "title" in data:
        kr.title = clean_title(errors, "title", data["title"])
    if "kind" in data:
        kr.kind = clean_choice(errors, "kind", data["kind"], KeyResultKind, kr.kind)
    if "unit" in data:
        kr.unit = _clean_unit(errors, data["unit"])
    _apply_numbers(errors, kr, data)
    _apply_placement(errors, kr, data)
    return _apply_confidence(errors, kr, data)


def _apply_numbers(errors: FieldErrors, kr: KeyResult, data: dict[str, Any]) -> None:
    """The numbers the key result's kind is measured by (KIND_FIELDS); the others are ignored, not checked."""
    measured = KIND_FIELDS.get(kr.kind, frozenset())
    for field in ("start_value", "target_value", "current_value"):
        if field in data and field in measured:
            number = clean_decimal(errors, field, data[field])
            if number is not None:
                setattr(kr, field, number)
    for field in ("band_low", "band_high"):
        if field in data and kr.kind == KeyResultKind.BAND:
            setattr(kr, field, clean_decimal(errors, field, data[field], required=False))
    if "weight" in data:
        kr.weight = clean_weight(errors, "weight", data["weight"])


def _apply_placement(errors: FieldErrors, kr: KeyResult, data: dict[str, Any]) -> None:
    """Who owns it, where it is listed, and when it runs."""
    if "owner" in data:
        kr.owner = data["owner"]
        check_people(errors, kr.objective, "owner", [kr.owner], required=True)
    if "position" in data:
        try:
            kr.position = max(0, int(data["position"]))
        except (TypeError, ValueError):
            errors.add("position", _("A position is a whole number."))
    if "start_date" in data or "end_date" in data:
        kr.start_date, kr.end_date = dates_within(
            errors, data.get("start_date", kr.start_date), data.get("end_date", kr.end_date), kr.objective.cycle
        )


def _apply_confidence(errors: FieldErrors, kr: KeyResult, data: dict[str, Any]) -> str:
    """EXE-4 holds for a correction too: confidence may not fall past the threshold without a reason."""
    if "confidence" not in data:
        return ""
    previous = kr.confidence
    kr.confidence = clean_confidence(errors, "confidence", data["confidence"])
    reason = clean_text(errors, "confidence_reason", data.get("confidence_reason"), max_length=NOTE_MAX)
    fall = previous - kr.confidence
    if "confidence" not in errors and fall >= organisation_get().confidence_fall_threshold and not reason:
        errors.add("confidence_reason", fall_message(fall, previous, kr.confidence))
    return reason


@transaction.atomic
def key_result_update(*, actor: Person, key_result: KeyResult, data: dict[str, Any]) -> KeyResult:
    errors = FieldErrors()
    kr = key_result
    lock_key_result(kr)
    require_open_cycle(errors, kr.objective.cycle)
    before = snapshot(kr, KEY_RESULT_FIELDS)
    reason = _apply_changes(errors, kr, data)
    _check_numbers(errors, kr, kr.milestones.count() if kr.kind == KeyResultKind.MILESTONES else 0)
    dated = "start_date" in data or "end_date" in data
    if dated and kr.kind == KeyResultKind.MILESTONES and "end_date" not in errors:
        # EXE-9: its milestones stay due within its dates.
        due = Milestone.objects.filter(key_result=kr, due_date__isnull=False).values_list("title", "due_date")
        check_due_dates(errors, "end_date", kr, list(due))
    errors.raise_if_any()
    key_result_compute(kr)
    after = snapshot(kr, KEY_RESULT_FIELDS)
    changed = changed_fields(before, after)
    if not changed:
        return kr
    kr.search_key = search_key(kr.title)
    kr.save(update_fields=[*changed, "search_key", "progress", "progress_raw"])
    history_record(
        actor=actor,
        action="key_result.update",
        subject=kr.objective,
        target=kr,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed} | ({"confidence_reason": reason} if reason else {}),
    )
    refresh_objectives([kr.objective_id])
    approval_on_change(actor=actor, objective=kr.objective, changes=key_result_changes(kr, changed))
    return kr


@transaction.atomic
def key_result_delete(*, actor: Person, key_result: KeyResult) -> None:
    errors = FieldErrors()
    lock_key_result(key_result)
    require_open_cycle(errors, key_result.objective.cycle)
    errors.raise_if_any()
    objective_id = key_result.objective_id
    # Objectives aligned to this key result now roll up to nothing through it.
    record_lost_alignments(actor, Alignment.objects.filter(parent_key_result=key_result))
    history_record(
        actor=actor,
        action="key_result.delete",
        subject=("okrs.objective", objective_id),
        target=key_result,
        before=snapshot(key_result, KEY_RESULT_FIELDS),
    )
    changes = key_result_deleted(key_result)
    key_result.delete()
    refresh_objectives({objective_id})
    approval_on_change(actor=actor, objective=key_result.objective, changes=changes)


def _check_move_alignment(errors: FieldErrors, key_result: KeyResult, objective: Objective) -> list[Alignment]:
    """The objectives aligned to the key result follow it into `objective`'s roll-up: refused when one of them is
    `objective` or above it (a loop), or already aligns to `objective` some other way (two links to one parent)."""
    below = list(Alignment.objects.filter(parent_key_result=key_result).select_related("child"))
    if not below:
        return below
    above_target = _ancestor_ids({objective.pk})
    already = set(
        Alignment.objects.filter(rollup_parent=objective, child_id__in=[a.child_id for a in below]).values_list(
            "child_id", flat=True
        )
    )
    for alignment in below:
        child = alignment.child
        if child.pk in above_target:
            errors.add(
                "objective",
                _(
                    "“%(child)s” is aligned to this key result and sits above “%(objective)s”: the move would make "
                    "a loop."
                )
                % {"child": child.title, "objective": objective.title},
            )
        elif child.pk in already:
            errors.add(
                "objective",
                _("“%(child)s” is aligned to this key result and already aligns to “%(objective)s” too.")
                % {"child": child.title, "objective": objective.title},
            )
    return below


def move_warnings(key_result: KeyResult, objective: Objective) -> list[str]:
    """What a move allows but its maker should know (SET-8): the key result's dates outside the objective's."""
    if key_result.start_date >= objective.start_date and key_result.end_date <= objective.end_date:
        return []
    return [
        _(
            "The key result runs from %(start)s to %(end)s, outside “%(objective)s” (%(objective_start)s to "
            "%(objective_end)s): change its dates if it should end with the objective."
        )
        % {
            "start": date_format(key_result.start_date, "SHORT_DATE_FORMAT"),
            "end": date_format(key_result.end_date, "SHORT_DATE_FORMAT"),
            "objective": objective.title,
            "objective_start": date_format(objective.start_date, "SHORT_DATE_FORMAT"),
            "objective_end": date_format(objective.end_date, "SHORT_DATE_FORMAT"),
        }
    ]


@transaction.atomic
def key_result_move(*, actor: Person, key_result: KeyResult, objective: Objective) -> list[str]:
    """Move a key result to another objective, with its check-ins, milestones, contributors and history; both
    objectives' roll-ups (and those above them) are computed again, and each objective's history says where it
    went or came from. Refused, naming the field "objective": the objective it is on, either cycle closed, and an
    alignment under the key result that could not follow it. Whether the actor may edit both objectives is the
    caller's to ask (`access`). Answers the warnings of `move_warnings` (the move is made)."""
    errors = FieldErrors()
    source_id = key_result.objective_id
    # The key result, then both objectives and all above them at once (the one order every write takes).
    key_result.refresh_from_db(fields=["start_date", "end_date"], from_queryset=KeyResult.objects.select_for_update())
    lock_upwards([source_id, objective.pk])
    source = key_result.objective
    if objective.pk == source_id:
        errors.add("objective", _("The key result is already on “%(title)s”.") % {"title": objective.title})
    require_open_cycle(errors, source.cycle)
    if objective.cycle.is_closed:
        errors.add(
            "objective",
            _("The cycle “%(cycle)s” of “%(title)s” is closed: it takes no more key results.")
            % {"cycle": objective.cycle.name, "title": objective.title},
        )
    below = _check_move_alignment(errors, key_result, objective) if not errors else []
    errors.raise_if_any()
    key_result.objective = objective
    key_result.position = objective.key_results.count()
    key_result.save(update_fields=["objective", "position"])
    if below:
        Alignment.objects.filter(pk__in=[a.pk for a in below]).update(rollup_parent=objective)
    # In the history of both objectives, about the key result (its own entries are those it is the target of).
    history_record_many(
        history_entry(
            actor=actor,
            action=action,
            subject=subject,
            target=key_result,
            before={"objective": source_id},
            after={"objective": objective.pk},
        )
        for action, subject in (("key_result.move_out", source), ("key_result.move_in", objective))
    )
    # A move changes what both objectives promise: each goes back to its approvers when the policy asks (SET-1).
    approval_on_change(actor=actor, objective=source, changes=key_result_deleted(key_result))
    approval_on_change(actor=actor, objective=objective, changes=key_result_added(key_result))
    refresh_objectives([source_id, objective.pk])
    return move_warnings(key_result, objective)
