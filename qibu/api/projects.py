"""Projects (PLAY-PROJ): their vision and mission (VIS-3), lead, members from any department, stages (each a
cycle of its own within the project's dates), the stages' objectives and key results with who carries them, and
the project's roll-up.

Permissions are the pages' own (`qibu.projects.access`): everyone signed in reads every project (PUB-2); the lead
and administrators change one (403 for others), administrators and executives start one; an objective's owner
may add key results to it, and a key result's owner says who carries it. Rules are the services'
(`qibu.projects.services`, and okrs' for the objectives and key results): a refusal names the field, nothing
written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from qibu.api.key_results import key_result_detail
from qibu.api.okrs import caller, objective_detail, whole_percent
from qibu.api.pagination import paginate
from qibu.api.schemas import (
    ERRORS,
    WRITE_ERRORS,
    Confidence,
    DecimalOut,
    Id,
    InputSchema,
    KeyResultCreate,
    KeyResultOut,
    ObjectiveOut,
    PageOut,
    PageQuery,
    PathId,
    QuerySchema,
    Title,
    WeightIn,
)
from qibu.core.validation import NAME_MAX, NOTE_MAX, SHORT_NAME_MAX, STATEMENT_MAX, TEXT_MAX
from qibu.okrs.models import Commitment, Priority
from qibu.okrs.progress import Health
from qibu.okrs.services import key_result_contributors_set
from qibu.org.middleware import request_organisation
from qibu.org.models import Person
from qibu.projects import access, selectors, services
from qibu.projects.models import Project, ProjectMember, ProjectStatus, Stage

router = Router(tags=["projects"])


# --- shapes ---------------------------------------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    person: int
    person_name: str
    department: int | None
    department_name: str | None
    role: str
    note: str
    is_lead: bool


class StageOut(Schema):
    id: int
    name: str
    position: int
    cycle: int = Field(description="The stage's own cycle (kind project_stage), which holds its objectives.")
    start: dt.date
    end: dt.date
    closed: bool


class ProjectOut(Schema):
    id: int
    name: str
    vision: str = Field(description="VIS-3: what the project wants the future to look like.")
    mission: str = Field(description="VIS-3: what the project is for.")
    description: str
    lead: int
    lead_name: str
    start: dt.date
    end: dt.date
    status: ProjectStatus
    members: list[MemberOut]
    stages: list[StageOut]
    can_change: bool = Field(description="Whether the caller runs the project (its lead, administrators).")
    created_at: dt.datetime
    updated_at: dt.datetime


class ProjectSummaryOut(Schema):
    id: int
    name: str
    lead: int
    lead_name: str
    start: dt.date
    end: dt.date
    status: ProjectStatus
    member_count: int
    stage_count: int
    progress: DecimalOut | None = Field(description="The mean of its stages' progress; null without objectives.")
    is_member: bool


class ProjectPage(PageOut):
    items: list[ProjectSummaryOut]


class ProjectFilters(QuerySchema):
    q: str | None = Field(None, max_length=100, description="Part of the name, its pinyin or initials.")
    mine: bool = Field(False, description="Only the projects the caller is a member of.")


class ProjectCreate(InputSchema):
    name: str = Field(max_length=NAME_MAX, json_schema_extra={"minLength": 1})
    lead: Id = Field(description="Who runs the project; they become its first member.")
    start: dt.date
    end: dt.date
    vision: str = Field("", max_length=STATEMENT_MAX)
    mission: str = Field("", max_length=STATEMENT_MAX)
    description: str = Field("", max_length=TEXT_MAX)


class ProjectUpdate(InputSchema):
    """Only the fields sent change. `status: closed` closes the project with its stages; `active` reopens it."""

    name: str | None = Field(None, max_length=NAME_MAX, json_schema_extra={"minLength": 1})
    lead: Id | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    vision: str | None = Field(None, max_length=STATEMENT_MAX)
    mission: str | None = Field(None, max_length=STATEMENT_MAX)
    description: str | None = Field(None, max_length=TEXT_MAX)
    status: ProjectStatus | None = None


class MemberCreate(InputSchema):
    person: Id
    role: str = Field("", max_length=SHORT_NAME_MAX, description="Their role in the project.")
    note: str = Field("", max_length=NOTE_MAX)


class MemberUpdate(InputSchema):
    role: str | None = Field(None, max_length=SHORT_NAME_MAX)
    note: str | None = Field(None, max_length=NOTE_MAX)


class StageCreate(InputSchema):
    name: str = Field(max_length=SHORT_NAME_MAX, json_schema_extra={"minLength": 1})
    start: dt.date = Field(description="Within the project's dates.")
    end: dt.date = Field(description="Within the project's dates, not before the start.")


class StageUpdate(InputSchema):
    name: str | None = Field(None, max_length=SHORT_NAME_MAX, json_schema_extra={"minLength": 1})
    start: dt.date | None = None
    end: dt.date | None = None
    position: int | None = Field(None, ge=0, le=10_000)


class StageObjectiveCreate(InputSchema):
    """A stage objective: owned by a member, aligned (SET-6) to department or company objectives of open cycles."""

    title: Title
    owner: Id = Field(description="A member of the project.")
    description: str = Field("", max_length=TEXT_MAX)
    priority: Priority | None = None
    weight: WeightIn | None = Field(None, description="0.01 to 1000 (MEAS-4); 1 when left out.")
    commitment: Commitment | None = None
    start_date: dt.date | None = Field(None, description="The stage's start when left out.")
    end_date: dt.date | None = Field(None, description="The stage's end when left out.")
    parent_objective_ids: list[Id] = Field(default_factory=list)
    parent_key_result_ids: list[Id] = Field(default_factory=list)


class ProjectKeyResultCreate(KeyResultCreate):
    """A key result of a stage objective, owned by a member (the objective's owner when left out)."""

    contributors: list[Id] = Field(default_factory=list, description="The members who carry it with its owner.")


class CarriersIn(InputSchema):
    contributors: list[Id] = Field(description="The members who carry the key result with its owner (all of them).")


class CarriersOut(Schema):
    key_result: int
    contributors: list[int]


class RollupKeyResultOut(Schema):
    id: int
    title: str
    owner: int | None
    owner_name: str | None
    contributors: list[int] = Field(description="The members who carry it with its owner.")
    progress: DecimalOut
    progress_raw: DecimalOut
    confidence: Confidence
    health: Health


class RollupParentOut(Schema):
    objective: int
    title: str
    key_result: int | None = Field(description="The key result of it the stage objective aligns to, if any.")
    cycle: int


class RollupObjectiveOut(Schema):
    id: int
    title: str
    owner: int | None
    owner_name: str | None
    progress: DecimalOut
    confidence: Confidence | None
    health: Health
    behind_pace: bool
    aligned_to: list[RollupParentOut]
    key_results: list[RollupKeyResultOut]


class RollupStageOut(Schema):
    id: int
    name: str
    start: dt.date
    end: dt.date
    state: str = Field(description="past, current or upcoming.")
    progress: DecimalOut | None = Field(description="The weighted mean of its objectives' (MEAS-4).")
    confidence: Confidence | None
    objectives: list[RollupObjectiveOut]


class ProjectRollupOut(Schema):
    id: int
    progress: DecimalOut | None = Field(description="The mean of its stages' that have objectives.")
    confidence: Confidence | None
    current_stage: int | None
    stages: list[RollupStageOut]


# --- output ---------------------------------------------------------------------------------------------------


def _member_out(member: ProjectMember, project: Project) -> dict[str, Any]:
    department = member.person.department
    return {
        "id": member.pk,
        "person": member.person_id,
        "person_name": str(member.person),
        "department": department.pk if department is not None else None,
        "department_name": department.name if department is not None else None,
        "role": member.role,
        "note": member.note,
        "is_lead": member.person_id == project.lead_id,
    }


def _stage_out(stage: Stage) -> dict[str, Any]:
    return {
        "id": stage.pk,
        "name": stage.name,
        "position": stage.position,
        "cycle": stage.cycle_id,
        "start": stage.cycle.start,
        "end": stage.cycle.end,
        "closed": stage.cycle.is_closed,
    }


def _project_out(project: Project, can_change: bool) -> dict[str, Any]:
    return {
        "id": project.pk,
        "name": project.name,
        "vision": project.vision,
        "mission": project.mission,
        "description": project.description,
        "lead": project.lead_id,
        "lead_name": str(project.lead),
        "start": project.start,
        "end": project.end,
        "status": project.status,
        "members": [_member_out(m, project) for m in selectors.project_members(project)],
        "stages": [_stage_out(s) for s in selectors.project_stages(project)],
        "can_change": can_change,
        "created_at": project.created_at,
        "updated_at": project.updated_at,
    }


def _detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    project, can_change = access.project_for(caller(request), pk)
    return _project_out(project, can_change)


def _managed(request: HttpRequest, pk: int) -> tuple[Person, Project]:
    person = caller(request)
    project, can_change = access.project_for(person, pk)
    if not can_change:
        raise PermissionDenied(access.CHANGE_REFUSED)
    return person, project


def _person(pk: int | None, field: str) -> Person | None:
    if pk is None:
        return None
    found = Person.objects.select_related("department").filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [_("There is no person #%(id)s.") % {"id": pk}]})
    return found


def _people(ids: list[int]) -> list[Person]:
    """The people of these ids; one ValidationError names every unknown one."""
    found = {p.pk: p for p in Person.objects.filter(pk__in=ids)}
    missing = sorted(set(ids) - found.keys())
    if missing:
        raise ValidationError({"contributors": [_("There is no person #%(id)s.") % {"id": pk} for pk in missing]})
    return list(found.values())


# --- projects -------------------------------------------------------------------------------------------------


@router.get("/projects", response={200: ProjectPage, **ERRORS}, summary="List projects")
def projects_list(request: HttpRequest, filters: Query[ProjectFilters], paging: Query[PageQuery]) -> dict[str, Any]:
    """Every project (PUB-2), the caller's first, active before closed, newest first."""
    person = caller(request)
    theirs = set(ProjectMember.objects.filter(person=person).values_list("project_id", flat=True))
    projects = selectors.projects_matching(filters.q or "")
    if filters.mine:
        projects = projects.filter(pk__in=theirs)
    items, meta = paginate(projects, paging)
    progress = selectors.project_progress(items, person) if items else {}
    return {
        **meta,
        "items": [
            {
                "id": p.pk,
                "name": p.name,
                "lead": p.lead_id,
                "lead_name": str(p.lead),
                "start": p.start,
                "end": p.end,
                "status": p.status,
                "member_count": getattr(p, "member_count", 0),
                "stage_count": getattr(p, "stage_count", 0),
                "progress": progress.get(p.pk),
                "is_member": p.pk in theirs,
            }
            for p in items
        ],
    }


@router.post("/projects", response={201: ProjectOut, **WRITE_ERRORS}, summary="Start a project")
def project_create(request: HttpRequest, payload: ProjectCreate) -> Status[dict[str, Any]]:
    """Administrators and executives start projects (403 for others) and name their lead."""
    person = caller(request)
    if not access.can_create_project(person):
        raise PermissionDenied(access.CREATE_REFUSED)
    data = payload.model_dump()
    data["lead"] = _person(data["lead"], "lead")
    project = services.project_create(actor=person, **data)
    return Status(201, _detail(request, project.pk))


@router.get("/projects/{project_id}", response={200: ProjectOut, **ERRORS}, summary="A project")
def project_get(request: HttpRequest, project_id: PathId) -> dict[str, Any]:
    return _detail(request, project_id)


@router.patch("/projects/{project_id}", response={200: ProjectOut, **WRITE_ERRORS}, summary="Change a project")
def project_update(request: HttpRequest, payload: ProjectUpdate, project_id: PathId) -> dict[str, Any]:
    person, project = _managed(request, project_id)
    data = payload.model_dump(exclude_unset=True)
    status = data.pop("status", None)
    if "lead" in data:
        data["lead"] = _person(data["lead"], "lead")
    # One change, all or nothing: reopened to be changed, or changed then closed.
    with transaction.atomic():
        if status == ProjectStatus.ACTIVE:
            services.project_close(actor=person, project=project, closed=False)
        if data:
            services.project_update(actor=person, project=project, data=data)
        if status == ProjectStatus.CLOSED:
            services.project_close(actor=person, project=project, closed=True)
    return _detail(request, project.pk)


@router.get("/projects/{project_id}/rollup", response={200: ProjectRollupOut, **ERRORS}, summary="A project's roll-up")
def project_rollup(request: HttpRequest, project_id: PathId) -> dict[str, Any]:
    """The stages with their objectives and key results, owners, carriers, progress and confidence rolled up, and
    what each objective aligns to (PLAY-PROJ 步骤六): what the project's page shows, as the caller may see it."""
    person = caller(request)
    project, can_change = access.project_for(person, project_id)
    page = selectors.project_page(
        project=project, viewer=person, organisation=request_organisation(request), can_manage=can_change
    )
    return {
        "id": project.pk,
        "progress": page.progress,
        "confidence": whole_percent(page.confidence),
        "current_stage": page.current.stage.pk if page.current is not None else None,
        "stages": [_rollup_stage(view) for view in page.stages],
    }


def _rollup_stage(view: selectors.StageView) -> dict[str, Any]:
    return {
        "id": view.stage.pk,
        "name": view.stage.name,
        "start": view.cycle.start,
        "end": view.cycle.end,
        "state": view.state,
        "progress": view.progress,
        "confidence": whole_percent(view.confidence),
        "objectives": [_rollup_objective(row) for row in view.objectives],
    }


def _rollup_objective(row: selectors.StageObjective) -> dict[str, Any]:
    objective = row.card.objective
    return {
        "id": objective.pk,
        "title": objective.title,
        "owner": objective.owner_id,
        "owner_name": str(objective.owner) if objective.owner is not None else None,
        "progress": objective.progress,
        "confidence": whole_percent(objective.confidence),
        "health": row.card.status.health,
        "behind_pace": row.card.status.behind_pace,
        "aligned_to": [
            {
                "objective": link.objective.pk,
                "title": link.objective.title,
                "key_result": link.key_result_id,
                "cycle": link.objective.cycle_id,
            }
            for link in row.parents
        ],
        "key_results": [
            {
                "id": kr.card.key_result.pk,
                "title": kr.card.key_result.title,
                "owner": kr.card.key_result.owner_id,
                "owner_name": kr.card.owner_name or None,
                "contributors": sorted(kr.carrier_ids),
                "progress": kr.card.key_result.progress,
                "progress_raw": kr.card.key_result.progress_raw,
                "confidence": kr.card.key_result.confidence,
                "health": kr.card.status.health,
            }
            for kr in row.key_results
        ],
    }


# --- members --------------------------------------------------------------------------------------------------


@router.post(
    "/projects/{project_id}/members", response={201: MemberOut, **WRITE_ERRORS}, summary="Add a member to a project"
)
def member_add(request: HttpRequest, payload: MemberCreate, project_id: PathId) -> Status[dict[str, Any]]:
    """Someone from any department; `422` naming `person` for someone already on it or deactivated."""
    person, project = _managed(request, project_id)
    member = services.member_add(
        actor=person, project=project, person=_person(payload.person, "person"), role=payload.role, note=payload.note
    )
    return Status(201, _member_out(access.member_for(project, member.pk), project))


@router.patch(
    "/projects/{project_id}/members/{member_id}",
    response={200: MemberOut, **WRITE_ERRORS},
    summary="Change a member's role",
)
def member_update(request: HttpRequest, payload: MemberUpdate, project_id: PathId, member_id: PathId) -> dict[str, Any]:
    person, project = _managed(request, project_id)
    member = access.member_for(project, member_id)
    member.project = project
    services.member_update(actor=person, member=member, data=payload.model_dump(exclude_unset=True))
    return _member_out(member, project)


@router.delete(
    "/projects/{project_id}/members/{member_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove a member from a project",
)
def member_remove(request: HttpRequest, project_id: PathId, member_id: PathId) -> Status[None]:
    """Refused (`422`) for the lead and for a member who still owns or carries some of the project's objectives
    and key results."""
    person, project = _managed(request, project_id)
    member = access.member_for(project, member_id)
    member.project = project
    services.member_remove(actor=person, member=member)
    return Status(204, None)


# --- stages ---------------------------------------------------------------------------------------------------


@router.post("/projects/{project_id}/stages", response={201: StageOut, **WRITE_ERRORS}, summary="Add a stage")
def stage_add(request: HttpRequest, payload: StageCreate, project_id: PathId) -> Status[dict[str, Any]]:
    """A stage with its own cycle; `422` naming `start` or `end` for dates outside the project or reversed."""
    person, project = _managed(request, project_id)
    stage = services.stage_add(actor=person, project=project, name=payload.name, start=payload.start, end=payload.end)
    return Status(201, _stage_out(stage))


@router.patch(
    "/projects/{project_id}/stages/{stage_id}", response={200: StageOut, **WRITE_ERRORS}, summary="Change a stage"
)
def stage_update(request: HttpRequest, payload: StageUpdate, project_id: PathId, stage_id: PathId) -> dict[str, Any]:
    person, project = _managed(request, project_id)
    stage = access.stage_for(project, stage_id)
    stage.project = project
    services.stage_update(actor=person, stage=stage, data=payload.model_dump(exclude_unset=True))
    return _stage_out(access.stage_for(project, stage_id))


@router.delete(
    "/projects/{project_id}/stages/{stage_id}", response={204: None, **WRITE_ERRORS}, summary="Delete a stage"
)
def stage_delete(request: HttpRequest, project_id: PathId, stage_id: PathId) -> Status[None]:
    """With its cycle; refused (`422`) while the stage has objectives."""
    person, project = _managed(request, project_id)
    stage = access.stage_for(project, stage_id)
    stage.project = project
    services.stage_delete(actor=person, stage=stage)
    return Status(204, None)


# --- the stages' objectives and key results ---------------------------------------------------------------------


@router.post(
    "/projects/{project_id}/stages/{stage_id}/objectives",
    response={201: ObjectiveOut, **WRITE_ERRORS},
    summary="Set an objective of a stage",
)
def stage_objective_add(
    request: HttpRequest, payload: StageObjectiveCreate, project_id: PathId, stage_id: PathId
) -> Status[dict[str, Any]]:
    """`422` naming `owner` for someone who is not a member, and `parent_objective_ids` (or
    `parent_key_result_ids`) for a parent of a closed cycle."""
    person, project = _managed(request, project_id)
    stage = access.stage_for(project, stage_id)
    stage.project = project
    data = payload.model_dump()
    data["owner"] = _person(data["owner"], "owner")
    objective = services.stage_objective_create(actor=person, stage=stage, **data)
    return Status(201, objective_detail(request, objective.pk))


@router.post(
    "/projects/{project_id}/key-results",
    response={201: KeyResultOut, **WRITE_ERRORS},
    summary="Add a key result to a stage objective",
)
def project_kr_create(
    request: HttpRequest, payload: ProjectKeyResultCreate, project_id: PathId
) -> Status[dict[str, Any]]:
    """The lead, administrators and the objective's owner; `422` naming `owner` or `contributors` for someone
    who is not a member."""
    person = caller(request)
    project, _can_change = access.project_for(person, project_id)
    objective, _stage, editable = access.stage_objective_for(person, project, payload.objective)
    if not editable or project.is_closed:
        raise PermissionDenied(access.CHANGE_REFUSED)
    data = payload.model_dump(exclude_unset=True, exclude={"objective", "contributors"})
    if "owner" in data:
        data["owner"] = _person(data["owner"], "owner")
    carriers = _people(payload.contributors)
    key_result = services.project_key_result_create(actor=person, objective=objective, carriers=carriers, **data)
    return Status(201, key_result_detail(request, key_result.pk))


@router.put(
    "/projects/{project_id}/key-results/{key_result_id}/carriers",
    response={200: CarriersOut, **WRITE_ERRORS},
    summary="Say who carries a key result",
)
def carriers_set(
    request: HttpRequest, payload: CarriersIn, project_id: PathId, key_result_id: PathId
) -> dict[str, Any]:
    """PLAY-PROJ 步骤五: the members who carry it with its owner. The lead, administrators, the objective's owner and
    the key result's owner; `422` naming `contributors` for someone who is not a member."""
    person = caller(request)
    project, _can_change = access.project_for(person, project_id)
    key_result, _objective, _stage, editable = access.project_key_result_for(person, project, key_result_id)
    if project.is_closed or not access.can_set_carriers(person, key_result, editable=editable):
        raise PermissionDenied(access.CARRIERS_REFUSED)
    people = key_result_contributors_set(actor=person, key_result=key_result, people=_people(payload.contributors))
    return {"key_result": key_result.pk, "contributors": people}
