"""Writing the update (UPD-1 … UPD-5): record a decision on a closing objective (and carry it), justify a new
company objective, approve a company change, close a level's update, close the update (lock the cycle). One
transaction each, every write in history; refused input is named by field and nothing is written.

Carrying goes through the okrs services (`objective_create`, `key_result_create`, `alignment_set`) and the plans'
(`step_create`), so every rule of theirs holds for the copies: the next cycle must be open, the owner must be one
who may own the objective, and so on. Check-ins are never copied: the copy starts from its baseline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.audit.services import history_record
from qibu.core.validation import TEXT_MAX, FieldErrors, clean_choice, clean_decimal, clean_text, clean_title
from qibu.cycles.models import Cycle
from qibu.notify.inbox import Subject, notify
from qibu.notify.models import NotificationKind
from qibu.okrs.access import can_edit, headed_department_paths
from qibu.okrs.models import Alignment, KeyResult, KeyResultKind, Level, Objective
from qibu.okrs.services import alignment_set, key_result_create, objective_create
from qibu.org.models import Department, Organisation, Person
from qibu.org.selectors import organisation_get
from qibu.plans.models import OPEN_STATUSES, ActionStep
from qibu.plans.services import step_create
from qibu.updates.models import CarryAction, Decision, Stage, UpdateAction, UpdateOutcome
from qibu.updates.window import Window, is_late_updater, previous_cycle_of, update_window

# Levels decided in the department's stage (UPD-2: after the company's, before the people's).
DEPARTMENT_LEVELS = (Level.DEPARTMENT, Level.TEAM)
UPDATED_LEVELS = (Level.COMPANY, Level.DEPARTMENT, Level.TEAM, Level.PERSON)


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _check_window(errors: FieldErrors, window: Window, organisation: Organisation, actor: Person) -> bool:
    """Add what stands in the way of recording now; answer whether what is recorded is late (UPD-5)."""
    if window.missing:
        errors.add(None, _("The update of %(cycle)s has not begun:") % {"cycle": window.cycle.name})
        for line in window.missing:
            errors.add(None, line)
        return False
    if window.is_locked:
        if is_late_updater(organisation, actor):
            return True
        errors.add(
            None,
            _(
                "The update of %(cycle)s is over and the cycle is closed: only the people the policy names may still "
                "update it."
            )
            % {"cycle": window.cycle.name},
        )
    return False


def _check_next_cycle(errors: FieldErrors, window: Window) -> Cycle | None:
    cycle = window.next_cycle
    if cycle is not None and cycle.is_closed:
        errors.add(
            "next_cycle",
            _("The cycle “%(cycle)s” is closed: nothing can be carried into it.") % {"cycle": cycle.name},
        )
    return cycle


def stage_done(cycle: Cycle, department_id: int | None) -> bool:
    if department_id is None:
        return Stage.objects.filter(cycle=cycle, department__isnull=True).exists()
    return Stage.objects.filter(cycle=cycle, department_id=department_id).exists()


def check_order(errors: FieldErrors, objective: Objective) -> None:
    """UPD-2: company, then departments, then people."""
    if objective.level == Level.COMPANY:
        return
    if not stage_done(objective.cycle, None):
        errors.add(None, _("The company's update is not done yet: departments and people decide after it (UPD-2)."))
        return
    if (
        objective.level == Level.PERSON
        and objective.department_id is not None
        and not stage_done(objective.cycle, objective.department_id)
    ):
        errors.add(
            None,
            _("The update of %(department)s is not done yet: its people decide after it (UPD-2).")
            % {"department": objective.department},
        )


def _shifted(day: dt.date, days: int, low: dt.date, high: dt.date) -> dt.date:
    return min(max(day + dt.timedelta(days=days), low), high)


def _clean_key_results(
    errors: FieldErrors, objective: Objective, key_results: list[KeyResult], entries: Mapping[Any, Mapping[str, Any]]
) -> dict[int, dict[str, Any]]:
    """UPD-4: each key result kept, modified (with its new target) or dropped; kept when not named."""
    known = {kr.pk: kr for kr in key_results}
    cleaned: dict[int, dict[str, Any]] = {}
    for raw_id in entries:
        if not str(raw_id).isdigit() or int(raw_id) not in known:
            errors.add(f"kr_{raw_id}", _("Key result #%(id)s is not one of this objective's.") % {"id": raw_id})
    for kr in key_results:
        entry = entries.get(kr.pk) or entries.get(str(kr.pk)) or {}
        action = clean_choice(errors, f"kr_{kr.pk}", entry.get("action"), CarryAction, str(CarryAction.KEEP))
        row: dict[str, Any] = {"action": action}
        if action == CarryAction.MODIFY:
            if entry.get("title"):
                row["title"] = clean_title(errors, f"kr_title_{kr.pk}", entry.get("title"))
            if kr.kind in (KeyResultKind.INCREASE, KeyResultKind.DECREASE):
                target = clean_decimal(errors, f"kr_target_{kr.pk}", entry.get("target_value", kr.target_value))
                if target is not None:
                    row["target_value"] = str(target)
        cleaned[kr.pk] = row
    if entries and key_results and all(r["action"] == CarryAction.DROP for r in cleaned.values()):
        errors.add(None, _("Keep at least one key result, or abandon the objective."))
    return cleaned


def _carry_key_result(*, actor: Person, kr: KeyResult, into: Objective, row: dict[str, Any], shift: int) -> KeyResult:
    milestones = [
        {
            "title": m.title,
            "weight": m.weight,
            "due_date": _shifted(m.due_date, shift, into.start_date, into.end_date) if m.due_date else None,
        }
        for m in kr.milestones.all()
    ]
    copy = key_result_create(
        actor=actor,
        objective=into,
        title=row.get("title") or kr.title,
        kind=kr.kind,
        start_value=kr.start_value,
        target_value=row.get("target_value", kr.target_value),
        current_value=kr.start_value if kr.kind != KeyResultKind.BAND else kr.band_low,
        unit=kr.unit,
        band_low=kr.band_low,
        band_high=kr.band_high,
        weight=kr.weight,
        owner=kr.owner if kr.owner is not None and kr.owner.is_active else None,
        milestones=milestones,
    )
    KeyResult.objects.filter(pk=copy.pk).update(carried_from=kr)
    copy.carried_from = kr
    # The action plan comes along, its open steps moved by as many days as the cycles are apart.
    for step in ActionStep.objects.filter(key_result=kr, status__in=OPEN_STATUSES).select_related(
        "owner", "responsible", "decider"
    ):
        owner = step.owner if step.owner.is_active else None
        step_create(
            actor=actor,
            key_result=copy,
            title=step.title,
            owner=owner,
            responsible=step.responsible if step.responsible is not None and step.responsible.is_active else None,
            decider=step.decider if step.decider is not None and step.decider.is_active else None,
            description=step.description,
            budget=step.budget,
            currency=step.currency,
            resources_note=step.resources_note,
            start=_shifted(step.start, shift, copy.start_date, copy.end_date),
            deadline=_shifted(step.deadline, shift, copy.start_date, copy.end_date),
            priority=step.priority,
        )
    return copy


def _carried_parents(objective: Objective, next_cycle: Cycle) -> tuple[list[int], list[int]]:
    """The parents the copy aligns to: the carried copies of the original's parents, where there are any."""
    objectives: list[int] = []
    key_results: list[int] = []
    for alignment in Alignment.objects.filter(child=objective):
        if alignment.parent_objective_id is not None:
            objectives.extend(
                Objective.objects.filter(carried_from_id=alignment.parent_objective_id, cycle=next_cycle).values_list(
                    "pk", flat=True
                )
            )
        if alignment.parent_key_result_id is not None:
            key_results.extend(
                KeyResult.objects.filter(
                    carried_from_id=alignment.parent_key_result_id, objective__cycle=next_cycle
                ).values_list("pk", flat=True)
            )
    return objectives, key_results


def _carry(
    *,
    actor: Person,
    objective: Objective,
    next_cycle: Cycle,
    changes: Mapping[str, Any],
    rows: dict[int, dict[str, Any]],
    organisation: Organisation,
) -> Objective:
    owner = objective.owner if objective.owner is not None and objective.owner.is_active else None
    copy = objective_create(
        actor=actor,
        cycle=next_cycle,
        level=objective.level,
        title=changes.get("title") or objective.title,
        description=changes.get("description", objective.description),
        owner=owner,
        department=objective.department,
        team=objective.team,
        priority=objective.priority,
        weight=objective.weight,
        commitment=objective.commitment,
        visibility=objective.visibility,
        rollup_mode=objective.rollup_mode,
        organisation=organisation,
        strategic_goal=objective.strategic_goal if objective.level == Level.COMPANY else None,
    )
    Objective.objects.filter(pk=copy.pk).update(carried_from=objective)
    copy.carried_from = objective
    shift = (next_cycle.start - objective.cycle.start).days
    for kr in objective.key_results.select_related("owner").prefetch_related("milestones"):
        row = rows.get(kr.pk, {"action": CarryAction.KEEP})
        if row["action"] == CarryAction.DROP:
            continue
        row["carried"] = _carry_key_result(actor=actor, kr=kr, into=copy, row=row, shift=shift).pk
    parents, parent_krs = _carried_parents(objective, next_cycle)
    if parents or parent_krs:
        alignment_set(actor=actor, objective=copy, parent_objective_ids=parents, parent_key_result_ids=parent_krs)
    return copy


def _clean_decision(
    errors: FieldErrors, objective: Objective, outcome: Any, action: Any, justification: Any
) -> tuple[str, str, str]:
    """The outcome, the decision and the justification, each refused by its field."""
    if Decision.objects.filter(objective=objective).exists():
        errors.add(None, _("“%(title)s” is decided already.") % {"title": objective.title})
    outcome_value = clean_choice(errors, "outcome", outcome, UpdateOutcome, "")
    if not outcome_value and "outcome" not in errors:
        errors.add("outcome", _("Say whether the objective was achieved, partly achieved or missed."))
    action_value = clean_choice(errors, "action", action, UpdateAction, "")
    if action_value == UpdateAction.NEW:
        errors.add("action", _("Keep, modify or abandon a closing objective."))
    elif not action_value and "action" not in errors:
        errors.add("action", _("Keep, modify or abandon the objective."))
    text = clean_text(errors, "justification", justification, max_length=TEXT_MAX)
    if objective.level == Level.COMPANY and action_value in (UpdateAction.MODIFY, UpdateAction.ABANDON) and not text:
        errors.add(
            "justification",
            _(
                "A company objective changed or dropped needs its justification: why it matters and why it is "
                "feasible (UPD-3)."
            ),
        )
    return outcome_value, action_value, text


def _check_into(
    errors: FieldErrors, *, actor: Person, objective: Objective, into: Any, action: str, next_cycle: Cycle | None
) -> Objective | None:
    """An objective continues as a draft of the next cycle only when kept or modified, and only as one of the same
    owner and level in the next cycle that nothing continues yet and the actor may change."""
    pk = into.pk if isinstance(into, Objective) else into
    draft = Objective.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if draft is None:
        errors.add("into", _("There is no such objective in the next cycle."))
        return None
    if action not in (UpdateAction.KEEP, UpdateAction.MODIFY):
        errors.add("into", _("Only a kept or modified objective continues as an objective of the next cycle."))
    elif next_cycle is None or draft.cycle_id != next_cycle.pk:
        errors.add("into", _("“%(title)s” is not an objective of the next cycle.") % {"title": draft.title})
    elif draft.level != objective.level or draft.owner_id != objective.owner_id:
        errors.add("into", _("An objective continues only as one of the same owner and level."))
    elif draft.carried_from_id is not None or Decision.objects.filter(carried=draft).exists():
        errors.add("into", _("“%(title)s” already continues another objective.") % {"title": draft.title})
    elif not can_edit(actor, draft):
        errors.add("into", _("Only those who may change “%(title)s” decide on it.") % {"title": draft.title})
    else:
        return draft
    return None


def _continue_as(*, objective: Objective, into: Objective) -> Objective:
    Objective.objects.filter(pk=into.pk).update(carried_from=objective)
    into.carried_from = objective
    old = {kr.title: kr.pk for kr in objective.key_results.all()}
    for kr in into.key_results.filter(carried_from__isnull=True):
        if kr.title in old:
            KeyResult.objects.filter(pk=kr.pk).update(carried_from_id=old[kr.title])
    return into


@transaction.atomic
def decision_record(
    *,
    actor: Person,
    objective: Objective,
    outcome: Any,
    action: Any,
    justification: Any = "",
    changes: Mapping[str, Any] | None = None,
    key_results: Mapping[Any, Mapping[str, Any]] | None = None,
    today: dt.date | None = None,
    into: Any = None,
) -> Decision:
    """The decision on a closing objective (UPD-1 … UPD-5); kept and modified ones are carried into the next cycle
    at once with their key results (as `key_results` says, UPD-4) and action plans, linked by `carried_from`.
    `changes` holds a modified objective's new `title` and `description`.

    `into`: the id of the objective already drafted in the next cycle that this one continues as (the set phase
    begins before the cycle, so drafts often exist when the update comes): nothing is copied; the draft is linked
    by `carried_from`, and so are its key results that bear the same title as one of the closing objective's."""
    errors = FieldErrors()
    organisation = organisation_get()
    changes = changes or {}
    if not can_edit(actor, objective):
        errors.add(None, _("Only those who may change “%(title)s” decide on it.") % {"title": objective.title})
        errors.raise_if_any()
    if objective.level not in UPDATED_LEVELS:
        errors.add(None, _("Project objectives are updated with their project's stages, not here."))
        errors.raise_if_any()
    Objective.objects.select_for_update().filter(pk=objective.pk).first()
    outcome_value, action_value, text = _clean_decision(errors, objective, outcome, action, justification)
    window = update_window(objective.cycle, organisation, _today(today))
    late = _check_window(errors, window, organisation, actor)
    next_cycle = _check_next_cycle(errors, window)
    check_order(errors, objective)
    title = objective.title
    if action_value == UpdateAction.MODIFY and changes.get("title"):
        title = clean_title(errors, "title", changes.get("title"))
    key_result_list = list(objective.key_results.all())
    rows = _clean_key_results(errors, objective, key_result_list, key_results or {})
    if next_cycle is None:  # named in the window's missing already
        errors.add("next_cycle", _("There is no next cycle to carry the objectives into: create it first."))
    draft = None
    if into not in (None, ""):
        draft = _check_into(
            errors, actor=actor, objective=objective, into=into, action=action_value, next_cycle=next_cycle
        )
    errors.raise_if_any()
    assert next_cycle is not None  # noqa: S101  (raised just above otherwise)
    carried = None
    if draft is not None:
        carried = _continue_as(objective=objective, into=draft)
    elif action_value in (UpdateAction.KEEP, UpdateAction.MODIFY):
        carried = _carry(
            actor=actor,
            objective=objective,
            next_cycle=next_cycle,
            changes={"title": title, **({"description": changes["description"]} if "description" in changes else {})}
            if action_value == UpdateAction.MODIFY
            else {},
            rows=rows if action_value == UpdateAction.MODIFY or objective.level != Level.COMPANY else {},
            organisation=organisation,
        )
    decision = Decision.objects.create(
        cycle=objective.cycle,
        next_cycle=next_cycle,
        objective=objective,
        carried=carried,
        level=objective.level,
        department_id=objective.department_id,
        title=objective.title,
        outcome=outcome_value,
        action=action_value,
        justification=text,
        key_results={str(k): v for k, v in rows.items()} if carried is not None else {},
        decided_by=actor,
        late=late,
    )
    history_record(
        actor=actor,
        action="update.decide",
        subject=objective,
        target=decision,
        after={
            "outcome": outcome_value,
            "decision": action_value,
            "late": late,
            **({"carried_into": carried.pk} if carried else {}),
        },
    )
    return decision


@transaction.atomic
def new_objective_justify(*, actor: Person, objective: Objective, justification: Any) -> Decision:
    """UPD-3: a company objective new in the next cycle (carried from nothing) states why it matters and why it
    is feasible, then waits for an executive's approval before the company's update closes."""
    errors = FieldErrors()
    if not actor.is_executive:
        errors.add(None, _("Only executives justify the company's objectives."))
    if objective.level != Level.COMPANY or objective.carried_from_id is not None:
        errors.add(None, _("Only a new company objective is justified so."))
    ending = previous_cycle_of(objective.cycle)
    if ending is None:
        errors.add(None, _("There is no cycle before “%(cycle)s” to update.") % {"cycle": objective.cycle.name})
    text = clean_text(errors, "justification", justification, max_length=TEXT_MAX)
    if not text:
        errors.add("justification", _("Say why this new company objective matters and why it is feasible (UPD-3)."))
    if objective.cycle.is_closed:
        errors.add("next_cycle", _("The cycle “%(cycle)s” is closed.") % {"cycle": objective.cycle.name})
    errors.raise_if_any()
    assert ending is not None  # noqa: S101  (refused just above otherwise)
    decision = Decision.objects.filter(carried=objective, action=UpdateAction.NEW).first()
    if decision is None:
        decision = Decision.objects.create(
            cycle=ending,
            next_cycle=objective.cycle,
            carried=objective,
            level=Level.COMPANY,
            title=objective.title,
            action=UpdateAction.NEW,
            justification=text,
            decided_by=actor,
        )
    else:
        decision.justification, decision.approved_at, decision.approved_by = text, None, None
        decision.decided_by = actor
        decision.save(update_fields=["justification", "approved_at", "approved_by", "decided_by"])
    history_record(
        actor=actor, action="update.justify", subject=objective, target=decision, after={"justification": text}
    )
    return decision


def may_approve(person: Person, decision: Decision, organisation: Organisation) -> bool:
    """UPD-3: the CEO approves a company change, or any executive where there is no CEO or the CEO made it; never
    the one who made it."""
    if not person.is_active or not person.is_executive or person.pk == decision.decided_by_id:
        return False
    ceo = organisation.ceo_id
    if ceo is None or ceo == decision.decided_by_id:
        return True
    return person.pk == ceo or person.is_admin


@transaction.atomic
def decision_approve(*, actor: Person, decision: Decision) -> Decision:
    organisation = organisation_get()
    if not decision.needs_approval:
        raise ValidationError(_("This decision needs no approval."))
    if not may_approve(actor, decision, organisation):
        raise PermissionDenied(_("Only the CEO or another executive approves a change of the company's objectives."))
    if decision.is_approved:
        return decision
    decision.approved_by, decision.approved_at = actor, timezone.now()
    decision.save(update_fields=["approved_by", "approved_at"])
    subject = decision.objective or decision.carried or decision.cycle
    history_record(actor=actor, action="update.approve", subject=subject, target=decision, after={"approved": True})
    return decision


def _undecided(cycle: Cycle, **where: Any) -> list[str]:
    return list(
        Objective.objects.filter(cycle=cycle, update_decision__isnull=True, **where)
        .order_by("priority", "id")
        .values_list("title", flat=True)
    )


def _may_close_department(actor: Person, department: Department) -> bool:
    return actor.is_executive or any(department.path.startswith(p) for p in headed_department_paths(actor))


@transaction.atomic
def stage_close(
    *, actor: Person, cycle: Cycle, department: Department | None = None, today: dt.date | None = None
) -> Stage:
    """Close the company's update (executives; every company objective decided, every change and new objective
    justified and approved, UPD-3) or a department's (its head or an executive; after the company's, every
    department and team objective decided, UPD-2). Tells the departments, or the department's people (UPD-2)."""
    errors = FieldErrors()
    organisation = organisation_get()
    window = update_window(cycle, organisation, _today(today))
    late = _check_window(errors, window, organisation, actor)
    if Stage.objects.filter(cycle=cycle, department=department).exists():
        errors.add(None, _("This update is closed already."))
    if department is None:
        if not actor.is_executive:
            errors.add(None, _("Only executives close the company's update."))
        undecided = _undecided(cycle, level=Level.COMPANY)
        waiting = [
            d.title
            for d in Decision.objects.filter(cycle=cycle, level=Level.COMPANY, approved_at__isnull=True)
            if d.needs_approval
        ]
        unjustified = []
        if window.next_cycle is not None:
            unjustified = list(
                Objective.objects.filter(cycle=window.next_cycle, level=Level.COMPANY, carried_from__isnull=True)
                .exclude(update_origin__isnull=False)
                .values_list("title", flat=True)
            )
        if unjustified:
            errors.add(
                None,
                _("New company objectives need their justification first (UPD-3): %(titles)s")
                % {"titles": "、".join(unjustified)},
            )
    else:
        if not _may_close_department(actor, department):
            errors.add(
                None,
                _("Only the head of %(department)s or an executive closes its update.")
                % {"department": department.name},
            )
        if not stage_done(cycle, None):
            errors.add(None, _("The company's update is not done yet: departments close theirs after it (UPD-2)."))
        undecided = _undecided(cycle, level__in=DEPARTMENT_LEVELS, department=department)
        waiting = []
    if undecided:
        errors.add(None, _("Decide on these objectives first: %(titles)s") % {"titles": "、".join(undecided)})
    if waiting:
        errors.add(
            None,
            _("These changes wait for an executive's approval (UPD-3): %(titles)s") % {"titles": "、".join(waiting)},
        )
    errors.raise_if_any()
    stage = Stage.objects.create(cycle=cycle, department=department, closed_by=actor, late=late)
    history_record(
        actor=actor,
        action="update.close_stage",
        subject=department or cycle,
        target=stage,
        after={"cycle": cycle.pk, "late": late},
    )
    _tell_next(actor=actor, cycle=cycle, department=department)
    return stage


def _tell_next(*, actor: Person, cycle: Cycle, department: Department | None) -> None:
    """UPD-2: the company's update done tells the departments' heads; a department's tells its people."""
    from django.urls import reverse

    url = reverse("updates:cycle", args=[cycle.pk])
    if department is None:
        recipients = list(Person.objects.filter(headed_departments__isnull=False, is_active=True).distinct())
        notify(
            kind=NotificationKind.UPDATE,
            recipients=recipients,
            text=lambda _p: (
                _("The company's update of %(cycle)s is done: your department's may begin.") % {"cycle": cycle.name}
            ),
            key=f"update:{cycle.pk}:company",
            subject=Subject("cycles.cycle", cycle.pk, url),
            actor=actor,
        )
        return
    owners = Person.objects.filter(
        owned_objectives__cycle=cycle, owned_objectives__level=Level.PERSON, department=department, is_active=True
    ).distinct()
    notify(
        kind=NotificationKind.UPDATE,
        recipients=list(owners),
        text=lambda _p: (
            _("The update of %(department)s for %(cycle)s is done: decide on your objectives now.")
            % {"department": department.name, "cycle": cycle.name}
        ),
        key=f"update:{cycle.pk}:department:{department.pk}",
        subject=Subject("cycles.cycle", cycle.pk, url),
        actor=actor,
    )


@transaction.atomic
def update_close(*, actor: Person, cycle: Cycle) -> Cycle:
    """UPD-5: an executive closes the update: the ending cycle is closed (locked) now, before its window ends."""
    if not actor.is_executive:
        raise PermissionDenied(_("Only executives close the update."))
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if locked.is_closed:
        raise ValidationError(_("The cycle “%(cycle)s” is closed already.") % {"cycle": cycle.name})
    locked.is_closed = True
    locked.save(update_fields=["is_closed"])
    cycle.is_closed = True
    history_record(actor=actor, action="update.close", subject=cycle, before={"closed": False}, after={"closed": True})
    return cycle


def cycles_close_ended(*, today: dt.date | None = None) -> list[int]:
    """UPD-5, the daily job: every updated cycle whose update window is over is closed. Idempotent."""
    from qibu.cycles.phases import Phase, phase_window
    from qibu.updates.window import update_kinds

    day = _today(today)
    organisation = organisation_get()
    closed = []
    for cycle in Cycle.objects.filter(kind__in=update_kinds(organisation), is_closed=False, end__lt=day):
        if phase_window(cycle, organisation, Phase.UPDATE).is_over(day):
            with transaction.atomic():
                if Cycle.objects.filter(pk=cycle.pk, is_closed=False).update(is_closed=True):
                    history_record(
                        actor=None,
                        action="update.close",
                        subject=cycle,
                        before={"closed": False},
                        after={"closed": True},
                    )
                    closed.append(cycle.pk)
    return closed
