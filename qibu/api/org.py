"""The caller, people, departments and teams: readable by anyone signed in (PUB-2, the company is transparent)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from qibu.api.pagination import paginate
from qibu.api.schemas import (
    ERRORS,
    WRITE_ERRORS,
    DecimalIn,
    DecimalOut,
    DepartmentFilters,
    DepartmentOut,
    DepartmentPage,
    Id,
    InputSchema,
    MeOut,
    PageQuery,
    PathId,
    PersonFilters,
    PersonOut,
    PersonPage,
    StrategicGoalOut,
    TeamFilters,
    TeamPage,
)
from qibu.org.middleware import request_organisation
from qibu.org.models import Department, Organisation, Person, StrategicGoal, Team
from qibu.org.selectors import department_list, organisation_get, person_list, team_list
from qibu.org.services import organisation_set_late_updaters, organisation_update

router = Router()


def person_out(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "username": person.username,
        "full_name": person.full_name,
        "job_title": person.job_title,
        "email": person.email,
        "role": person.role,
        "department": person.department_id,
        "team": person.team_id,
        "manager": person.manager_id,
    }


def department_out(department: Department) -> dict[str, Any]:
    return {
        "id": department.pk,
        "name": department.name,
        "parent": department.parent_id,
        "head": department.head_id,
        "path": department.path,
        "depth": department.depth,
    }


def team_out(team: Team) -> dict[str, Any]:
    return {"id": team.pk, "name": team.name, "department": team.department_id, "lead": team.lead_id}


@router.get(
    "/me", response={200: MeOut, **ERRORS}, summary="The caller: who the token or session belongs to", tags=["me"]
)
def me_get(request: HttpRequest) -> dict[str, Any]:
    """The caller's own person, with their language and organisation: where a client starts."""
    person: Person = request.auth  # type: ignore[attr-defined]
    organisation = request_organisation(request)
    return {
        **person_out(person),
        "language": person.language or None,
        "organisation": {
            "id": organisation.pk,
            "name": organisation.name,
            "default_language": organisation.default_language,
        },
    }


@router.get("/people", response={200: PersonPage, **ERRORS}, summary="List people", tags=["people"])
def people_list(request: HttpRequest, filters: Query[PersonFilters], paging: Query[PageQuery]) -> dict[str, Any]:
    people = person_list().order_by("full_name", "username", "id")
    if filters.department is not None:
        people = people.filter(department_id=filters.department)
    if filters.team is not None:
        people = people.filter(team_id=filters.team)
    if filters.manager is not None:
        people = people.filter(manager_id=filters.manager)
    items, meta = paginate(people, paging)
    return {**meta, "items": [person_out(p) for p in items]}


@router.get("/people/{person_id}", response={200: PersonOut, **ERRORS}, summary="Get a person", tags=["people"])
def person_get(request: HttpRequest, person_id: PathId) -> dict[str, Any]:
    person = person_list().filter(pk=person_id).first()
    if person is None:
        raise Http404
    return person_out(person)


@router.get("/departments", response={200: DepartmentPage, **ERRORS}, summary="List departments", tags=["departments"])
def departments_list(
    request: HttpRequest, filters: Query[DepartmentFilters], paging: Query[PageQuery]
) -> dict[str, Any]:
    departments = department_list().order_by("path", "position", "name", "id")
    if filters.parent is not None:
        departments = departments.filter(parent_id=filters.parent)
    items, meta = paginate(departments, paging)
    return {**meta, "items": [department_out(d) for d in items]}


@router.get(
    "/departments/{department_id}",
    response={200: DepartmentOut, **ERRORS},
    summary="Get a department",
    tags=["departments"],
)
def department_get(request: HttpRequest, department_id: PathId) -> dict[str, Any]:
    department = department_list().filter(pk=department_id).first()
    if department is None:
        raise Http404
    return department_out(department)


@router.get("/teams", response={200: TeamPage, **ERRORS}, summary="List teams", tags=["teams"])
def teams_list(request: HttpRequest, filters: Query[TeamFilters], paging: Query[PageQuery]) -> dict[str, Any]:
    teams = team_list().order_by("department_id", "name", "id")
    if filters.department is not None:
        teams = teams.filter(department_id=filters.department)
    items, meta = paginate(teams, paging)
    return {**meta, "items": [team_out(t) for t in items]}


@router.get(
    "/strategic-goals",
    response={200: list[StrategicGoalOut], **ERRORS},
    summary="The strategic goals, in order (VIS-2)",
    tags=["strategy"],
)
def strategic_goals_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Every strategic goal, first first: what a company objective's `strategic_goal` names. Executives keep them
    on the strategy page; they are few, so the list is not paged."""
    goals = StrategicGoal.objects.order_by("position", "id")
    return [
        {"id": goal.pk, "title": goal.title, "description": goal.description, "place": i + 1}
        for i, goal in enumerate(goals)
    ]


# --- the method policy ------------------------------------------------------------------------------


class PolicyOut(Schema):
    """The organisation's method policy (the settings page's numbers); each departs from the method when it is not
    its default (`departures`)."""

    max_objectives_per_owner: int = Field(description="SET-3: objectives per owner per cycle.")
    min_key_results: int = Field(description="SET-4: fewest key results per objective.")
    max_key_results: int = Field(description="SET-4: most key results per objective.")
    confidence_fall_threshold: int = Field(description="EXE-4: a fall of this many points needs a reason.")
    bottom_up_target: int = Field(description="SET-7: share of OKRs written by employees (%).")
    checkin_cadence_days: int = Field(description="MEAS-8: days after which a key result is not updated.")
    on_track_confidence: int = Field(description="MEAS-6: on track from this confidence (%).")
    at_risk_confidence: int = Field(description="MEAS-6: at risk from this confidence (%).")
    behind_pace_points: int = Field(description="MEAS-6: behind pace after this many points.")
    blocker_department_after_days: int = Field(
        description="EXE-2: an open blocker goes to the department weekly meeting after this many days."
    )
    blocker_management_after_days: int = Field(
        description="EXE-2: then to the management weekly meeting after this many days (from when it was raised)."
    )
    self_assessment_every_months: int = Field(description="SELF-1: self-assessment every 3 (quarterly) or 1 month.")
    update_every_months: int = Field(description="UPD-1: the update every 3 (quarterly) or 1 month.")
    set_lead_days: int = Field(description="PLAY-EXEC: setting starts this many days before the cycle.")
    publish_within_days: int = Field(description="PLAY-EXEC: the OKRs are published within the cycle's first days.")
    self_assessment_days: int = Field(description="SELF-1: self-assessment in the cycle's last days.")
    reflection_days: int = Field(description="REF-1: reflection within the days after the cycle.")
    update_days: int = Field(description="UPD-1: the update in the next cycle's first days.")
    celebration_days: int = Field(description="CEL-1: the celebration within the days after the cycle.")
    reward_rich_from: DecimalOut = Field(description="CEL-3: a rich celebration from this score (0.0–1.0).")
    reward_standard_from: DecimalOut = Field(description="CEL-3: a standard one from this score; below, a simple one.")
    late_updaters: list[int] = Field(description="UPD-5: the people who may still update a closed cycle (late).")
    departures: list[str] = Field(description="The fields set away from the method's default.")


class PolicyUpdate(InputSchema):
    """Only the fields sent change; the ranges are the settings page's (422 naming the field, nothing written)."""

    max_objectives_per_owner: int | None = Field(None, ge=0, le=1000)
    min_key_results: int | None = Field(None, ge=0, le=1000)
    max_key_results: int | None = Field(None, ge=0, le=1000)
    confidence_fall_threshold: int | None = Field(None, ge=0, le=1000)
    bottom_up_target: int | None = Field(None, ge=0, le=1000)
    checkin_cadence_days: int | None = Field(None, ge=0, le=1000)
    on_track_confidence: int | None = Field(None, ge=0, le=1000)
    at_risk_confidence: int | None = Field(None, ge=0, le=1000)
    behind_pace_points: int | None = Field(None, ge=0, le=1000)
    blocker_department_after_days: int | None = Field(None, ge=0, le=1000)
    blocker_management_after_days: int | None = Field(None, ge=0, le=1000)
    self_assessment_every_months: int | None = Field(None, ge=0, le=1000)
    update_every_months: int | None = Field(None, ge=0, le=1000)
    set_lead_days: int | None = Field(None, ge=0, le=1000)
    publish_within_days: int | None = Field(None, ge=0, le=1000)
    self_assessment_days: int | None = Field(None, ge=0, le=1000)
    reflection_days: int | None = Field(None, ge=0, le=1000)
    update_days: int | None = Field(None, ge=0, le=1000)
    celebration_days: int | None = Field(None, ge=0, le=1000)
    reward_rich_from: DecimalIn | None = None
    reward_standard_from: DecimalIn | None = None
    late_updaters: list[Id] | None = Field(None, max_length=1000, description="UPD-5: ids of active people.")


def _policy_out(organisation: Organisation) -> dict[str, Any]:
    return {
        **{
            name: getattr(organisation, name)
            for name in (*Organisation.POLICY_FIELDS, *Organisation.SCORE_POLICY_FIELDS)
        },
        "late_updaters": sorted(organisation.late_updaters.values_list("pk", flat=True)),
        "departures": organisation.departures_from_method(),
    }


@router.get(
    "/organisation/policy",
    response={200: PolicyOut, **ERRORS},
    summary="The method policy",
    tags=["organisation"],
)
def policy_get(request: HttpRequest) -> dict[str, Any]:
    return _policy_out(request_organisation(request))


@router.patch(
    "/organisation/policy",
    response={200: PolicyOut, **WRITE_ERRORS},
    summary="Change the method policy",
    tags=["organisation"],
)
def policy_update(request: HttpRequest, payload: PolicyUpdate) -> dict[str, Any]:
    """Administrators only (403 for everyone else); kept in the organisation's history."""
    person: Person = request.auth  # type: ignore[attr-defined]
    if not person.is_admin:
        raise PermissionDenied(_("Only administrators change the organisation's policy."))
    data = payload.model_dump(exclude_unset=True)
    late = data.pop("late_updaters", None)
    with transaction.atomic():
        organisation = organisation_update(actor=person, organisation=organisation_get(), data=data)
        if late is not None:
            organisation_set_late_updaters(actor=person, organisation=organisation, people=late)
    return _policy_out(organisation)
