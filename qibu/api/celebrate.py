"""Celebration (CEL-1 … CEL-5): celebrations planned per level (a team's by its lead or the department's heads, a
department's by its heads, the management's by the executives) and held; the reward tier the results suggest (the
policy's thresholds) and another chosen with a reason; recognition from anyone to anyone for a key result, public or
private (then only the giver, the receiver and the receiver's managers see it: 404 for others); incentives, recorded
and seen only by the person's managers and administrators (403 for anyone else); lessons learned per cycle; the
company's values. Bad input is 422 naming the field, nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from qibu.api.okrs import caller
from qibu.api.schemas import ERRORS, WRITE_ERRORS, DecimalOut, Id, InputSchema, PathId, QuerySchema
from qibu.celebrate import access, selectors, services
from qibu.celebrate.models import (
    Celebration,
    CelebrationForm,
    CelebrationLevel,
    CelebrationState,
    CompanyValue,
    IncentiveKind,
    RewardTier,
)
from qibu.core.validation import NOTE_MAX
from qibu.cycles.models import Cycle
from qibu.okrs.models import KeyResult
from qibu.org.models import Department, Person, Team
from qibu.org.selectors import organisation_get

router = Router(tags=["celebrate"])


class TierOut(Schema):
    score: DecimalOut | None = Field(description="CEL-3: the average score of the level's objectives in the cycle.")
    suggested: RewardTier
    rich_from: DecimalOut
    standard_from: DecimalOut


class CelebrationOut(Schema):
    id: int
    level: CelebrationLevel
    department: int | None
    team: int | None
    cycle: int
    at: dt.datetime
    schedule: int | None = Field(description="The rhythm's celebration schedule whose reminders apply.")
    state: CelebrationState
    forms: list[CelebrationForm]
    form_other: str
    tier: RewardTier
    tier_reason: str
    notes: str
    held_at: dt.datetime | None
    results: TierOut


class RecognitionOut(Schema):
    id: int
    giver: int
    giver_name: str
    receiver: int
    receiver_name: str
    key_result: int
    key_result_title: str
    value: str
    message: str
    public: bool
    created_at: dt.datetime


class CelebrationDetailOut(CelebrationOut):
    recognitions: list[RecognitionOut] = Field(description="CEL-4: received by the group since its last celebration.")


class CelebrationIn(InputSchema):
    level: CelebrationLevel
    team: Id | None = None
    department: Id | None = None
    cycle: Id
    at: dt.datetime
    forms: list[CelebrationForm] = Field(default_factory=list, max_length=5)
    form_other: str = Field("", max_length=services.FORM_OTHER_MAX)
    tier: RewardTier | None = Field(None, description="Left out: the tier the results suggest.")
    tier_reason: str = Field("", max_length=NOTE_MAX, description="Needed when the tier is not the suggested one.")
    notes: str = Field("", max_length=NOTE_MAX)


class CelebrationHoldIn(InputSchema):
    notes: str = Field(max_length=NOTE_MAX, description="What was celebrated.")
    forms: list[CelebrationForm] | None = Field(None, max_length=5)
    form_other: str | None = Field(None, max_length=services.FORM_OTHER_MAX)
    tier: RewardTier | None = None
    tier_reason: str | None = Field(None, max_length=NOTE_MAX)


class CycleQuery(QuerySchema):
    cycle: Id | None = None


class RecognitionIn(InputSchema):
    receiver: Id
    key_result: Id
    message: str = Field(max_length=NOTE_MAX)
    value: Id | None = None
    public: bool = True


class IncentiveOut(Schema):
    id: int
    person: int
    person_name: str
    cycle: int
    kind: IncentiveKind
    description: str
    recorded_by: str
    created_at: dt.datetime


class IncentiveIn(InputSchema):
    person: Id
    cycle: Id
    kind: IncentiveKind
    description: str = Field(max_length=NOTE_MAX)


class LessonOut(Schema):
    id: int
    cycle: int
    department: int | None = Field(description="None: the company's.")
    text: str
    recorded_by: str
    created_at: dt.datetime


class LessonIn(InputSchema):
    cycle: Id
    department: Id | None = Field(None, description="Left out: the company's lesson (executives).")
    text: str = Field(max_length=NOTE_MAX)


class ValueOut(Schema):
    id: int
    name: str
    description: str


def _celebration(c: Celebration) -> dict[str, Any]:
    organisation = organisation_get()
    return {
        "id": c.pk,
        "level": c.level,
        "department": c.department_id,
        "team": c.team_id,
        "cycle": c.cycle_id,
        "at": c.at,
        "schedule": c.schedule_id,
        "state": c.state,
        "forms": c.forms,
        "form_other": c.form_other,
        "tier": c.tier,
        "tier_reason": c.tier_reason,
        "notes": c.notes,
        "held_at": c.held_at,
        "results": {
            "score": c.score,
            "suggested": c.suggested_tier,
            "rich_from": organisation.reward_rich_from,
            "standard_from": organisation.reward_standard_from,
        },
    }


def _recognition(r: selectors.RecognitionRow) -> dict[str, Any]:
    return {
        "id": r.id,
        "giver": r.giver_id,
        "giver_name": r.giver,
        "receiver": r.receiver_id,
        "receiver_name": r.receiver,
        "key_result": r.key_result_id,
        "key_result_title": r.key_result,
        "value": r.value,
        "message": r.message,
        "public": r.public,
        "created_at": r.created_at,
    }


def _cycle(pk: int | None) -> Cycle | None:
    return Cycle.objects.filter(pk=pk).first() if pk else None


@router.get("/celebrations", response={200: list[CelebrationOut], **ERRORS}, summary="Celebrations")
def celebration_list(request: HttpRequest, filters: Query[CycleQuery]) -> list[dict[str, Any]]:
    """CEL-1: every celebration (of a cycle), newest first; seen by everyone."""
    caller(request)
    ids = [r.id for r in selectors.celebration_rows(cycle=_cycle(filters.cycle))]
    found = {c.pk: c for c in Celebration.objects.filter(pk__in=ids)}
    return [_celebration(found[pk]) for pk in ids]


@router.post("/celebrations", response={201: CelebrationOut, **WRITE_ERRORS}, summary="Plan a celebration")
def celebration_plan(request: HttpRequest, payload: CelebrationIn) -> tuple[int, dict[str, Any]]:
    """CEL-1 … CEL-3. A team's needs `team`, a department's `department`; the management's neither."""
    person = caller(request)
    team = Team.objects.select_related("department").filter(pk=payload.team).first() if payload.team else None
    department = Department.objects.filter(pk=payload.department).first() if payload.department else None
    group_given = payload.level == CelebrationLevel.MANAGEMENT or (
        team if payload.level == CelebrationLevel.TEAM else department
    )
    if group_given and not access.can_plan(
        person,
        level=payload.level,
        department=team.department if team is not None and payload.level == CelebrationLevel.TEAM else department,
        team=team if payload.level == CelebrationLevel.TEAM else None,
    ):
        raise PermissionDenied(access.PLAN_REFUSED)
    celebration = services.celebration_plan(
        actor=person,
        level=payload.level,
        cycle=_cycle(payload.cycle),
        at=payload.at,
        department=department,
        team=team,
        forms=payload.forms,
        form_other=payload.form_other,
        tier=payload.tier or "",
        tier_reason=payload.tier_reason,
        notes=payload.notes,
    )
    return 201, _celebration(celebration)


@router.get("/celebrations/{celebration_id}", response={200: CelebrationDetailOut, **ERRORS}, summary="A celebration")
def celebration_get(request: HttpRequest, celebration_id: PathId) -> dict[str, Any]:
    viewer = caller(request)
    celebration, _may = access.celebration_for(viewer, celebration_id)
    gathered = selectors.gathered_recognitions(viewer=viewer, celebration=celebration)
    return {**_celebration(celebration), "recognitions": [_recognition(r) for r in gathered]}


@router.post(
    "/celebrations/{celebration_id}/hold",
    response={200: CelebrationOut, **WRITE_ERRORS},
    summary="Hold a celebration",
)
def celebration_hold(request: HttpRequest, payload: CelebrationHoldIn, celebration_id: PathId) -> dict[str, Any]:
    """What was celebrated (required); the forms and the tier as they were."""
    viewer = caller(request)
    celebration, may = access.celebration_for(viewer, celebration_id)
    if not may:
        raise PermissionDenied(access.PLAN_REFUSED)
    held = services.celebration_hold(
        actor=viewer,
        celebration=celebration,
        notes=payload.notes,
        forms=payload.forms,
        form_other=payload.form_other,
        tier=payload.tier,
        tier_reason=payload.tier_reason,
    )
    return _celebration(held)


@router.get("/recognitions", response={200: list[RecognitionOut], **ERRORS}, summary="Recognition wall")
def recognition_list(request: HttpRequest) -> list[dict[str, Any]]:
    """CEL-4: the newest recognitions you may see (public ones, and the private ones you gave, received or whose
    receiver you manage)."""
    return [_recognition(r) for r in selectors.recognition_wall(viewer=caller(request))]


@router.post("/recognitions", response={201: RecognitionOut, **WRITE_ERRORS}, summary="Give recognition")
def recognition_give(request: HttpRequest, payload: RecognitionIn) -> tuple[int, dict[str, Any]]:
    """CEL-4: to anyone else, for a key result you may see; the receiver is told, a public one goes to their team
    chat."""
    person = caller(request)
    receiver = Person.objects.filter(pk=payload.receiver).first()
    key_result = KeyResult.objects.select_related("objective").filter(pk=payload.key_result).first()
    value = CompanyValue.objects.filter(pk=payload.value).first() if payload.value else None
    made = services.recognition_give(
        actor=person,
        receiver=receiver,
        key_result=key_result,
        message=payload.message,
        value=value,
        public=payload.public,
    )
    return 201, _recognition(_row_of(person, made.pk))


def _row_of(viewer: Person, pk: int) -> selectors.RecognitionRow:
    return selectors.recognition_row(pk)


@router.get("/recognitions/{recognition_id}", response={200: RecognitionOut, **ERRORS}, summary="A recognition")
def recognition_get(request: HttpRequest, recognition_id: PathId) -> dict[str, Any]:
    viewer = caller(request)
    found = access.recognition_for(viewer, recognition_id)
    return _recognition(_row_of(viewer, found.pk))


@router.get("/incentives", response={200: list[IncentiveOut], **ERRORS}, summary="Incentives")
def incentive_list(request: HttpRequest, filters: Query[CycleQuery]) -> list[dict[str, Any]]:
    """CEL-4: the incentives of the people you manage (an administrator: everyone's but their own). 403 for someone
    who manages nobody."""
    viewer = caller(request)
    if not access.may_keep_incentives(viewer):
        raise PermissionDenied(access.INCENTIVE_REFUSED)
    return [
        {
            "id": r.id,
            "person": r.person_id,
            "person_name": r.person,
            "cycle": r.cycle_id,
            "kind": r.kind,
            "description": r.description,
            "recorded_by": r.recorded_by,
            "created_at": r.created_at,
        }
        for r in selectors.incentive_rows(viewer=viewer, cycle=_cycle(filters.cycle))
    ]


@router.post("/incentives", response={201: IncentiveOut, **WRITE_ERRORS}, summary="Record an incentive")
def incentive_record(request: HttpRequest, payload: IncentiveIn) -> tuple[int, dict[str, Any]]:
    viewer = caller(request)
    if not access.may_keep_incentives(viewer):
        raise PermissionDenied(access.INCENTIVE_REFUSED)
    person = Person.objects.select_related("manager", "department").filter(pk=payload.person).first()
    if person is not None and not access.can_record_incentive(viewer, person):
        raise PermissionDenied(access.INCENTIVE_REFUSED)
    made = services.incentive_record(
        actor=viewer, person=person, cycle=_cycle(payload.cycle), kind=payload.kind, description=payload.description
    )
    return 201, {
        "id": made.pk,
        "person": made.person_id,
        "person_name": str(made.person),
        "cycle": made.cycle_id,
        "kind": made.kind,
        "description": made.description,
        "recorded_by": str(viewer),
        "created_at": made.created_at,
    }


def _lesson(r: selectors.LessonRow) -> dict[str, Any]:
    return {
        "id": r.id,
        "cycle": r.cycle_id,
        "department": r.department_id,
        "text": r.text,
        "recorded_by": r.recorded_by,
        "created_at": r.created_at,
    }


@router.get("/lessons", response={200: list[LessonOut], **ERRORS}, summary="Lessons learned")
def lesson_list(request: HttpRequest, filters: Query[CycleQuery]) -> list[dict[str, Any]]:
    """CEL-5: the lessons learned (of a cycle), the company's and the departments'."""
    caller(request)
    return [_lesson(r) for r in selectors.lesson_rows(cycle=_cycle(filters.cycle))]


@router.post("/lessons", response={201: LessonOut, **WRITE_ERRORS}, summary="Record a lesson learned")
def lesson_record(request: HttpRequest, payload: LessonIn) -> tuple[int, dict[str, Any]]:
    """A department's by its people, the company's by the executives (403 for others)."""
    viewer = caller(request)
    department = Department.objects.filter(pk=payload.department).first() if payload.department else None
    if not access.can_record_lesson(viewer, department):
        raise PermissionDenied(access.LESSON_REFUSED)
    made = services.lesson_record(actor=viewer, cycle=_cycle(payload.cycle), department=department, text=payload.text)
    return 201, _lesson(next(r for r in selectors.lesson_rows(cycle=made.cycle) if r.id == made.pk))


@router.get("/company-values", response={200: list[ValueOut], **ERRORS}, summary="Company values")
def value_list(request: HttpRequest) -> list[dict[str, Any]]:
    caller(request)
    return [{"id": v.pk, "name": v.name, "description": v.description} for v in CompanyValue.objects.all()]
