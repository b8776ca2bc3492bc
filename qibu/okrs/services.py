"""Writes on objectives, key results, alignment and check-ins.

Every function is one transaction: it validates (raising ValidationError keyed by field, in the user's
language), writes, records history and refreshes the roll-ups, or writes nothing. Permission is the
caller's one lookup (`qibu.okrs.access`); services trust the actor they are given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import IntegerChoices, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.audit.services import audit_record, snapshot
from qibu.cycles.models import Cycle
from qibu.okrs.models import (
    Alignment,
    CheckIn,
    Commitment,
    KeyResult,
    KeyResultKind,
    Level,
    Milestone,
    Objective,
    Priority,
    RollupMode,
    Status,
    Visibility,
)
from qibu.okrs.rollup import key_result_compute, refresh_objectives
from qibu.org.models import Department, Organisation, Person, Team
from qibu.org.selectors import organisation_get

TITLE_MAX = 200
TEXT_MAX = 5000
# Values are stored in 18 digits with 4 decimals.
NUMBER_LIMIT = Decimal("1e14")

OBJECTIVE_FIELDS = (
    "title",
    "description",
    "cycle",
    "level",
    "owner",
    "department",
    "team",
    "priority",
    "weight",
    "commitment",
    "visibility",
    "status",
    "rollup_mode",
    "start_date",
    "end_date",
)
KEY_RESULT_FIELDS = (
    "title",
    "kind",
    "start_value",
    "target_value",
    "current_value",
    "unit",
    "band_low",
    "band_high",
    "weight",
    "owner",
    "start_date",
    "end_date",
    "confidence",
    "position",
)


# The stored state of a row, re-read under a row lock at the start of a write: the caller's instance may
# be stale (another request checked in meanwhile), and numbers derived from it must not overwrite newer ones.
_OBJECTIVE_STATE = (
    "title",
    "description",
    "priority",
    "weight",
    "commitment",
    "visibility",
    "status",
    "rollup_mode",
    "start_date",
    "end_date",
    "progress",
    "confidence",
    "score",
)
_KEY_RESULT_STATE = (
    "title",
    "kind",
    "start_value",
    "target_value",
    "current_value",
    "unit",
    "band_low",
    "band_high",
    "weight",
    "start_date",
    "end_date",
    "confidence",
    "progress_raw",
    "progress",
    "score",
    "last_checkin_at",
    "position",
)


def _lock_objective(objective: Objective) -> None:
    objective.refresh_from_db(fields=_OBJECTIVE_STATE, from_queryset=Objective.objects.select_for_update())


def _lock_key_result(key_result: KeyResult) -> None:
    key_result.refresh_from_db(fields=_KEY_RESULT_STATE, from_queryset=KeyResult.objects.select_for_update())


# --- validation helpers ---------------------------------------------------------------------------


class Errors:
    """Collects field errors so that one answer names every problem at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _title(errors: Errors, field: str, value: str | None) -> str:
    value = (value or "").strip()
    if not value:
        errors.add(field, _("Give it a title."))
    elif len(value) > TITLE_MAX:
        errors.add(field, _("At most %(max)d characters (this one has %(n)d).") % {"max": TITLE_MAX, "n": len(value)})
    return value


def _text(errors: Errors, field: str, value: str | None) -> str:
    value = (value or "").strip()
    if len(value) > TEXT_MAX:
        errors.add(field, _("At most %(max)d characters (this one has %(n)d).") % {"max": TEXT_MAX, "n": len(value)})
    return value


def _decimal(errors: Errors, field: str, value: Any, *, required: bool = True, places: int = 4) -> Decimal | None:
    """A number as stored (rounded to the column's decimal places), so that what is computed from it now
    equals what is computed later from the database, on SQLite and PostgreSQL alike."""
    if value is None or value == "":
        if required:
            errors.add(field, _("Enter a number."))
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        errors.add(field, _("“%(value)s” is not a number.") % {"value": value})
        return None
    if not number.is_finite():
        errors.add(field, _("“%(value)s” is not a number.") % {"value": value})
        return None
    if abs(number) < NUMBER_LIMIT:
        number = number.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    if abs(number) >= NUMBER_LIMIT:
        errors.add(field, _("This number is too large."))
        return None
    return number


def _weight(errors: Errors, field: str, value: Any) -> Decimal:
    number = _decimal(errors, field, value if value not in (None, "") else "1", places=2)
    if number is not None and not (Decimal("0.01") <= number <= Decimal("1000")):
        errors.add(field, _("A weight is between 0.01 and 1000."))
    return number if number is not None else Decimal(1)


def _confidence(errors: Errors, field: str, value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.add(field, _("Confidence is a whole number from 0 to 100."))
        return 0
    if not 0 <= number <= 100:
        errors.add(field, _("Confidence is a whole number from 0 to 100."))
    return number


def _choice(errors: Errors, field: str, value: Any, choices: Any, default: Any) -> Any:
    if value in (None, ""):
        return default
    if issubclass(choices, IntegerChoices) and isinstance(value, str) and value.strip().isdigit():
        value = int(value)  # as typed in a form or a query string
    if value not in choices.values:
        errors.add(field, _("“%(value)s” is not one of the choices.") % {"value": value})
        return default
    return value


def _dates(errors: Errors, start: dt.date | None, end: dt.date | None, cycle: Cycle) -> tuple[dt.date, dt.date]:
    start = start or cycle.start
    end = end or cycle.end
    if end < start:
        errors.add("end_date", _("The end date is before the start date."))
    return start, end


def _open_cycle(errors: Errors, cycle: Cycle) -> None:
    if cycle.is_closed:
        errors.add("cycle", _("The cycle “%(cycle)s” is closed: it takes no more changes.") % {"cycle": cycle.name})


# --- objectives -----------------------------------------------------------------------------------


def _objective_scope(
    errors: Errors, level: str, owner: Person | None, department: Department | None, team: Team | None
) -> tuple[Person | None, Department | None, Team | None]:
    """Fill the home department from the team or owner, and require what each level needs."""
    if level == Level.PERSON:
        if owner is None:
            errors.add("owner", _("A personal objective needs an owner."))
        else:
            department = owner.department
        team = None
    elif level == Level.TEAM:
        if team is None:
            errors.add("team", _("A team objective needs a team."))
        else:
            department = team.department
    elif level == Level.DEPARTMENT:
        if department is None:
            errors.add("department", _("A department objective needs a department."))
        team = None
    elif level == Level.COMPANY:
        department = None
        team = None
    return owner, department, team


@transaction.atomic
def objective_create(
    *,
    actor: Person,
    cycle: Cycle,
    level: str,
    title: str,
    description: str = "",
    owner: Person | None = None,
    department: Department | None = None,
    team: Team | None = None,
    priority: int | None = None,
    weight: Any = None,
    commitment: str | None = None,
    visibility: str | None = None,
    status: str | None = None,
    rollup_mode: str | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    parent_objective_ids: Sequence[int] = (),
    parent_key_result_ids: Sequence[int] = (),
) -> Objective:
    errors = Errors()
    level = _choice(errors, "level", level, Level, Level.PERSON)
    objective = Objective(
        cycle=cycle,
        level=level,
        title=_title(errors, "title", title),
        description=_text(errors, "description", description),
        author=actor,
        priority=_choice(errors, "priority", priority, Priority, Priority.P1),
        weight=_weight(errors, "weight", weight),
        commitment=_choice(errors, "commitment", commitment, Commitment, Commitment.ASPIRATIONAL),
        visibility=_choice(errors, "visibility", visibility, Visibility, Visibility.COMPANY),
        status=_choice(errors, "status", status, Status, Status.ACTIVE),
        rollup_mode=_choice(errors, "rollup_mode", rollup_mode, RollupMode, RollupMode.KEY_RESULTS),
    )
    objective.owner, objective.department, objective.team = _objective_scope(errors, level, owner, department, team)
    objective.start_date, objective.end_date = _dates(errors, start_date, end_date, cycle)
    _open_cycle(errors, cycle)
    errors.raise_if_any()
    objective.save()
    audit_record(
        actor=actor,
        action="objective.create",
        target=objective,
        objective_id=objective.pk,
        after=snapshot(objective, OBJECTIVE_FIELDS),
    )
    if parent_objective_ids or parent_key_result_ids:
        alignment_set(
            actor=actor,
            objective=objective,
            parent_objective_ids=parent_objective_ids,
            parent_key_result_ids=parent_key_result_ids,
        )
    return objective


@transaction.atomic
def objective_update(*, actor: Person, objective: Objective, data: dict[str, Any]) -> Objective:
    """Change the given fields (any of OBJECTIVE_FIELDS except level and cycle's closed state)."""
    errors = Errors()
    _lock_objective(objective)
    before = snapshot(objective, OBJECTIVE_FIELDS)
    _open_cycle(errors, objective.cycle)
    if "title" in data:
        objective.title = _title(errors, "title", data["title"])
    if "description" in data:
        objective.description = _text(errors, "description", data["description"])
    if "priority" in data:
        objective.priority = _choice(errors, "priority", data["priority"], Priority, objective.priority)
    if "weight" in data:
        objective.weight = _weight(errors, "weight", data["weight"])
    for field, choices in (
        ("commitment", Commitment),
        ("visibility", Visibility),
        ("status", Status),
        ("rollup_mode", RollupMode),
    ):
        if field in data:
            setattr(objective, field, _choice(errors, field, data[field], choices, getattr(objective, field)))
    if "cycle" in data and data["cycle"] is not None and data["cycle"].pk != objective.cycle_id:
        objective.cycle = data["cycle"]
        _open_cycle(errors, objective.cycle)
    if any(k in data for k in ("owner", "department", "team")):
        objective.owner, objective.department, objective.team = _objective_scope(
            errors,
            objective.level,
            data.get("owner", objective.owner),
            data.get("department", objective.department),
            data.get("team", objective.team),
        )
    if "start_date" in data or "end_date" in data:
        objective.start_date, objective.end_date = _dates(
            errors,
            data.get("start_date", objective.start_date),
            data.get("end_date", objective.end_date),
            objective.cycle,
        )
    errors.raise_if_any()
    after = snapshot(objective, OBJECTIVE_FIELDS)
    changed = [k for k in OBJECTIVE_FIELDS if before[k] != after[k]]
    if not changed:
        return objective
    objective.save(update_fields=[*changed, "updated_at"])
    audit_record(
        actor=actor,
        action="objective.update",
        target=objective,
        objective_id=objective.pk,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    if "rollup_mode" in changed:
        refresh_objectives([objective.pk])
    if {"weight", "status"} & set(changed):
        refresh_objectives(_rollup_parent_ids(objective.pk))
    return objective


def _rollup_parent_ids(objective_id: int) -> list[int]:
    return list(Alignment.objects.filter(child_id=objective_id).values_list("rollup_parent_id", flat=True))


@transaction.atomic
def objective_delete(*, actor: Person, objective: Objective) -> None:
    errors = Errors()
    _open_cycle(errors, objective.cycle)
    errors.raise_if_any()
    parents = _rollup_parent_ids(objective.pk)
    _record_lost_alignments(actor, Alignment.objects.filter(rollup_parent=objective))
    audit_record(
        actor=actor,
        action="objective.delete",
        target=objective,
        objective_id=objective.pk,
        before=snapshot(objective, OBJECTIVE_FIELDS),
    )
    objective.delete()
    refresh_objectives(parents)


# --- alignment (SET-6) ----------------------------------------------------------------------------


def _ancestor_ids(objective_ids: set[int]) -> set[int]:
    """Every objective reachable upwards from these through alignment."""
    seen: set[int] = set()
    frontier = set(objective_ids)
    while frontier:
        seen |= frontier
        frontier = (
            set(Alignment.objects.filter(child_id__in=frontier).values_list("rollup_parent_id", flat=True)) - seen
        )
    return seen


@transaction.atomic
def alignment_set(
    *,
    actor: Person,
    objective: Objective,
    parent_objective_ids: Iterable[int] = (),
    parent_key_result_ids: Iterable[int] = (),
) -> list[Alignment]:
    """Replace the objective's parents. Several are allowed; a loop is refused."""
    errors = Errors()
    wanted_objectives = {int(i) for i in parent_objective_ids}
    wanted_krs = {int(i) for i in parent_key_result_ids}
    parents = {o.pk: o for o in Objective.objects.filter(pk__in=wanted_objectives)}
    krs = {k.pk: k for k in KeyResult.objects.filter(pk__in=wanted_krs).select_related("objective")}
    for missing in sorted(wanted_objectives - parents.keys()):
        errors.add("parent_objective_ids", _("There is no objective #%(id)s.") % {"id": missing})
    for missing in sorted(wanted_krs - krs.keys()):
        errors.add("parent_key_result_ids", _("There is no key result #%(id)s.") % {"id": missing})
    targets: dict[int, tuple[Objective | None, KeyResult | None]] = {}
    for parent in parents.values():
        targets.setdefault(parent.pk, (parent, None))
    for kr in krs.values():
        if kr.objective_id in targets:
            errors.add(
                "parent_key_result_ids",
                _("“%(title)s” already aligns to “%(parent)s” or another of its key results.")
                % {"title": objective.title, "parent": kr.objective.title},
            )
        targets[kr.objective_id] = (None, kr)
    if objective.pk in targets or objective.pk in _ancestor_ids(set(targets)):
        errors.add(
            "parent_objective_ids",
            _("This alignment would make a loop: “%(title)s” would sit above itself.") % {"title": objective.title},
        )
    errors.raise_if_any()

    current = {a.rollup_parent_id: a for a in Alignment.objects.filter(child=objective)}
    before = sorted(_describe(a) for a in current.values())
    kept: list[Alignment] = []
    touched: set[int] = set()
    for parent_id, alignment in current.items():
        target = targets.get(parent_id)
        same = target is not None and (
            (target[0] is not None and alignment.parent_objective_id == parent_id)
            or (target[1] is not None and alignment.parent_key_result_id == target[1].pk)
        )
        if same:
            kept.append(alignment)
        else:
            alignment.delete()
            touched.add(parent_id)
    kept_parents = {a.rollup_parent_id for a in kept}
    for parent_id, (to_objective, to_key_result) in targets.items():
        if parent_id in kept_parents:
            continue
        kept.append(
            Alignment.objects.create(
                child=objective,
                parent_objective=to_objective,
                parent_key_result=to_key_result,
                rollup_parent_id=parent_id,
            )
        )
        touched.add(parent_id)
    after = sorted(_describe(a) for a in kept)
    if before != after:
        audit_record(
            actor=actor,
            action="alignment.set",
            target=objective,
            objective_id=objective.pk,
            before={"parents": before},
            after={"parents": after},
        )
        refresh_objectives(touched)
    return kept


def _record_lost_alignments(actor: Person, lost: QuerySet[Alignment]) -> None:
    """Objectives aligned to something about to be deleted lose that link: their history says so."""
    lost_ids = set(lost.values_list("pk", flat=True))
    if not lost_ids:
        return
    links: dict[int, list[Alignment]] = {}
    for alignment in Alignment.objects.filter(child_id__in=lost.values("child_id")).order_by("pk"):
        links.setdefault(alignment.child_id, []).append(alignment)
    for child_id, alignments in links.items():
        audit_record(
            actor=actor,
            action="alignment.set",
            target=Objective(pk=child_id),
            objective_id=child_id,
            before={"parents": sorted(_describe(a) for a in alignments)},
            after={"parents": sorted(_describe(a) for a in alignments if a.pk not in lost_ids)},
        )


def _describe(alignment: Alignment) -> str:
    if alignment.parent_key_result_id:
        return f"kr:{alignment.parent_key_result_id}"
    return f"objective:{alignment.parent_objective_id}"


# --- key results ----------------------------------------------------------------------------------


def _validate_key_result_numbers(errors: Errors, kr: KeyResult, milestone_count: int) -> None:
    if kr.kind in (KeyResultKind.INCREASE, KeyResultKind.DECREASE):
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


def _milestone_rows(errors: Errors, milestones: Iterable[Any]) -> list[tuple[str, Decimal]]:
    rows = []
    for i, item in enumerate(milestones, start=1):
        title, weight = (item, None) if isinstance(item, str) else (item.get("title"), item.get("weight"))
        title = (title or "").strip()
        if not title:
            continue
        if len(title) > TITLE_MAX:
            errors.add("milestones", _("Milestone %(n)d: at most %(max)d characters.") % {"n": i, "max": TITLE_MAX})
        rows.append((title, _weight(errors, "milestones", weight)))
    return rows


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
    errors = Errors()
    _open_cycle(errors, objective.cycle)
    kind = _choice(errors, "kind", kind, KeyResultKind, KeyResultKind.INCREASE)
    numeric = kind in (KeyResultKind.INCREASE, KeyResultKind.DECREASE)
    start = _decimal(errors, "start_value", start_value, required=numeric) or Decimal(0)
    target = _decimal(errors, "target_value", target_value, required=numeric)
    if target is None:
        target = Decimal(1)
    current = _decimal(errors, "current_value", current_value, required=False)
    milestone_rows = _milestone_rows(errors, milestones) if kind == KeyResultKind.MILESTONES else []
    kr = KeyResult(
        objective=objective,
        title=_title(errors, "title", title),
        kind=kind,
        start_value=start if kind != KeyResultKind.MILESTONES else Decimal(0),
        target_value=target if kind not in (KeyResultKind.MILESTONES, KeyResultKind.BOOLEAN) else Decimal(1),
        current_value=current if current is not None else (start if numeric else Decimal(0)),
        unit=_text(errors, "unit", unit)[:20],
        band_low=_decimal(errors, "band_low", band_low, required=False),
        band_high=_decimal(errors, "band_high", band_high, required=False),
        weight=_weight(errors, "weight", weight),
        owner=owner or objective.owner,
        confidence=_confidence(errors, "confidence", confidence),
        position=objective.key_results.count(),
    )
    kr.start_date, kr.end_date = _dates(
        errors, start_date or objective.start_date, end_date or objective.end_date, objective.cycle
    )
    if kind == KeyResultKind.BAND and current is None and kr.band_low is not None:
        kr.current_value = kr.band_low
    _validate_key_result_numbers(errors, kr, len(milestone_rows))
    errors.raise_if_any()
    kr.save()
    Milestone.objects.bulk_create(
        [Milestone(key_result=kr, title=t, weight=w, position=i) for i, (t, w) in enumerate(milestone_rows)]
    )
    key_result_compute(kr, [(w, False) for _t, w in milestone_rows])
    kr.save(update_fields=["progress", "progress_raw"])
    audit_record(
        actor=actor,
        action="key_result.create",
        target=kr,
        objective_id=objective.pk,
        after={**snapshot(kr, KEY_RESULT_FIELDS), "milestones": [t for t, _w in milestone_rows]},
    )
    refresh_objectives([objective.pk])
    return kr


@transaction.atomic
def key_result_update(*, actor: Person, key_result: KeyResult, data: dict[str, Any]) -> KeyResult:
    errors = Errors()
    kr = key_result
    _lock_key_result(kr)
    _open_cycle(errors, kr.objective.cycle)
    before = snapshot(kr, KEY_RESULT_FIELDS)
    if "title" in data:
        kr.title = _title(errors, "title", data["title"])
    if "kind" in data:
        kr.kind = _choice(errors, "kind", data["kind"], KeyResultKind, kr.kind)
    for field in ("start_value", "target_value", "current_value"):
        if field in data:
            number = _decimal(errors, field, data[field])
            if number is not None:
                setattr(kr, field, number)
    for field in ("band_low", "band_high"):
        if field in data:
            setattr(kr, field, _decimal(errors, field, data[field], required=False))
    if "unit" in data:
        kr.unit = _text(errors, "unit", data["unit"])[:20]
    if "weight" in data:
        kr.weight = _weight(errors, "weight", data["weight"])
    if "owner" in data:
        kr.owner = data["owner"]
    reason = ""
    if "confidence" in data:
        previous_confidence = kr.confidence
        kr.confidence = _confidence(errors, "confidence", data["confidence"])
        # EXE-4 holds here too: a correction may not lower confidence silently past the threshold.
        reason = _text(errors, "confidence_reason", data.get("confidence_reason"))
        fall = previous_confidence - kr.confidence
        if "confidence" not in errors.errors and fall >= organisation_get().confidence_fall_threshold and not reason:
            errors.add("confidence_reason", _fall_message(fall, previous_confidence, kr.confidence))
    if "position" in data:
        try:
            kr.position = max(0, int(data["position"]))
        except (TypeError, ValueError):
            errors.add("position", _("A position is a whole number."))
    if "start_date" in data or "end_date" in data:
        kr.start_date, kr.end_date = _dates(
            errors, data.get("start_date", kr.start_date), data.get("end_date", kr.end_date), kr.objective.cycle
        )
    _validate_key_result_numbers(errors, kr, kr.milestones.count() if kr.kind == KeyResultKind.MILESTONES else 0)
    errors.raise_if_any()
    key_result_compute(kr)
    after = snapshot(kr, KEY_RESULT_FIELDS)
    changed = [k for k in KEY_RESULT_FIELDS if before[k] != after[k]]
    if not changed:
        return kr
    kr.save(update_fields=[*changed, "progress", "progress_raw"])
    audit_record(
        actor=actor,
        action="key_result.update",
        target=kr,
        objective_id=kr.objective_id,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed} | ({"confidence_reason": reason} if reason else {}),
    )
    refresh_objectives([kr.objective_id])
    return kr


@transaction.atomic
def key_result_delete(*, actor: Person, key_result: KeyResult) -> None:
    errors = Errors()
    _open_cycle(errors, key_result.objective.cycle)
    errors.raise_if_any()
    objective_id = key_result.objective_id
    # Objectives aligned to this key result now roll up to nothing through it.
    orphan_parents = {objective_id}
    _record_lost_alignments(actor, Alignment.objects.filter(parent_key_result=key_result))
    audit_record(
        actor=actor,
        action="key_result.delete",
        target=key_result,
        objective_id=objective_id,
        before=snapshot(key_result, KEY_RESULT_FIELDS),
    )
    key_result.delete()
    refresh_objectives(orphan_parents)


def _fall_message(fall: int, old: int, new: int) -> str:
    return _("Confidence fell by %(fall)d points (from %(old)d%% to %(new)d%%). Say why, and what changed.") % {
        "fall": fall,
        "old": old,
        "new": new,
    }


# --- check-ins (EXE-3, EXE-4, MEAS-5) -------------------------------------------------------------


@transaction.atomic
def checkin_record(
    *,
    actor: Person,
    key_result: KeyResult,
    confidence: Any,
    value: Any = None,
    milestones_done: Iterable[int] | None = None,
    confidence_reason: str = "",
    note: str = "",
    at: dt.datetime | None = None,
    organisation: Organisation | None = None,
) -> CheckIn:
    """Record a check-in: the new value (or milestones done), confidence and a note.

    EXE-4: a fall in confidence of at least the policy threshold is refused without a reason.
    """
    errors = Errors()
    kr = key_result
    _lock_key_result(kr)
    objective = kr.objective
    if objective.cycle.is_closed:
        errors.add(
            "cycle",
            _("The cycle “%(cycle)s” is closed: it takes no more check-ins.") % {"cycle": objective.cycle.name},
        )
    if objective.status == Status.CLOSED:
        errors.add("key_result", _("The objective is closed: it takes no more check-ins."))
    new_confidence = _confidence(errors, "confidence", confidence)
    new_value = _decimal(errors, "value", value, required=False)
    reason = _text(errors, "confidence_reason", confidence_reason)
    note = _text(errors, "note", note)
    milestones = list(kr.milestones.all()) if kr.kind == KeyResultKind.MILESTONES else []
    done_ids: set[int] = set()
    if milestones_done is not None:
        try:
            done_ids = {int(i) for i in milestones_done}
        except (TypeError, ValueError):
            errors.add("milestones_done", _("Milestones are given by their numbers."))
        unknown = done_ids - {m.pk for m in milestones}
        if unknown:
            errors.add(
                "milestones_done",
                _("These milestones are not part of this key result: %(ids)s.")
                % {"ids": ", ".join(str(i) for i in sorted(unknown))},
            )
    if kr.kind == KeyResultKind.BOOLEAN and new_value is not None and new_value not in (0, 1):
        errors.add("value", _("A done-or-not key result takes 1 (done) or 0 (not done)."))
    policy = organisation or organisation_get()
    fall = kr.confidence - new_confidence
    # An unreadable confidence is one error, not also a "fall" to 0 that asks for a reason.
    if "confidence" not in errors.errors and fall >= policy.confidence_fall_threshold and not reason:
        errors.add("confidence_reason", _fall_message(fall, kr.confidence, new_confidence))
    errors.raise_if_any()

    before: dict[str, Any] = {"value": str(kr.current_value), "confidence": kr.confidence}
    if kr.kind == KeyResultKind.MILESTONES:
        before["milestones_done"] = sorted(m.pk for m in milestones if m.done)
    if milestones_done is not None:
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
    audit_record(
        actor=actor,
        action="check_in.create",
        target=checkin,
        objective_id=objective.pk,
        before=before,
        after={
            "key_result": kr.pk,
            "value": str(kr.current_value),
            "confidence": new_confidence,
            "previous_confidence": previous,
            "confidence_reason": reason,
            "note": note,
            **({"milestones_done": checkin.milestones_done} if kr.kind == KeyResultKind.MILESTONES else {}),
        },
    )
    rolled_up = refresh_objectives([objective.pk])
    # The objective in hand shows its new roll-up without reading it back.
    if objective.pk in rolled_up:
        objective.progress, objective.confidence = rolled_up[objective.pk]
    return checkin
