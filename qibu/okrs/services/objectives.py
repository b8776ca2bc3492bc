"""Writes on objectives: create (with its first alignment), change, delete."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.audit.services import changed_fields, history_record, snapshot
from qibu.core.pinyin import search_key
from qibu.core.validation import FieldErrors, clean_choice, clean_text, clean_title, clean_weight
from qibu.cycles.models import Cycle, CycleKind
from qibu.okrs.models import (
    Alignment,
    Approval,
    Commitment,
    KeyResult,
    Level,
    Objective,
    Priority,
    RollupMode,
    Status,
    Visibility,
)
from qibu.okrs.people_rules import check_people
from qibu.okrs.rollup import lock_upwards, refresh_objectives
from qibu.okrs.services._common import OBJECTIVE_FIELDS, dates_within, lock_objective, require_open_cycle
from qibu.okrs.services.alignment import alignment_set, record_lost_alignments
from qibu.okrs.services.approval import approval_on_change, objective_changes
from qibu.org.models import Department, Organisation, Person, StrategicGoal, Team
from qibu.org.selectors import organisation_get

_CHOICE_FIELDS = (
    ("commitment", Commitment),
    ("visibility", Visibility),
    ("status", Status),
    ("rollup_mode", RollupMode),
)


def _scope(
    errors: FieldErrors, level: str, owner: Person | None, department: Department | None, team: Team | None
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
    elif level == Level.PROJECT:
        # PLAY-PROJ: a project objective is owned by a member of the project, whatever their department.
        if owner is None:
            errors.add("owner", _("A project objective needs an owner."))
        department = None
        team = None
    elif level == Level.COMPANY:
        department = None
        team = None
    return owner, department, team


def _check_strategic_goal(errors: FieldErrors, level: str, goal: StrategicGoal | None) -> StrategicGoal | None:
    """VIS-2: a company objective traces to a strategic goal; the other levels trace to the strategy through what
    they align to (SET-6), so a goal given to one of them is refused, naming the field."""
    if goal is not None and level != Level.COMPANY:
        errors.add(
            "strategic_goal",
            _(
                "Only a company objective traces to a strategic goal; align this one to a company objective or one "
                "of its key results instead."
            ),
        )
    return goal


def _check_cycle_kind(errors: FieldErrors, level: str, cycle: Cycle) -> None:
    """A project stage's cycle holds its project's objectives, and a project objective lives in a stage."""
    if level == Level.PROJECT and cycle.kind != CycleKind.PROJECT_STAGE:
        errors.add("cycle", _("A project objective is set in a stage of its project."))
    elif level != Level.PROJECT and cycle.kind == CycleKind.PROJECT_STAGE:
        errors.add(
            "cycle",
            _("The cycle “%(cycle)s” is a project stage: its objectives are set on the project's page.")
            % {"cycle": cycle.name},
        )


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
    organisation: Organisation | None = None,
    strategic_goal: StrategicGoal | None = None,
) -> Objective:
    """A new objective written by `actor` (its author, SET-7), aligned to the parents given (SET-6); a company
    objective traces to its `strategic_goal` (VIS-2). A draft when the organisation's OKRs need approval (SET-1,
    SET-2: `qibu.okrs.services.approval`), else approved at once."""
    errors = FieldErrors()
    level = clean_choice(errors, "level", level, Level, str(Level.PERSON))
    objective = Objective(
        cycle=cycle,
        level=level,
        title=clean_title(errors, "title", title),
        description=clean_text(errors, "description", description),
        author=actor,
        priority=clean_choice(errors, "priority", priority, Priority, int(Priority.P1)),
        weight=clean_weight(errors, "weight", weight),
        commitment=clean_choice(errors, "commitment", commitment, Commitment, str(Commitment.ASPIRATIONAL)),
        visibility=clean_choice(errors, "visibility", visibility, Visibility, str(Visibility.COMPANY)),
        status=clean_choice(errors, "status", status, Status, str(Status.ACTIVE)),
        rollup_mode=clean_choice(errors, "rollup_mode", rollup_mode, RollupMode, str(RollupMode.KEY_RESULTS)),
    )
    objective.owner, objective.department, objective.team = _scope(errors, level, owner, department, team)
    objective.strategic_goal = _check_strategic_goal(errors, level, strategic_goal)
    objective.start_date, objective.end_date = dates_within(errors, start_date, end_date, cycle)
    require_open_cycle(errors, cycle)
    _check_cycle_kind(errors, level, cycle)
    check_people(errors, objective, "owner", [objective.owner])
    errors.raise_if_any()
    if (organisation or organisation_get()).approval_required:
        objective.approval = Approval.DRAFT
    else:
        objective.approval, objective.approved_at = Approval.APPROVED, timezone.now()
    objective.search_key = search_key(objective.title)
    objective.save()
    history_record(
        actor=actor, action="objective.create", subject=objective, after=snapshot(objective, OBJECTIVE_FIELDS)
    )
    if parent_objective_ids or parent_key_result_ids:
        alignment_set(
            actor=actor,
            objective=objective,
            parent_objective_ids=parent_objective_ids,
            parent_key_result_ids=parent_key_result_ids,
        )
    return objective


def _apply_placement(errors: FieldErrors, objective: Objective, data: dict[str, Any]) -> None:
    """The cycle, owner, department and team named in `data`, each checked as on creation."""
    moved = "cycle" in data and data["cycle"] is not None and data["cycle"].pk != objective.cycle_id
    if moved:
        objective.cycle = data["cycle"]
        require_open_cycle(errors, objective.cycle)
        _check_cycle_kind(errors, objective.level, objective.cycle)
    handed_over = any(k in data for k in ("owner", "department", "team"))
    if handed_over:
        objective.owner, objective.department, objective.team = _scope(
            errors,
            objective.level,
            data.get("owner", objective.owner),
            data.get("department", objective.department),
            data.get("team", objective.team),
        )
    if moved or handed_over:
        check_people(errors, objective, "owner", [objective.owner])
    if "strategic_goal" in data:
        objective.strategic_goal = _check_strategic_goal(errors, objective.level, data["strategic_goal"])


def _apply_changes(errors: FieldErrors, objective: Objective, data: dict[str, Any]) -> None:
    """Set the fields named in `data` on the objective, each checked as on creation."""
    if "title" in data:
        objective.title = clean_title(errors, "title", data["title"])
    if "description" in data:
        objective.description = clean_text(errors, "description", data["description"])
    if "priority" in data:
        objective.priority = clean_choice(errors, "priority", data["priority"], Priority, objective.priority)
    if "weight" in data:
        objective.weight = clean_weight(errors, "weight", data["weight"])
    for field, choices in _CHOICE_FIELDS:
        if field in data:
            setattr(objective, field, clean_choice(errors, field, data[field], choices, getattr(objective, field)))
    _apply_placement(errors, objective, data)
    if "start_date" in data or "end_date" in data:
        objective.start_date, objective.end_date = dates_within(
            errors,
            data.get("start_date", objective.start_date),
            data.get("end_date", objective.end_date),
            objective.cycle,
        )


@transaction.atomic
def objective_update(*, actor: Person, objective: Objective, data: dict[str, Any]) -> Objective:
    """Change the fields given (any of OBJECTIVE_FIELDS but the level, fixed once created, SET-1)."""
    errors = FieldErrors()
    lock_objective(objective)
    before = snapshot(objective, OBJECTIVE_FIELDS)
    require_open_cycle(errors, objective.cycle)
    _apply_changes(errors, objective, data)
    errors.raise_if_any()
    after = snapshot(objective, OBJECTIVE_FIELDS)
    changed = changed_fields(before, after)
    if not changed:
        return objective
    objective.search_key = search_key(objective.title)
    objective.save(update_fields=[*changed, "search_key", "updated_at"])
    history_record(
        actor=actor,
        action="objective.update",
        subject=objective,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    if "rollup_mode" in changed:
        refresh_objectives([objective.pk])
    if {"weight", "status"} & set(changed):
        refresh_objectives(rollup_parent_ids(objective.pk))
    approval_on_change(actor=actor, objective=objective, changes=objective_changes(changed))
    return objective


def rollup_parent_ids(objective_id: int) -> list[int]:
    return list(Alignment.objects.filter(child_id=objective_id).values_list("rollup_parent_id", flat=True))


@transaction.atomic
def objective_delete(*, actor: Person, objective: Objective) -> None:
    errors = FieldErrors()
    # Its key results go with it: locked first, as every writer locks key results before objectives.
    list(KeyResult.objects.filter(objective=objective).select_for_update().values_list("pk", flat=True))
    lock_upwards([objective.pk])
    require_open_cycle(errors, objective.cycle)
    errors.raise_if_any()
    parents = rollup_parent_ids(objective.pk)
    record_lost_alignments(actor, Alignment.objects.filter(rollup_parent=objective))
    history_record(
        actor=actor, action="objective.delete", subject=objective, before=snapshot(objective, OBJECTIVE_FIELDS)
    )
    objective.delete()
    refresh_objectives(parents)
