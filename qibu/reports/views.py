"""The company, department, person and alignment-tree pages. Each works on a chosen cycle (`?cycle=`)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from qibu.cycles.models import Cycle
from qibu.cycles.selectors import cycle_for_request
from qibu.okrs.access import objective_for
from qibu.org.models import Organisation, Person
from qibu.reports import selectors


def _viewer(request: HttpRequest) -> Person:
    return cast(Person, request.user)


def _organisation(request: HttpRequest) -> Organisation:
    """Read once per request by `PersonLocaleMiddleware`."""
    return cast(Organisation, request.organisation)  # type: ignore[attr-defined]


def _cycle_context(request: HttpRequest) -> tuple[Cycle | None, dict[str, Any]]:
    cycle = cycle_for_request(request.GET.get("cycle"))
    return cycle, {"cycle": cycle, "cycles": selectors.cycle_choices()}


@login_required
def company(request: HttpRequest) -> HttpResponse:
    cycle, context = _cycle_context(request)
    context["overview"] = selectors.company_overview(
        viewer=_viewer(request), cycle=cycle, organisation=_organisation(request)
    )
    return render(request, "reports/company.html", context)


@login_required
def department(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.department_get(pk)
    if found is None:
        raise Http404
    cycle, context = _cycle_context(request)
    context["report"] = selectors.department_report(
        viewer=_viewer(request),
        department=found,
        cycle=cycle,
        organisation=_organisation(request),
        page=request.GET.get("page") or 1,
    )
    return render(request, "reports/department.html", context)


@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.person_get(pk)
    if found is None:
        raise Http404
    cycle, context = _cycle_context(request)
    context["report"] = selectors.person_report(
        viewer=_viewer(request), person=found, cycle=cycle, organisation=_organisation(request)
    )
    return render(request, "reports/person.html", context)


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    cycle, context = _cycle_context(request)
    if cycle is not None:
        context["tree"] = selectors.alignment_tree(
            viewer=_viewer(request), cycle=cycle, organisation=_organisation(request)
        )
    return render(request, "reports/tree.html", context)


@login_required
def tree_children(request: HttpRequest, pk: int) -> HttpResponse:
    """The objectives aligned under one: a fragment for htmx, a whole page without JavaScript."""
    parent, _can_edit = objective_for(_viewer(request), pk)
    cycle = cycle_for_request(request.GET.get("cycle"))
    if cycle is None:
        raise Http404
    nodes = selectors.tree_children(
        viewer=_viewer(request), parent=parent, cycle=cycle, organisation=_organisation(request)
    )
    context: dict[str, Any] = {"parent": parent, "nodes": nodes, "cycle": cycle}
    if request.headers.get("HX-Request"):
        return render(request, "reports/_tree_nodes.html", context)
    context["cycles"] = selectors.cycle_choices()
    return render(request, "reports/tree_children.html", context)
