"""Objectives, their alignment (SET-6) and the alignment tree.

Permissions are the pages' own: `access.objective_for` (404 when invisible, then 403 for a change the
caller may not make), `access.can_create` for new objectives, `visible_objectives_q` for lists.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from qibu.api.pagination import paginate
from qibu.api.schemas import (
    ERRORS,
    WRITE_ERRORS,
    AlignmentIn,
    ObjectiveCreate,
    ObjectiveCreated,
    ObjectiveFilters,
    ObjectiveOut,
    ObjectivePage,
    ObjectiveUpdate,
    PageQuery,
    PathId,
    TreePage,
    TreeQuery,
)
from qibu.cycles.models import Cycle
from qibu.cycles.selectors import cycle_for_request
from qibu.okrs import access, quality, services
from qibu.okrs.models import Alignment, KeyResult, Level, Objective
from qibu.okrs.selectors import ObjectiveStatus, objective_status, objectives_visible, owner_objective_count
from qibu.org.middleware import request_organisation
from qibu.org.models import Department, Person, StrategicGoal, Team
from qibu.org.selectors import department_list, person_list, team_list

router = Router(tags=["objectives"])


def caller(request: HttpRequest) -> Person:
    person: Person = request.auth  # type: ignore[attr-defined]
    return person


def refuse_change() -> PermissionDenied:
    return PermissionDenied(_("You may see this objective but not change it."))


# --- visibility through a foreign key -----------------------------------------------------------------


def _moved(q: Q, relation: str) -> Q | None:
    """`q` with every lookup prefixed by `relation`, or None when a part of it cannot simply be moved: an
    expression, or a value that names fields of the row (F()). A queryset value stands alone (a filter of
    objectives cannot refer to an outer query) and moves as it is."""
    children: list[Any] = []
    for child in q.children:
        if isinstance(child, Q):
            inner = _moved(child, relation)
            if inner is None:
                return None
            children.append(inner)
        elif (
            isinstance(child, tuple)
            and len(child) == 2
            and isinstance(child[0], str)
            and (isinstance(child[1], QuerySet) or not hasattr(child[1], "resolve_expression"))
        ):
            children.append((f"{relation}__{child[0]}", child[1]))
        else:
            return None
    return Q(*children, _connector=q.connector, _negated=q.negated)


def visible_through(person: Person, relation: str) -> Q | Exists:
    """`visible_objectives_q(person)` for rows whose objective is at the end of the NOT NULL foreign keys
    `relation` (e.g. "objective", "key_result__objective").

    The objective is joined and the same conditions are applied to it, rather than `relation__in=` a
    subquery of every visible objective, which SQLite computes whole (all objectives of all cycles) before
    looking at a single row."""
    q = access.visible_objectives_q(person)
    moved = _moved(q, relation)
    if moved is None:
        return Exists(Objective.objects.filter(q, pk=OuterRef(relation)))
    return moved


# --- references in request bodies ---------------------------------------------------------------------


def _missing_message(field: str, pk: int) -> str:
    if field == "cycle":
        return _("There is no cycle #%(id)s.") % {"id": pk}
    if field == "department":
        return _("There is no department #%(id)s.") % {"id": pk}
    if field == "team":
        return _("There is no team #%(id)s.") % {"id": pk}
    if field == "strategic_goal":
        return _("There is no strategic goal #%(id)s.") % {"id": pk}
    return _("There is no person #%(id)s.") % {"id": pk}


def _reference_querysets() -> dict[str, QuerySet[Any]]:
    return {
        "cycle": Cycle.objects.all(),
        "owner": person_list(),
        "department": department_list(),
        "team": team_list(),
        "strategic_goal": StrategicGoal.objects.all(),
    }


def resolve_references(data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """Replace the ids in `data` by their rows; one ValidationError names every unknown id."""
    querysets = _reference_querysets()
    errors: dict[str, list[str]] = {}
    for field in fields:
        pk = data.get(field)
        if pk is None:
            continue
        found = querysets[field].filter(pk=pk).first()
        if found is None:
            errors[field] = [_missing_message(field, pk)]
        else:
            data[field] = found
    if errors:
        raise ValidationError(errors)
    return data


# --- output -------------------------------------------------------------------------------------------


def whole_percent(confidence: Decimal | None) -> int | None:
    """An objective's stored confidence (a weighted mean, MEAS-5) as the whole percentage pages show."""
    return None if confidence is None else int(confidence.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Links:
    """An objective's key results and the parents the caller may see, as ids."""

    key_result_ids: list[int] = dataclasses.field(default_factory=list)
    parents: list[tuple[int | None, int | None]] = dataclasses.field(default_factory=list)


def advice_out(warnings: list[quality.Advice]) -> list[dict[str, str]]:
    """The method's warnings as the API answers them (`AdviceOut`)."""
    return [{"rule": advice.rule, "message": advice.text} for advice in warnings]


def objective_links(objectives: list[Objective], person: Person) -> dict[int, Links]:
    """`Links` by objective id: two queries for any number of objectives (none for none)."""
    links = {o.pk: Links() for o in objectives}
    if not objectives:
        return links
    for objective_id, pk in (
        KeyResult.objects.filter(objective_id__in=links).order_by("position", "id").values_list("objective_id", "id")
    ):
        links[objective_id].key_result_ids.append(pk)
    for child_id, parent_objective_id, parent_key_result_id in (
        Alignment.objects.filter(visible_through(person, "rollup_parent"), child_id__in=links)
        .order_by("id")
        .values_list("child_id", "parent_objective_id", "parent_key_result_id")
    ):
        links[child_id].parents.append((parent_objective_id, parent_key_result_id))
    return links


def objective_out(objective: Objective, person: Person, status: ObjectiveStatus, links: Links) -> dict[str, Any]:
    """The objective as the API shows it, with its status today and its links."""
    return {
        "id": objective.pk,
        "title": objective.title,
        "description": objective.description,
        "cycle": objective.cycle_id,
        "level": objective.level,
        "owner": objective.owner_id,
        "owner_name": str(objective.owner) if objective.owner is not None else None,
        "department": objective.department_id,
        "team": objective.team_id,
        "author": objective.author_id,
        "priority": objective.priority,
        "weight": objective.weight,
        "commitment": objective.commitment,
        "visibility": objective.visibility,
        "status": objective.status,
        "rollup_mode": objective.rollup_mode,
        "start_date": objective.start_date,
        "end_date": objective.end_date,
        "progress": objective.progress,
        "confidence": whole_percent(objective.confidence),
        "health": status.health,
        "behind_pace": status.behind_pace,
        "score": objective.score,
        "key_result_ids": links.key_result_ids,
        "parent_objective_ids": [objective_id for objective_id, _kr in links.parents if objective_id],
        "parent_key_result_ids": [key_result_id for _o, key_result_id in links.parents if key_result_id],
        "strategic_goal": objective.strategic_goal_id,
        "can_edit": access.can_edit(person, objective),
        "approval": objective.approval,
        "submitted_at": objective.submitted_at,
        "approved_at": objective.approved_at,
        "created_at": objective.created_at,
        "updated_at": objective.updated_at,
    }


def objectives_out(request: HttpRequest, objectives: list[Objective]) -> list[dict[str, Any]]:
    """`objective_out` for each objective, with what it needs read for all of them at once."""
    person, organisation, today = caller(request), request_organisation(request), timezone.localdate()
    links = objective_links(objectives, person)
    return [objective_out(o, person, objective_status(o, organisation, today), links[o.pk]) for o in objectives]


def objective_detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    """The one lookup (404 when invisible), then the objective as the API shows it."""
    objective, _can_edit = access.objective_for(caller(request), pk)
    return objectives_out(request, [objective])[0]


# --- objectives ---------------------------------------------------------------------------------------


@router.get("/objectives", response={200: ObjectivePage, **ERRORS}, summary="List objectives")
def objectives_list(request: HttpRequest, filters: Query[ObjectiveFilters], paging: Query[PageQuery]) -> dict[str, Any]:
    """Objectives the caller may see, in a constant number of queries whatever the size of the company.

    The filter and the sort run on primary keys only; the page's rows are then loaded with what
    `objective_out` reads (owner, department and team, for the name and `can_edit`)."""
    person = caller(request)
    objectives = objectives_visible(person)
    for field in ("cycle", "owner", "department", "team"):
        value = getattr(filters, field)
        if value is not None:
            objectives = objectives.filter(**{f"{field}_id": value})
    if filters.level is not None:
        objectives = objectives.filter(level=filters.level)
    if filters.status is not None:
        objectives = objectives.filter(status=filters.status)
    if filters.approval is not None:
        objectives = objectives.filter(approval=filters.approval)
    # The team's lead too: a team's draft is seen by the lead's manager (`access.may_see_draft`).
    rows = Objective.objects.select_related("owner", "department", "team", "team__lead")
    items, meta = paginate(objectives.order_by("priority", "id"), paging, rows=rows)
    return {**meta, "items": objectives_out(request, items)}


@router.get("/objectives/{objective_id}", response={200: ObjectiveOut, **ERRORS}, summary="Get an objective")
def objective_get(request: HttpRequest, objective_id: PathId) -> dict[str, Any]:
    return objective_detail(request, objective_id)


@router.post("/objectives", response={201: ObjectiveCreated, **WRITE_ERRORS}, summary="Create an objective")
def objective_create(request: HttpRequest, payload: ObjectiveCreate) -> Status[dict[str, Any]]:
    person = caller(request)
    data = resolve_references(payload.model_dump(), ("cycle", "owner", "department", "team", "strategic_goal"))
    owner: Person | None = data["owner"]
    team: Team | None = data["team"]
    department: Department | None = data["department"]
    if not access.creation_allowed(person, level=data["level"], owner=owner, department=department, team=team):
        raise PermissionDenied(access.creation_refusal(data["level"]))
    objective = services.objective_create(actor=person, **data)
    count = owner_objective_count(owner_id=objective.owner_id, cycle_id=objective.cycle_id)
    warnings = quality.addition_warnings(
        organisation=request_organisation(request), owner_objective_count=count, saved=True
    )
    return Status(201, {**objective_detail(request, objective.pk), "warnings": advice_out(warnings)})


@router.patch("/objectives/{objective_id}", response={200: ObjectiveOut, **WRITE_ERRORS}, summary="Change an objective")
def objective_update(request: HttpRequest, payload: ObjectiveUpdate, objective_id: PathId) -> dict[str, Any]:
    person = caller(request)
    objective, can_edit = access.objective_for(person, objective_id)
    if not can_edit:
        raise refuse_change()
    data = resolve_references(
        payload.model_dump(exclude_unset=True), ("cycle", "owner", "department", "team", "strategic_goal")
    )
    if not access.can_hand_over(
        person,
        objective,
        owner=data.get("owner", objective.owner),
        department=data.get("department", objective.department),
        team=data.get("team", objective.team),
    ):
        raise PermissionDenied(access.PROJECT_REFUSED if objective.level == Level.PROJECT else access.HAND_OVER_REFUSED)
    services.objective_update(actor=person, objective=objective, data=data)
    return objective_detail(request, objective.pk)


@router.delete("/objectives/{objective_id}", response={204: None, **WRITE_ERRORS}, summary="Delete an objective")
def objective_delete(request: HttpRequest, objective_id: PathId) -> Status[None]:
    person = caller(request)
    objective, can_edit = access.objective_for(person, objective_id)
    if not can_edit:
        raise refuse_change()
    services.objective_delete(actor=person, objective=objective)
    return Status(204, None)


@router.put(
    "/objectives/{objective_id}/alignment",
    response={200: ObjectiveOut, **WRITE_ERRORS},
    summary="Set what an objective aligns to (SET-6)",
)
def objective_align(request: HttpRequest, payload: AlignmentIn, objective_id: PathId) -> dict[str, Any]:
    """Replace the objective's parents. A parent the caller cannot see is answered as if it did not exist, and a
    link to one they cannot see stays as it is."""
    person = caller(request)
    objective, can_edit = access.objective_for(person, objective_id)
    if not can_edit:
        raise refuse_change()
    services.alignment_set(
        actor=person,
        objective=objective,
        parent_objective_ids=payload.parent_objective_ids,
        parent_key_result_ids=payload.parent_key_result_ids,
    )
    return objective_detail(request, objective.pk)


# --- the alignment tree -------------------------------------------------------------------------------


def _count(queryset: QuerySet[Any], group: str) -> Coalesce:
    """A correlated COUNT(*) of `queryset` grouped by `group`, 0 when there is none."""
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@router.get(
    "/alignment-tree",
    response={200: TreePage, **ERRORS},
    summary="The alignment tree, one level at a time",
    tags=["alignment tree"],
)
def alignment_tree(request: HttpRequest, query: Query[TreeQuery], paging: Query[PageQuery]) -> dict[str, Any]:
    """The company objectives of a cycle; with `?parent=`, the objectives aligned under that objective.

    Each node carries its progress, confidence, health and how many children and key results it has, so a
    client opens the tree level by level.
    """
    person = caller(request)
    visible = objectives_visible(person)
    cycle_id: int | None = None
    if query.parent is not None:
        parent, _can_edit = access.objective_for(person, query.parent)
        nodes = visible.filter(alignments_up__rollup_parent=parent)
    else:
        if query.cycle is not None:
            cycle_id = query.cycle
        else:
            current = cycle_for_request(None)
            cycle_id = current.pk if current is not None else None
        nodes = visible.filter(level=Level.COMPANY, cycle_id=cycle_id) if cycle_id is not None else visible.none()
    # The counts are computed for the page's rows only.
    rows = Objective.objects.select_related("owner", "department").annotate(
        api_child_count=_count(
            Alignment.objects.filter(visible_through(person, "child"), rollup_parent=OuterRef("pk")), "rollup_parent"
        ),
        api_key_result_count=_count(KeyResult.objects.filter(objective=OuterRef("pk")), "objective"),
    )
    items, meta = paginate(nodes.order_by("priority", "id"), paging, rows=rows)
    organisation, today = request_organisation(request), timezone.localdate()
    statuses = {o.pk: objective_status(o, organisation, today) for o in items}
    return {
        **meta,
        "cycle": cycle_id,
        "items": [
            {
                "id": o.pk,
                "title": o.title,
                "level": o.level,
                "cycle": o.cycle_id,
                "owner": o.owner_id,
                "owner_name": str(o.owner) if o.owner is not None else None,
                "department": o.department_id,
                "department_name": o.department.name if o.department is not None else None,
                "status": o.status,
                "progress": o.progress,
                "confidence": whole_percent(o.confidence),
                "health": statuses[o.pk].health,
                "behind_pace": statuses[o.pk].behind_pace,
                "child_count": o.api_child_count,  # type: ignore[attr-defined]
                "key_result_count": o.api_key_result_count,  # type: ignore[attr-defined]
            }
            for o in items
        ],
    }
