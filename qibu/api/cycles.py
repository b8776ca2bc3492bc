"""Cycles (SET-8): annual, quarterly, monthly, custom and project-stage; readable by anyone signed in."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router

from qibu.api.pagination import paginate
from qibu.api.schemas import ERRORS, CycleFilters, CycleOut, CyclePage, PageQuery, PathId
from qibu.cycles.models import Cycle

router = Router(tags=["cycles"])


def cycle_out(cycle: Cycle) -> dict[str, Any]:
    return {
        "id": cycle.pk,
        "name": cycle.name,
        "kind": cycle.kind,
        "start": cycle.start,
        "end": cycle.end,
        "parent": cycle.parent_id,
        "is_closed": cycle.is_closed,
    }


@router.get("/cycles", response={200: CyclePage, **ERRORS}, summary="List cycles")
def cycles_list(request: HttpRequest, filters: Query[CycleFilters], paging: Query[PageQuery]) -> dict[str, Any]:
    # Months included (unlike the page's cycle picker): an API caller filters with ?kind=.
    cycles = Cycle.objects.order_by("start", "-end", "id")
    if filters.kind is not None:
        cycles = cycles.filter(kind=filters.kind)
    if filters.parent is not None:
        cycles = cycles.filter(parent_id=filters.parent)
    items, meta = paginate(cycles, paging)
    return {**meta, "items": [cycle_out(c) for c in items]}


@router.get("/cycles/{cycle_id}", response={200: CycleOut, **ERRORS}, summary="Get a cycle")
def cycle_get(request: HttpRequest, cycle_id: PathId) -> dict[str, Any]:
    cycle = Cycle.objects.filter(pk=cycle_id).first()
    if cycle is None:
        raise Http404
    return cycle_out(cycle)
