"""The coach while one types: the method's advice on the objective being written (beside the editor) and on the
key result being written (on its form), refreshed by htmx as one types, and where the organisation's policy departs
from the method.

The rules are `qibu.okrs.quality`'s (no queries); the counts of what is stored and the near-duplicates of the
department are `qibu.okrs.coach`'s. Every rule a stored objective is held to is here too, so that what the editor
says before saving is what the objective's page and the quality report say after."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from qibu.core.http import current_person
from qibu.okrs import coach, quality
from qibu.okrs.access import key_result_for, objective_for
from qibu.okrs.forms import KEY_RESULT_DRAFTS
from qibu.okrs.models import KeyResult, Level, Objective
from qibu.okrs.selectors import key_result_count, owner_objective_count
from qibu.okrs.views._common import _date_or_none, _int_or_none
from qibu.org.middleware import request_organisation
from qibu.org.models import Team


def _department_of_draft(level: str, *, department_id: int | None, team_id: int | None) -> Any:
    """The department a draft's near-duplicates are looked for in (COACH-2), as the services will set it: a
    team's (a filter, found in the same query), the one chosen, none for the company's."""
    if level == Level.TEAM and team_id:
        return Q(department_id=Subquery(Team.objects.filter(pk=team_id).values("department_id")[:1]))
    if level == Level.DEPARTMENT:
        return department_id
    return None


def _warnings(
    request: HttpRequest,
    *,
    objective: Objective | None,
    level: str,
    cycle_id: int | None,
    owner_id: int | None,
    key_results: list[dict[str, Any]],
    has_alignment: bool,
    start_date: dt.date | None,
    end_date: dt.date | None,
    title: str = "",
    strategic_goal: bool | None = None,
    priority_chosen: bool | None = None,
    department_id: int | None = None,
    team_id: int | None = None,
) -> dict[str, Any]:
    """The template context of `okrs/_warnings.html`: the rules on what is typed, with the owner's objectives in
    the cycle counted (one query) and the near-duplicates of the department (one query, with a title)."""
    organisation = request_organisation(request)
    excluding = objective.pk if objective is not None else None
    count = 0
    if owner_id and cycle_id:
        count = owner_objective_count(owner_id=owner_id, cycle_id=cycle_id, excluding=excluding) + 1
    warnings = quality.objective_warnings(
        organisation=organisation,
        owner_objective_count=count,
        key_results=key_results,
        has_alignment=has_alignment,
        level=level,
        start_date=start_date,
        end_date=end_date,
        title=title,
        strategic_goal=strategic_goal,
        priority_chosen=priority_chosen,
    )
    if level != Level.DEPARTMENT or department_id:
        warnings += coach.draft_duplicate_advice(
            title=title,
            cycle_id=cycle_id,
            level=level,
            owner_id=owner_id,
            department=_department_of_draft(level, department_id=department_id, team_id=team_id),
            viewer=current_person(request),
            excluding=excluding,
        )
    return {
        "warnings": warnings,
        "blocking": set(organisation.coach_blocking_rules or []),
        "departures": quality.policy_departures(organisation),
    }


def _key_result_rows(objective: Objective) -> list[dict[str, Any]]:
    """The objective's stored key results as the rules read them (one query)."""
    return [
        {key: value for key, value in row.items() if key != "objective_id"}
        for row in coach.key_result_rows([objective.pk])[objective.pk]
    ]


def _draft_rows(post: Any) -> list[dict[str, Any]]:
    """The key results written with a new objective (SET-9), as typed."""
    return [
        {
            "title": post.get(f"kr{i}-title", ""),
            "kind": post.get(f"kr{i}-kind", ""),
            "start_value": post.get(f"kr{i}-start_value", ""),
            "target_value": post.get(f"kr{i}-target_value", ""),
            "band_low": post.get(f"kr{i}-band_low", ""),
            "band_high": post.get(f"kr{i}-band_high", ""),
            "milestones": [line for line in post.get(f"kr{i}-milestones", "").splitlines() if line.strip()],
        }
        for i in range(KEY_RESULT_DRAFTS)
    ]


def _chosen(post: Any, name: str, stored: bool | None) -> bool | None:
    """Whether the form chose a value for `name`; what is stored when the form does not have the field."""
    if name in post:
        return bool(post.get(name))
    return stored


def _warnings_from_post(request: HttpRequest, objective: Objective | None) -> dict[str, Any]:
    post = request.POST
    level = post.get("level") or (objective.level if objective else Level.PERSON)
    key_results = _key_result_rows(objective) if objective is not None else _draft_rows(post)
    owner_id = _int_or_none(post.get("owner"))
    if owner_id is None and objective is not None and "owner" not in post:
        owner_id = objective.owner_id
    stored_goal = (objective.strategic_goal_id is not None) if objective is not None else False
    return _warnings(
        request,
        objective=objective,
        level=level,
        cycle_id=_int_or_none(post.get("cycle")) or (objective.cycle_id if objective else None),
        owner_id=owner_id,
        key_results=key_results,
        has_alignment=bool(post.getlist("parent_objectives") or post.getlist("parent_key_results")),
        start_date=_date_or_none(post.get("start_date")),
        end_date=_date_or_none(post.get("end_date")),
        title=post.get("title", objective.title if objective is not None else ""),
        strategic_goal=_chosen(post, "strategic_goal", stored_goal),
        priority_chosen=_chosen(post, "priority", None if objective is None else True),
        department_id=_int_or_none(post.get("department")) or (objective.department_id if objective else None),
        team_id=_int_or_none(post.get("team")) or (objective.team_id if objective else None),
    )


@login_required
@require_POST
def editor_warnings(request: HttpRequest) -> HttpResponse:
    """The method's advice on the objective being typed (SET-3 … SET-10, VIS-2, COACH-1, COACH-2), as a fragment
    for htmx."""
    objective = None
    if request.POST.get("objective"):
        objective, _editable = objective_for(current_person(request), _int_or_none(request.POST["objective"]) or 0)
    return render(request, "okrs/_warnings.html", _warnings_from_post(request, objective))


# --- the key result's form ---------------------------------------------------------------------------------


def key_result_advice(
    request: HttpRequest, objective: Objective, data: Any, *, key_result: KeyResult | None
) -> dict[str, Any]:
    """The template context of `okrs/_kr_warnings.html`: SET-4 when a new key result would be one too many (one
    query), then the rules on the key result as typed (SET-5, SET-8; none of them queries). `data` holds the
    form's fields (a POST, or the form's initial values)."""
    organisation = request_organisation(request)
    warnings = []
    if key_result is None:
        count = key_result_count(objective) + 1
        warnings += quality.addition_warnings(organisation=organisation, key_result_count=count, saved=False)
    typed = bool(str(data.get("title") or "").strip())
    if typed:
        fields = ("title", "kind", "start_value", "target_value", "band_low", "band_high")
        row: dict[str, Any] = {name: data.get(name, "") for name in fields}
        row["start_date"] = _date_or_none(data.get("start_date"))
        row["end_date"] = _date_or_none(data.get("end_date"))
        if key_result is None:
            row["milestones"] = [line for line in str(data.get("milestones") or "").splitlines() if line.strip()]
        warnings += quality.key_result_warnings(row)
    return {"warnings": warnings, "typed": typed, "blocking": set(organisation.coach_blocking_rules or [])}


@login_required
@require_POST
def key_result_warnings(request: HttpRequest) -> HttpResponse:
    """The method's advice on the key result being typed, as a fragment for htmx: `objective` for a new one,
    `key_result` for one being changed (404 when invisible, 403 when not one's to change, as its form)."""
    person = current_person(request)
    key_result = None
    if request.POST.get("key_result"):
        key_result, objective, editable = key_result_for(person, _int_or_none(request.POST["key_result"]) or 0)
    else:
        objective, editable = objective_for(person, _int_or_none(request.POST.get("objective")) or 0)
    if not editable:
        raise PermissionDenied
    context = key_result_advice(request, objective, request.POST, key_result=key_result)
    return render(request, "okrs/_kr_warnings.html", context)
