"""Reads on the approval of objectives (SET-1, SET-2): what an objective waits for before it may be approved, who
approves it, and what its page and the API show of it. The writes are `qibu.okrs.services.approval`; who may do
what is `qibu.okrs.access` (`can_approve`, `approvable_q`, `may_see_draft`).

The order (SET-1, first pass top-down), when the organisation enforces it (`Organisation.approval_order_enforced`):
a company objective of a quarter waits for the company objectives of its year; a department's for the company
objectives of its cycle; a team's for its department's objectives; a person's for their department's and their
team's. "Waits for" means: those objectives exist in that cycle and are not agreed yet (`Objective.is_agreed`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from django.db.models import Q

from qibu.cycles.models import Cycle
from qibu.okrs.access import can_approve, can_edit, can_view
from qibu.okrs.models import Approval, ApprovalAction, ApprovalDecision, Level, Objective, agreed_q
from qibu.org.models import Department, Organisation, Person, Role

if TYPE_CHECKING:
    import datetime as dt

# The decisions an objective's page lists, newest first.
DECISIONS_LIMIT = 50


# --- what an objective waits for ------------------------------------------------------------------------------


def _cycle_parents(objectives: Sequence[Objective]) -> dict[int, int | None]:
    """The year of each objective's cycle, from the cycles loaded with them, else in one query."""
    if all(Objective.cycle.is_cached(o) for o in objectives):
        return {o.cycle_id: o.cycle.parent_id for o in objectives}
    return dict(Cycle.objects.filter(pk__in=[o.cycle_id for o in objectives]).values_list("pk", "parent_id"))


def _owner_teams(objectives: Sequence[Objective]) -> dict[int, int | None]:
    """The team of each personal objective's owner, from the owners loaded with them, else in one query."""
    personal = [o for o in objectives if o.level == Level.PERSON and o.owner_id is not None]
    if all(Objective.owner.is_cached(o) for o in personal):
        return {o.owner_id: o.owner.team_id for o in personal if o.owner is not None and o.owner_id is not None}
    ids = {o.owner_id for o in personal if o.owner_id is not None}
    return dict(Person.objects.filter(pk__in=ids).values_list("pk", "team_id")) if ids else {}


# What an objective waits for, as a key of the objectives above it: (level, cycle, department or team).
_Key = tuple[str, int, int | None]


def _keys_above(objective: Objective, years: dict[int, int | None], teams: dict[int, int | None]) -> list[_Key]:
    if objective.level == Level.COMPANY:
        year = years.get(objective.cycle_id)
        return [(Level.COMPANY, year, None)] if year is not None else []
    if objective.level == Level.DEPARTMENT:
        return [(Level.COMPANY, objective.cycle_id, None)]
    keys: list[_Key] = []
    if objective.department_id is not None:
        keys.append((Level.DEPARTMENT, objective.cycle_id, objective.department_id))
    if objective.level == Level.PERSON and objective.owner_id is not None:
        team = teams.get(objective.owner_id)
        if team is not None:
            keys.append((Level.TEAM, objective.cycle_id, team))
    return keys


def waits_for_many(objectives: Iterable[Objective]) -> dict[int, list[Objective]]:
    """`waits_for` of each objective, by id: one query for any number of objectives (plus one for their cycles'
    years and one for their owners' teams when those were not loaded with them). The objectives waited for come
    with their owner and department, in the order of levels and priority."""
    objectives = list(objectives)
    found: dict[int, list[Objective]] = {o.pk: [] for o in objectives}
    if not objectives:
        return found
    years = _cycle_parents(objectives)
    teams = _owner_teams(objectives)
    keys = {o.pk: _keys_above(o, years, teams) for o in objectives}
    wanted: dict[str, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    for key in (k for ks in keys.values() for k in ks):
        cycles, units = wanted[key[0]]
        cycles.add(key[1])
        if key[2] is not None:
            units.add(key[2])
    if not wanted:
        return found
    scope = Q(pk__in=[])
    for level, (cycles, units) in wanted.items():
        part = Q(level=level, cycle_id__in=cycles)
        if level == Level.DEPARTMENT:
            part &= Q(department_id__in=units)
        elif level == Level.TEAM:
            part &= Q(team_id__in=units)
        scope |= part
    above: dict[_Key, list[Objective]] = defaultdict(list)
    pending = (
        Objective.objects.filter(scope)
        .exclude(agreed_q())
        .select_related("owner", "department", "team", "cycle")
        .order_by("cycle__start", "priority", "id")
    )
    for row in pending:
        unit = row.department_id if row.level == Level.DEPARTMENT else row.team_id if row.level == Level.TEAM else None
        above[(row.level, row.cycle_id, unit)].append(row)
    for pk, objective_keys in keys.items():
        found[pk] = [row for key in objective_keys for row in above.get(key, []) if row.pk != pk]
    return found


def waits_for(objective: Objective) -> list[Objective]:
    """The objectives of the level above that `objective` waits for before it may be approved (SET-1): those that
    exist in its cycle (a company quarter's: in its year) and are not agreed yet. Empty: nothing to wait for.
    Whether the organisation enforces the order is the caller's to ask (`Organisation.approval_order_enforced`)."""
    return waits_for_many([objective])[objective.pk]


# --- who approves ---------------------------------------------------------------------------------------------


def _executives_q() -> Q:
    return Q(role__in=[Role.ADMIN, Role.EXECUTIVE]) | Q(is_superuser=True)


def _candidates_q(objective: Objective, ceo_id: int | None) -> Q:
    """Everyone `can_approve` may name for the objective, and perhaps some more (it decides)."""
    if objective.level in (Level.COMPANY, Level.DEPARTMENT):
        q = _executives_q()
        return q | Q(pk=ceo_id) if ceo_id is not None and objective.level == Level.COMPANY else q
    q = Q(pk__in=[])
    department = objective.department
    if department is not None:
        q |= Q(headed_departments__in=department.ancestor_ids)
    if objective.level == Level.TEAM:
        team = objective.team
        if team is not None and team.lead is not None and team.lead.manager_id is not None:
            q |= Q(pk=team.lead.manager_id)
    elif objective.owner is not None and objective.owner.manager_id is not None:
        q |= Q(pk=objective.owner.manager_id)
    return q | _executives_q()


def approvers_of(objective: Objective, *, ceo_id: int | None) -> list[Person]:
    """Everyone who may approve `objective` and sees it (`access.can_approve`, `access.can_view`), by name; two
    queries whatever the size of the company (none for people already known: the departments they head are read
    with them, so that `can_view` asks nothing more)."""
    people = list(
        Person.objects.filter(_candidates_q(objective, ceo_id), is_active=True)
        .exclude(pk__in=[pk for pk in (objective.owner_id, objective.author_id) if pk is not None])
        .select_related("department")
        .distinct()
        .order_by("full_name", "username")
    )
    if not people:
        return []
    paths: dict[int, list[str]] = defaultdict(list)
    for head_id, path in Department.objects.filter(head__in=people).values_list("head_id", "path"):
        paths[head_id].append(path)
    for person in people:
        person._headed_paths = paths.get(person.pk, [])  # type: ignore[attr-defined]
        person._is_ceo = person.pk == ceo_id  # type: ignore[attr-defined]
    return [p for p in people if can_approve(p, objective, ceo_id=ceo_id) and can_view(p, objective)]


# --- the objective's page and the API ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionLine:
    """One step of the decision log: who, when, what, and why."""

    id: int
    action: str
    label: str
    actor: str
    actor_id: int | None
    at: dt.datetime
    comment: str


@dataclass(frozen=True)
class ApprovalState:
    """Where an objective stands in being agreed, as its page and the API show it to `viewer`."""

    objective: Objective
    approval: str
    label: str
    agreed: bool
    required: bool
    order_enforced: bool
    approvers: list[Person] = field(default_factory=list)
    waits_for: list[Objective] = field(default_factory=list)
    # Objectives waited for that the viewer may not see: counted, not named.
    waits_for_hidden: int = 0
    decisions: list[DecisionLine] = field(default_factory=list)
    # Who approved it last, from the decision log ("" when it was approved on writing).
    approved_by: str = ""
    may_submit: bool = False
    may_decide: bool = False
    may_reopen: bool = False

    @property
    def pending(self) -> bool:
        """Not approved as it stands: a draft, submitted, returned (or a change of it waiting for approval)."""
        return self.approval != Approval.APPROVED

    @property
    def shown(self) -> bool:
        """Whether the page shows the panel: approval is on, or the objective has been through it."""
        return self.required or self.pending or bool(self.decisions)


def decision_lines(decisions: Iterable[ApprovalDecision]) -> list[DecisionLine]:
    labels = dict(ApprovalAction.choices)
    return [
        DecisionLine(
            id=d.pk,
            action=d.action,
            label=str(labels.get(d.action, d.action)),
            actor=str(d.actor) if d.actor is not None else "—",
            actor_id=d.actor_id,
            at=d.created_at,
            comment=d.comment,
        )
        for d in decisions
    ]


def approval_state(
    objective: Objective, *, viewer: Person, organisation: Organisation, editable: bool | None = None
) -> ApprovalState:
    """The objective's approval for `viewer`: its state, its approvers and what it waits for while it is not
    approved, the decision log, and what the viewer may do. Nothing is read for an objective approved on writing
    in an organisation without approval; else one query for the decisions, and while it is pending two for its
    approvers and one for what it waits for (when the order is enforced)."""
    approval = objective.approval
    label = str(Approval(approval).label) if approval in Approval.values else approval
    plain = ApprovalState(
        objective=objective,
        approval=approval,
        label=label,
        agreed=objective.is_agreed,
        required=organisation.approval_required,
        order_enforced=organisation.approval_order_enforced,
    )
    never_through = approval == Approval.APPROVED and objective.approved_by_id is None
    if never_through and not organisation.approval_required:
        return plain
    editable = can_edit(viewer, objective) if editable is None else editable
    decisions = decision_lines(
        ApprovalDecision.objects.filter(objective=objective).select_related("actor")[:DECISIONS_LIMIT]
    )
    pending = approval != Approval.APPROVED
    ceo_id = organisation.ceo_id
    above = waits_for(objective) if pending and organisation.approval_order_enforced else []
    seen = [o for o in above if can_view(viewer, o)]
    open_ = objective.takes_changes
    approved_by = next((d.actor for d in decisions if d.action == ApprovalAction.APPROVE), "")
    return replace(
        plain,
        approvers=approvers_of(objective, ceo_id=ceo_id) if pending else [],
        waits_for=seen,
        waits_for_hidden=len(above) - len(seen),
        decisions=decisions,
        approved_by=approved_by,
        may_submit=open_ and editable and approval in (Approval.DRAFT, Approval.RETURNED),
        may_decide=open_ and approval == Approval.SUBMITTED and can_approve(viewer, objective, ceo_id=ceo_id),
        may_reopen=open_ and editable and approval in (Approval.SUBMITTED, Approval.RETURNED),
    )
