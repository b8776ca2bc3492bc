"""The planning board (`/planning/?cycle=&department=&stand=&page=`) and the approver's queue (`/planning/queue/`).
Both parse the query string, call their selector and render; the counts they show come from one place
(`qibu.planning.selectors`), shared with the API."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from qibu.core.http import current_person
from qibu.cycles.models import Cycle
from qibu.cycles.selectors import cycle_picker
from qibu.org.middleware import request_organisation
from qibu.planning.selectors.board import planning_board, planning_cycle
from qibu.planning.selectors.queue import approval_queue


def _int(value: str | None) -> int | None:
    if value and value.isdigit() and len(value) < 19:
        return int(value)
    return None


def chosen_cycle(asked: str | None, cycles: list[Cycle]) -> Cycle | None:
    """The cycle of `?cycle=` among the picker's (every cycle), else the one in planning."""
    wanted = _int(asked)
    found = next((c for c in cycles if c.pk == wanted), None) if wanted is not None else None
    return found if found is not None else planning_cycle(cycles)


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """SET-1, SET-2, SET-7: where the company, the departments and the people stand in planning the cycle."""
    person = current_person(request)
    organisation = request_organisation(request)
    picker = cycle_picker()
    cycle = chosen_cycle(request.GET.get("cycle"), picker.cycles)
    context: dict[str, object] = {"picker": picker, "cycle": cycle, "board": None}
    if cycle is not None:
        found = planning_board(
            viewer=person,
            cycle=cycle,
            organisation=organisation,
            department_id=_int(request.GET.get("department")),
            stand=request.GET.get("stand", ""),
            page=request.GET.get("page") or 1,
        )
        # What the pager keeps, and what the cycle picker keeps when it switches the cycle.
        kept: dict[str, int | str] = {}
        if found.department is not None:
            kept["department"] = found.department.pk
        if found.stand:
            kept["stand"] = found.stand
        context.update(
            board=found,
            queue_total=found.you.queue.total if found.you.queue else 0,
            page_query=urlencode({"cycle": cycle.pk, **kept}),
            filters={"params": kept},
        )
    return render(request, "planning/board.html", context)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """SET-1, SET-2: the submitted objectives waiting for the signed-in person's decision, oldest first."""
    person = current_person(request)
    found = approval_queue(viewer=person, organisation=request_organisation(request), page=request.GET.get("page") or 1)
    return render(request, "planning/queue.html", {"queue": found, "queue_total": found.page.paginator.count})
