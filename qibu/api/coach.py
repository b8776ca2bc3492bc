"""The OKR coach: its advice on an objective (anyone who may see it, as the quality report shows it), and which of
its rules block a submission (everyone reads them; administrators choose them, as on the Coach settings page)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from qibu.api.okrs import caller
from qibu.api.schemas import ERRORS, WRITE_ERRORS, InputSchema, PathId
from qibu.core.rules import COACH_CHECKS, rule_statement
from qibu.okrs import access, coach
from qibu.org.middleware import request_organisation
from qibu.org.models import Organisation
from qibu.org.selectors import organisation_get
from qibu.org.services import organisation_set_coach_blocking

router = Router()

RULE = Field(description="The rule's ID, to key on: a rule of the method (SET-5) or of the coach (COACH-2).")


class CoachAdviceOut(Schema):
    rule: str = RULE
    message: str = Field(description="The rule and the advice in words, in the request's language.")
    blocks_submission: bool = Field(description="Whether the organisation made this rule block submission.")


class ObjectiveAdviceOut(Schema):
    objective: int
    advice: list[CoachAdviceOut] = Field(description="Empty: the objective follows the method.")


class CoachRuleOut(Schema):
    rule: str = RULE
    statement: str = Field(description="The rule, in words.")
    checks: str = Field(description="What the coach checks for it, in words.")
    blocks_submission: bool


class CoachRulesOut(Schema):
    rules: list[CoachRuleOut] = Field(description="Every rule the coach checks on a saved objective.")


class CoachRulesIn(InputSchema):
    coach_blocking_rules: list[str] = Field(
        description="The IDs of the rules that block submission (every other one only advises); an unknown ID is "
        "refused, naming it.",
        examples=[["SET-4", "VIS-2"]],
    )


@router.get(
    "/objectives/{objective_id}/advice",
    response={200: ObjectiveAdviceOut, **ERRORS},
    summary="The coach's advice on an objective",
    tags=["objectives"],
)
def objective_advice(request: HttpRequest, objective_id: PathId) -> dict[str, Any]:
    """The method's advice on the objective as stored (SET-3 … SET-6, VIS-2, COACH-1, COACH-2), as its page and
    the quality report give it; near-duplicates only among the objectives the caller may see."""
    person = caller(request)
    objective, _can_edit = access.objective_for(person, objective_id)
    organisation = request_organisation(request)
    blocking = set(organisation.coach_blocking_rules or [])
    advice = coach.objective_advice(organisation=organisation, objective=objective, viewer=person)
    return {
        "objective": objective.pk,
        "advice": [{"rule": a.rule, "message": a.text, "blocks_submission": a.rule in blocking} for a in advice],
    }


def _rules_out(organisation: Organisation) -> dict[str, Any]:
    blocking = set(organisation.coach_blocking_rules or [])
    return {
        "rules": [
            {
                "rule": rule,
                "statement": rule_statement(rule),
                "checks": str(check),
                "blocks_submission": rule in blocking,
            }
            for rule, check in COACH_CHECKS.items()
        ]
    }


@router.get(
    "/organisation/coach",
    response={200: CoachRulesOut, **ERRORS},
    summary="The coach's rules and which block submission",
    tags=["organisation"],
)
def coach_rules_get(request: HttpRequest) -> dict[str, Any]:
    return _rules_out(request_organisation(request))


@router.put(
    "/organisation/coach",
    response={200: CoachRulesOut, **WRITE_ERRORS},
    summary="Choose the coach's rules that block submission",
    tags=["organisation"],
)
def coach_rules_put(request: HttpRequest, payload: CoachRulesIn) -> dict[str, Any]:
    """Administrators only (403 for everyone else)."""
    person = caller(request)
    if not person.is_admin:
        raise PermissionDenied(_("Only administrators choose the coach's rules."))
    organisation = organisation_set_coach_blocking(
        actor=person, organisation=organisation_get(), rules=payload.coach_blocking_rules
    )
    return _rules_out(organisation)
