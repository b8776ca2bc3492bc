"""Self-assessment (SELF-1 … SELF-3, MEAS-7): your scores of your key results for a period (a quarter, or a month when
the policy says monthly), saved as a draft, submitted, reopened; a person's; a department's presentation. The pages'
rules (`qibu.assess.access`): a person's self-assessment is seen by the person, their department, their managers,
executives and administrators; a department's presentation by its members, its heads, the managers above them,
executives and administrators (404 for others). Only its owner writes it. Bad input is 422 naming the row's field
(`score_<key result id>`, `score_reason_<id>`, `root_cause_<id>` …), nothing written. It is not a performance
appraisal (SELF-2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from qibu.api.okrs import caller
from qibu.api.schemas import ERRORS, WRITE_ERRORS, Confidence, DecimalIn, DecimalOut, Id, InputSchema, PathId
from qibu.assess import services
from qibu.assess.access import department_for, period_for, person_for
from qibu.assess.models import AssessmentState
from qibu.assess.selectors import AssessmentPage, assessment_page, department_presentation
from qibu.core.validation import NOTE_MAX
from qibu.org.selectors import organisation_get

router = Router(tags=["assess"])


class ScoreOut(Schema):
    key_result: int
    title: str
    objective: int
    objective_title: str
    committed: bool = Field(description="MEAS-7: 1.0 is expected of a committed objective, 0.7 is good otherwise.")
    progress: DecimalOut = Field(description="The key result's progress, clamped to 0–1: the default score.")
    confidence: Confidence
    score: DecimalOut
    score_reason: str
    worked: str
    root_cause: str
    change: str
    saved: bool = Field(description="False: not saved yet, the score is the default.")


class AssessmentOut(Schema):
    person: int
    cycle: int
    quarter: int = Field(description="The quarter whose key results are scored.")
    state: AssessmentState
    submitted_at: dt.datetime | None
    scores: list[ScoreOut]


class ScoreIn(InputSchema):
    key_result: Id
    score: DecimalIn | None = Field(None, description="0.0 to 1.0; left out: as saved, else the progress.")
    score_reason: str | None = Field(
        None, max_length=NOTE_MAX, description="Needed when the score is not the progress."
    )
    worked: str | None = Field(None, max_length=NOTE_MAX)
    root_cause: str | None = Field(None, max_length=NOTE_MAX, description="Needed on submit below 1.0.")
    change: str | None = Field(None, max_length=NOTE_MAX)


class AssessmentIn(InputSchema):
    scores: list[ScoreIn]


class PresentedScoreOut(Schema):
    title: str
    objective_title: str
    committed: bool
    score: DecimalOut
    progress: DecimalOut
    start_confidence: Confidence | None
    root_cause: str
    change: str


class PresentedPersonOut(Schema):
    person: int
    name: str
    team: str
    scores: list[PresentedScoreOut]


class PresentationOut(Schema):
    department: int
    cycle: int
    submitted: list[PresentedPersonOut] = Field(description="In presentation order: by team, then name.")
    missing: list[PresentedPersonOut] = Field(description="Who has not submitted yet.")


def _out(page: AssessmentPage) -> dict[str, Any]:
    a = page.assessment
    return {
        "person": page.person.pk,
        "cycle": page.cycle.pk,
        "quarter": page.quarter.pk,
        "state": page.state,
        "submitted_at": a.submitted_at if a else None,
        "scores": [
            {
                "key_result": r.key_result_id,
                "objective": r.objective_id,
                **{k: getattr(r, k) for k in ("title", "objective_title", "committed", "progress", "confidence")},
                **{k: getattr(r, k) for k in ("score", "score_reason", "worked", "root_cause", "change", "saved")},
            }
            for r in page.rows
        ],
    }


def _entries(payload: AssessmentIn) -> dict[int, dict[str, Any]]:
    return {s.key_result: s.model_dump(exclude_unset=True, exclude={"key_result"}) for s in payload.scores}


@router.get("/self-assessments/{cycle_id}/mine", response={200: AssessmentOut, **ERRORS}, summary="My self-assessment")
def assessment_mine(request: HttpRequest, cycle_id: PathId) -> dict[str, Any]:
    """One row per key result you own in the period's quarter; the score defaults to its progress (MEAS-7)."""
    person = caller(request)
    period = period_for(organisation_get(), cycle_id)
    return _out(assessment_page(person=person, cycle=period))


@router.put(
    "/self-assessments/{cycle_id}/mine",
    response={200: AssessmentOut, **WRITE_ERRORS},
    summary="Save my self-assessment as a draft",
)
def assessment_save(request: HttpRequest, payload: AssessmentIn, cycle_id: PathId) -> dict[str, Any]:
    """The rows sent change; the others stay. A submitted one: 422, reopen it first."""
    person = caller(request)
    period = period_for(organisation_get(), cycle_id)
    services.assessment_save(actor=person, person=person, cycle=period, entries=_entries(payload))
    return _out(assessment_page(person=person, cycle=period))


@router.post(
    "/self-assessments/{cycle_id}/mine/submit",
    response={200: AssessmentOut, **WRITE_ERRORS},
    summary="Submit my self-assessment",
)
def assessment_submit(request: HttpRequest, cycle_id: PathId) -> dict[str, Any]:
    """Every key result scored (the unsaved at their progress), root causes below 1.0; writes the end scores."""
    person = caller(request)
    period = period_for(organisation_get(), cycle_id)
    services.assessment_submit(actor=person, person=person, cycle=period)
    return _out(assessment_page(person=person, cycle=period))


@router.post(
    "/self-assessments/{cycle_id}/mine/reopen",
    response={200: AssessmentOut, **WRITE_ERRORS},
    summary="Reopen my submitted self-assessment",
)
def assessment_reopen(request: HttpRequest, cycle_id: PathId) -> dict[str, Any]:
    person = caller(request)
    period = period_for(organisation_get(), cycle_id)
    services.assessment_reopen(actor=person, person=person, cycle=period)
    return _out(assessment_page(person=person, cycle=period))


@router.get(
    "/self-assessments/{cycle_id}/people/{person_id}",
    response={200: AssessmentOut, **ERRORS},
    summary="A person's self-assessment",
)
def assessment_person(request: HttpRequest, cycle_id: PathId, person_id: PathId) -> dict[str, Any]:
    viewer = caller(request)
    period = period_for(organisation_get(), cycle_id)
    someone, _rights = person_for(viewer, person_id)
    return _out(assessment_page(person=someone, cycle=period))


@router.get(
    "/self-assessments/{cycle_id}/departments/{department_id}",
    response={200: PresentationOut, **ERRORS},
    summary="A department's self-assessments, as presented (SELF-3)",
)
def assessment_dept(request: HttpRequest, cycle_id: PathId, department_id: PathId) -> dict[str, Any]:
    viewer = caller(request)
    period = period_for(organisation_get(), cycle_id)
    p = department_presentation(department=department_for(viewer, department_id), cycle=period)

    def people(rows: list[Any]) -> list[dict[str, Any]]:
        return [
            {"person": r.person_id, "name": r.name, "team": r.team, "scores": [s.__dict__ for s in r.scores]}
            for r in rows
        ]

    return {
        "department": p.department.pk,
        "cycle": p.cycle.pk,
        "submitted": people(p.submitted),
        "missing": people(p.missing),
    }
