"""The company, department, person and alignment-tree pages. Each works on a chosen cycle (`?cycle=`).

Every page and the fragments htmx loads into it come from one template file, the fragments as its partials
(django-template-partials): the department table's rows are `reports/company.html#department_rows`, the
department page's sub-department rows `reports/department.html#sub_department_rows`, the objectives that
align to nothing `reports/tree_unaligned.html#gaps`. What a table's rows have in common (the cycle in their
links, the query of the on-demand rows, the indentation) is worked out here once, not once a row.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from qibu.core.http import current_person, is_htmx, vary_on_htmx
from qibu.cycles.models import Cycle
from qibu.cycles.selectors import cycle_for_request
from qibu.okrs.access import objective_for
from qibu.okrs.models import Level
from qibu.org.middleware import request_organisation
from qibu.reports import selectors, weekly
from qibu.reports.filters import Filters, filters_from
from qibu.reports.panels import company_panels, department_panels, person_panels

COMPANY_TABLE = "company"
DEPARTMENT_TABLE = "department"
# The partial that draws the rows of each table; `?table=` of `department_rows` names one.
_ROWS_TEMPLATES = {
    COMPANY_TABLE: "reports/company.html#department_rows",
    DEPARTMENT_TABLE: "reports/department.html#sub_department_rows",
}


def _cycle_context(request: HttpRequest) -> tuple[Cycle | None, dict[str, Any]]:
    cycle = cycle_for_request(request.GET.get("cycle"))
    picker = selectors.cycle_choices()
    selectors.link_cycle_parents(cycle, picker.cycles)
    return cycle, {"cycle": cycle, "picker": picker}


def _cycle_query(cycle: Cycle | None) -> str:
    """The query string that keeps a link on the chosen cycle ("" without one)."""
    return f"?{urlencode({'cycle': cycle.pk})}" if cycle else ""


def _table_context(cycle: Cycle | None, table: str, base: int) -> dict[str, Any]:
    """What every row of a department table shares: the cycle of its links, the query of the request for the
    rows of a department's sub-departments (`department_rows`, which answers rows for the same table), and
    `shift`, which indents a department of depth `base` not at all."""
    query = {"cycle": cycle.pk if cycle else None, "table": table if table != COMPANY_TABLE else None}
    query["base"] = base or None
    present = {name: value for name, value in query.items() if value is not None}
    return {
        "cycle_query": _cycle_query(cycle),
        "rows_query": f"?{urlencode(present)}" if present else "",
        "shift": -base,
    }


# The levels whose objectives each page lists, offered by its level filter.
COMPANY_LEVELS = tuple(Level.values)
DEPARTMENT_LEVELS = (Level.DEPARTMENT.value, Level.TEAM.value)


def _filter_context(
    request: HttpRequest, cycle: Cycle | None, levels: tuple[str, ...], default_level: str = ""
) -> dict[str, Any]:
    """The filters of the query string (`qibu.reports.filters`; none without a cycle, whose page lists no OKRs),
    the query that keeps them with the cycle (for the pager) and the one that clears them."""
    if cycle:
        filters = filters_from(request.GET, levels=levels, default_level=default_level)
    else:
        filters = Filters(levels=levels, default_level=default_level)
    keep = {"cycle": cycle.pk if cycle else None}
    return {"filters": filters, "filter_query": filters.query(keep), "clear_query": Filters().query(keep)}


@login_required
def company(request: HttpRequest) -> HttpResponse:
    cycle, context = _cycle_context(request)
    context.update(_filter_context(request, cycle, COMPANY_LEVELS, default_level=Level.COMPANY))
    context["overview"] = selectors.company_overview(
        viewer=current_person(request),
        cycle=cycle,
        organisation=request_organisation(request),
        filters=context["filters"],
    )
    context["shown_max"] = selectors.OBJECTIVES_SHOWN
    context.update(_table_context(cycle, COMPANY_TABLE, base=0))
    if cycle is not None:  # EXE-12
        context["weekly"] = weekly.company_weekly(
            viewer=current_person(request),
            cycle=cycle,
            organisation=request_organisation(request),
            today=timezone.localdate(),
            annual=context["overview"].annual_cycle,
        )
        context["panels"] = company_panels(current_person(request), cycle)
    return render(request, "reports/company.html", context)


@login_required
def department(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.department_get(pk)
    if found is None:
        raise Http404
    cycle, context = _cycle_context(request)
    context.update(_filter_context(request, cycle, DEPARTMENT_LEVELS))
    context["report"] = selectors.department_report(
        viewer=current_person(request),
        department=found,
        cycle=cycle,
        organisation=request_organisation(request),
        page=request.GET.get("page") or 1,
        filters=context["filters"],
    )
    context.update(_table_context(cycle, DEPARTMENT_TABLE, base=found.depth + 1))
    if cycle is not None:  # EXE-12
        context["weekly"] = weekly.department_weekly(
            viewer=current_person(request),
            department=found,
            cycle=cycle,
            organisation=request_organisation(request),
            today=timezone.localdate(),
        )
    context["panels"] = department_panels(current_person(request), found)
    return render(request, "reports/department.html", context)


def _int_param(request: HttpRequest, name: str) -> int:
    """A small non-negative whole number from the query string; 0 when missing or not one."""
    try:
        return min(max(int(request.GET.get(name) or 0), 0), 1000)
    except ValueError:
        return 0


@login_required
def department_rows(request: HttpRequest, pk: int) -> HttpResponse:
    """The row of a department followed by the rows of its direct sub-departments, for htmx to put in place of
    the department's row in the company page's table (or, with `?table=department`, the department page's
    table of sub-departments); `?base=` is the depth that table shows unindented. Without JavaScript the
    department's own page lists its sub-departments."""
    cycle = cycle_for_request(request.GET.get("cycle"))
    rows = selectors.department_rows(
        viewer=current_person(request), pk=pk, cycle=cycle, organisation=request_organisation(request)
    )
    if rows is None:
        raise Http404
    if not is_htmx(request):
        return vary_on_htmx(redirect(reverse("reports:department", args=[pk]) + _cycle_query(cycle)))
    table = DEPARTMENT_TABLE if request.GET.get("table") == DEPARTMENT_TABLE else COMPANY_TABLE
    # A table never shows a department left of its unindented depth, whatever `?base=` says.
    base = min(_int_param(request, "base"), rows.department.department.depth)
    expanded = replace(rows.department, has_children=False)  # its sub-departments are shown now
    context = {"cycle": cycle, "rows": [expanded, *rows.children], **_table_context(cycle, table, base)}
    return vary_on_htmx(render(request, _ROWS_TEMPLATES[table], context))


@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.person_get(pk)
    if found is None:
        raise Http404
    cycle, context = _cycle_context(request)
    context["report"] = selectors.person_report(
        viewer=current_person(request), person=found, cycle=cycle, organisation=request_organisation(request)
    )
    context["panels"] = person_panels(current_person(request), found)
    return render(request, "reports/person.html", context)


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    cycle, context = _cycle_context(request)
    if cycle is not None:
        context["tree"] = selectors.alignment_tree(
            viewer=current_person(request), cycle=cycle, organisation=request_organisation(request)
        )
    return render(request, "reports/tree.html", context)


@login_required
def tree_unaligned(request: HttpRequest) -> HttpResponse:
    """The objectives of the cycle that align to nothing (SET-6): a fragment for htmx, opened from the tree
    page, or a whole page without JavaScript."""
    cycle = cycle_for_request(request.GET.get("cycle"))
    if cycle is None:
        raise Http404
    gaps = selectors.unaligned_objectives(
        viewer=current_person(request), cycle=cycle, organisation=request_organisation(request)
    )
    context: dict[str, Any] = {"gaps": gaps, "cycle": cycle}
    if is_htmx(request):
        return vary_on_htmx(render(request, "reports/tree_unaligned.html#gaps", context))
    context["picker"] = selectors.cycle_choices()
    selectors.link_cycle_parents(cycle, context["picker"].cycles)
    return vary_on_htmx(render(request, "reports/tree_unaligned.html", context))


@login_required
def tree_children(request: HttpRequest, pk: int) -> HttpResponse:
    """The objectives aligned under one: a fragment for htmx, a whole page without JavaScript."""
    viewer = current_person(request)
    parent, _can_edit = objective_for(viewer, pk)
    cycle = cycle_for_request(request.GET.get("cycle"))
    if cycle is None:
        raise Http404
    branch = selectors.tree_children(
        viewer=viewer, parent=parent, cycle=cycle, organisation=request_organisation(request)
    )
    context: dict[str, Any] = {"branch": branch, "nodes": branch.nodes, "cycle": cycle}
    if is_htmx(request):
        return vary_on_htmx(render(request, "reports/_tree_nodes.html", context))
    context["picker"] = selectors.cycle_choices()
    return vary_on_htmx(render(request, "reports/tree_children.html", context))
