"""The editor's advice: the method's warnings on the objective being typed (SET-3 … SET-8) and where the
organisation's policy departs from the method, shown beside the editor and refreshed by htmx as one types."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from qibu.core.http import current_person
from qibu.okrs import quality
from qibu.okrs.access import objective_for
from qibu.okrs.forms import KEY_RESULT_DRAFTS
from qibu.okrs.models import KeyResult, Level, Objective
from qibu.okrs.selectors import owner_objective_count
from qibu.okrs.views._common import _date_or_none, _int_or_none
from qibu.org.middleware import request_organisation


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
) -> dict[str, Any]:
    """The template context of `okrs/_warnings.html`; counts the owner's objectives in the cycle (one query)."""
    organisation = request_organisation(request)
    count = 0
    if owner_id and cycle_id:
        excluding = objective.pk if objective is not None else None
        count = owner_objective_count(owner_id=owner_id, cycle_id=cycle_id, excluding=excluding) + 1
    return {
        "warnings": quality.objective_warnings(
            organisation=organisation,
            owner_objective_count=count,
            key_results=key_results,
            has_alignment=has_alignment,
            level=level,
            start_date=start_date,
            end_date=end_date,
        ),
        "departures": quality.policy_departures(organisation),
    }


def _key_result_rows(objective: Objective) -> list[dict[str, Any]]:
    rows = KeyResult.objects.filter(objective=objective).values("title", "kind", "start_value", "target_value")
    return [dict(row) for row in rows]


def _warnings_from_post(request: HttpRequest, objective: Objective | None) -> dict[str, Any]:
    post = request.POST
    level = post.get("level") or (objective.level if objective else Level.PERSON)
    key_results: list[dict[str, Any]]
    if objective is not None:
        key_results = _key_result_rows(objective)
    else:
        key_results = [
            {
                "title": post.get(f"kr{i}-title", ""),
                "kind": post.get(f"kr{i}-kind", ""),
                "start_value": post.get(f"kr{i}-start_value", ""),
                "target_value": post.get(f"kr{i}-target_value", ""),
            }
            for i in range(KEY_RESULT_DRAFTS)
        ]
    owner_id = _int_or_none(post.get("owner"))
    if owner_id is None and objective is not None and "owner" not in post:
        owner_id = objective.owner_id
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
    )


@login_required
@require_POST
def editor_warnings(request: HttpRequest) -> HttpResponse:
    """The method's advice on the objective being typed (SET-3 … SET-8), as a fragment for htmx."""
    objective = None
    if request.POST.get("objective"):
        objective, _editable = objective_for(current_person(request), _int_or_none(request.POST["objective"]) or 0)
    return render(request, "okrs/_warnings.html", _warnings_from_post(request, objective))
