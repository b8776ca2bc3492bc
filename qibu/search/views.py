"""The search page and the dropdown the menu's search box shows as one types (htmx), from one template."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qibu.core.http import current_person, is_htmx, vary_on_htmx
from qibu.search.selectors import search


@login_required
def results(request: HttpRequest) -> HttpResponse:
    found = search(viewer=current_person(request), query=request.GET.get("q", ""))
    template = "search/results.html#dropdown" if is_htmx(request) else "search/results.html"
    return vary_on_htmx(render(request, template, {"results": found}))
