"""The company, department, person and alignment-tree pages. Each works on a chosen cycle (`?cycle=`)."""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.formats import localize
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from qibu.cycles.models import Cycle
from qibu.cycles.selectors import cycle_for_request
from qibu.okrs.access import objective_for
from qibu.okrs.templatetags.okr_tags import HEALTH_LABELS, health_badge, pct, percent_width
from qibu.org.middleware import request_organisation
from qibu.org.models import Department, Person
from qibu.reports import selectors


def _viewer(request: HttpRequest) -> Person:
    return cast(Person, request.user)


def _cycle_context(request: HttpRequest) -> tuple[Cycle | None, dict[str, Any]]:
    cycle = cycle_for_request(request.GET.get("cycle"))
    cycles = selectors.cycle_choices()
    selectors.link_cycle_parents(cycle, cycles)
    return cycle, {"cycle": cycle, "cycles": cycles}


# --- table rows ------------------------------------------------------------------------------------
# The company page lists the top-level departments, the department page its direct sub-departments and a
# page of its people; the rows of the departments below open on demand (`department_rows`), so that what a
# page shows first does not grow with the company. Through the template each cell cost an include, a tag or a
# `{% url %}`, tens of microseconds apiece; here a row is one f-string with the markup of the template it
# replaced and the formatting of `okr_tags` and `reports/_confidence.html` (a test keeps them equal). Every
# piece is HTML already: text goes through `_escape`, the rest is numbers, URLs and the badges of `okr_tags`.


class Cells:
    """Formats table cells as the templates did, with the per-page work (translations, URLs) done once."""

    def __init__(self, cycle: Cycle | None) -> None:
        self.cycle = cycle.pk if cycle else None
        self.cycle_query = f"?cycle={cycle.pk}" if cycle else ""
        self.badges = {key: str(health_badge(key)) for key in HEALTH_LABELS}
        self.progress_label = _escape(gettext("Progress"))
        self.no_confidence = f'<span class="muted" title="{_escape(gettext("No confidence yet"))}">—</span>'
        self.department_url = _url_pattern("reports:department")
        self.department_rows_url = _url_pattern("reports:department_rows")
        self.person_url = _url_pattern("reports:person")
        self.show_sub_departments = _escape(gettext("Show sub-departments"))

    def expand(self, department: Department, table: str, base: int) -> str:
        """The control that puts the rows of the department's sub-departments under its row: with htmx it
        replaces the row by itself and them (`reports:department_rows`); without, it opens the department's
        page, which lists them."""
        query = {"cycle": self.cycle, "table": table if table != COMPANY_TABLE else None, "base": base or None}
        rows = self.department_rows_url.format(department.pk)
        if any(query.values()):
            rows += "?" + _escape(urlencode({k: v for k, v in query.items() if v is not None}))
        return (
            f' <a class="expand small" href="{self.department_url.format(department.pk)}{self.cycle_query}"'
            f' hx-get="{rows}" hx-target="closest tr" hx-swap="outerHTML">{self.show_sub_departments}</a>'
        )

    def health(self, health: str | None) -> str:
        """`{% health_badge health %}`."""
        return self.badges.get(health or "no_data") or str(health_badge(health))

    def progress_bar(self, value: Any) -> str:
        """`{% progress_bar value _("Progress") %}`."""
        width = percent_width(value)
        return (
            '<div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" '
            f'aria-valuenow="{width.rstrip("%")}" aria-label="{self.progress_label}">'
            f'<span style="width:{width}"></span></div>'
        )

    def confidence(self, value: Decimal | None) -> str:
        """`{% include "reports/_confidence.html" %}`: whole percent, rounded half up as `floatformat` does."""
        if value is None:
            return self.no_confidence
        if isinstance(value, Decimal) and 0 <= value < 999:
            return f"{int(value.quantize(Decimal(1), ROUND_HALF_UP))}%"
        return f"{_escape(floatformat(value, 0))}%"


def _url_pattern(name: str) -> str:
    """The path of the view `name` with `{}` where its primary key goes: reversed once, not once a row."""
    marker = "2147483647"
    return _escape(reverse(name, args=[marker])).replace("{", "{{").replace("}", "}}").replace(marker, "{}")


def _escape(text: Any) -> str:
    """`django.utils.html.escape` without its lazy-string wrapper, which costs more than the escaping."""
    return html.escape(str(text))


def percent(value: Any) -> str:
    """`{{ value|pct }}`: a fraction in whole percent, rounded half to even as Decimal does."""
    if isinstance(value, Decimal) and 0 <= value < 9:
        return f"{round(value * 100)}%"
    return _escape(pct(value))


def number(value: int) -> str:
    """`{{ value }}` for a count: localised, which changes nothing between -999 and 999."""
    return str(value) if -1000 < value < 1000 else _escape(localize(value))


COMPANY_TABLE = "company"
DEPARTMENT_TABLE = "department"


def _company_row(r: selectors.DepartmentRollup, cells: Cells, base: int) -> str:
    """A row of the company page's department table, indented by its depth below `base`."""
    department = r.department
    link = f'<a href="{cells.department_url.format(department.pk)}{cells.cycle_query}">{_escape(department.name)}</a>'
    if r.has_children:
        link += cells.expand(department, COMPANY_TABLE, base)
    head = ""
    if department.head is not None:
        head = f'<a href="{cells.person_url.format(department.head_id)}">{_escape(department.head)}</a>'
    progress, health = "—", ""
    if r.objectives:
        progress, health = cells.progress_bar(r.progress) + percent(r.progress), cells.health(r.health)
    return f"""
  <tr>
    <td style="padding-left: calc(.5rem + {number(max(department.depth - base, 0))} * 1rem)">{link}</td>
    <td class="hide-narrow">{head}</td>
    <td class="numbers">{number(r.objectives)}</td>
    <td class="numbers">{progress}</td>
    <td class="numbers">{cells.confidence(r.confidence)}</td>
    <td>{health}</td>
    <td class="numbers hide-narrow">{number(r.off_track)}</td>
    <td class="numbers hide-narrow">{number(r.at_risk)}</td>
    <td class="numbers hide-narrow">{number(r.stale_key_results)}</td>
  </tr>"""


def _sub_department_row(r: selectors.DepartmentRollup, cells: Cells, base: int) -> str:
    """A row of the department page's table of sub-departments, indented by its depth below `base`."""
    sub = r.department
    link = f'<a href="{cells.department_url.format(sub.pk)}{cells.cycle_query}">{_escape(sub.name)}</a>'
    if r.has_children:
        link += cells.expand(sub, DEPARTMENT_TABLE, base)
    progress, health = "—", ""
    if r.objectives:
        progress, health = percent(r.progress), cells.health(r.health)
    return f"""
  <tr>
    <td style="padding-left: calc(.5rem + {number(max(sub.depth - base, 0))} * 1rem)">{link}</td>
    <td class="hide-narrow">{_escape(sub.head) if sub.head is not None else ""}</td>
    <td class="numbers">{number(r.objectives)}</td>
    <td class="numbers">{progress}</td>
    <td class="numbers">{cells.confidence(r.confidence)}</td>
    <td>{health}</td>
  </tr>"""


def department_table_rows(rollups: Iterable[selectors.DepartmentRollup], cells: Cells, base: int = 0) -> SafeString:
    """The rows of the company page's department table (top-level departments unindented)."""
    return mark_safe("".join(_company_row(r, cells, base) for r in rollups))  # every piece escaped or a number


def sub_department_table_rows(
    rollups: Iterable[selectors.DepartmentRollup], department: Department, cells: Cells, base: int | None = None
) -> SafeString:
    """The rows of the department page's table of sub-departments, indented below `department` (its direct
    sub-departments unindented), or below the depth `base` when given."""
    base = department.depth + 1 if base is None else base
    return mark_safe("".join(_sub_department_row(r, cells, base) for r in rollups))  # escaped or numbers


def people_table_rows(members: Iterable[selectors.MemberRow], cells: Cells) -> SafeString:
    """The rows of the department page's table of people."""
    rows = []
    for m in members:
        person = m.person
        url = cells.person_url.format(person.pk) + cells.cycle_query
        job = f'<br><span class="muted small">{_escape(person.job_title)}</span>' if person.job_title else ""
        department = _escape(person.department.name) if person.department is not None else ""
        progress, health = "—", ""
        if m.objectives:
            progress, health = percent(m.progress), cells.health(m.worst_health)
        stale = f'<span class="tag stale">{number(m.stale_key_results)}</span>' if m.stale_key_results else "0"
        rows.append(
            f"""
  <tr>
    <td><a href="{url}">{_escape(person)}</a>{job}</td>
    <td class="hide-narrow">{department}</td>
    <td class="numbers">{number(m.objectives)}</td>
    <td class="numbers">{progress}</td>
    <td class="numbers">{cells.confidence(m.confidence)}</td>
    <td>{health}</td>
    <td class="numbers hide-narrow">{stale}</td>
  </tr>"""
        )
    return mark_safe("".join(rows))  # every piece escaped or built from numbers above


@login_required
def company(request: HttpRequest) -> HttpResponse:
    cycle, context = _cycle_context(request)
    overview = selectors.company_overview(
        viewer=_viewer(request), cycle=cycle, organisation=request_organisation(request)
    )
    context["overview"] = overview
    context["department_rows"] = department_table_rows(overview.departments, Cells(cycle))
    return render(request, "reports/company.html", context)


@login_required
def department(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.department_get(pk)
    if found is None:
        raise Http404
    cycle, context = _cycle_context(request)
    report = selectors.department_report(
        viewer=_viewer(request),
        department=found,
        cycle=cycle,
        organisation=request_organisation(request),
        page=request.GET.get("page") or 1,
    )
    cells = Cells(cycle)
    context["report"] = report
    context["sub_department_rows"] = sub_department_table_rows(report.sub_departments, found, cells)
    context["member_rows"] = people_table_rows(report.member_rows, cells)
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
        viewer=_viewer(request), pk=pk, cycle=cycle, organisation=request_organisation(request)
    )
    if rows is None:
        raise Http404
    if not request.headers.get("HX-Request"):
        response: HttpResponse = redirect(
            reverse("reports:department", args=[pk]) + (f"?cycle={cycle.pk}" if cycle else "")
        )
    else:
        cells, base = Cells(cycle), _int_param(request, "base")
        row = _sub_department_row if request.GET.get("table") == DEPARTMENT_TABLE else _company_row
        expanded = replace(rows.department, has_children=False)  # its sub-departments are now shown
        response = HttpResponse("".join(row(r, cells, base) for r in [expanded, *rows.children]))
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.person_get(pk)
    if found is None:
        raise Http404
    cycle, context = _cycle_context(request)
    context["report"] = selectors.person_report(
        viewer=_viewer(request), person=found, cycle=cycle, organisation=request_organisation(request)
    )
    return render(request, "reports/person.html", context)


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    cycle, context = _cycle_context(request)
    if cycle is not None:
        context["tree"] = selectors.alignment_tree(
            viewer=_viewer(request), cycle=cycle, organisation=request_organisation(request)
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
        viewer=_viewer(request), cycle=cycle, organisation=request_organisation(request)
    )
    context: dict[str, Any] = {"gaps": gaps, "cycle": cycle}
    if request.headers.get("HX-Request"):
        response = render(request, "reports/_unaligned.html", context)
    else:
        context["cycles"] = selectors.cycle_choices()
        selectors.link_cycle_parents(cycle, context["cycles"])
        response = render(request, "reports/tree_unaligned.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def tree_children(request: HttpRequest, pk: int) -> HttpResponse:
    """The objectives aligned under one: a fragment for htmx, a whole page without JavaScript."""
    parent, _can_edit = objective_for(_viewer(request), pk)
    cycle = cycle_for_request(request.GET.get("cycle"))
    if cycle is None:
        raise Http404
    nodes = selectors.tree_children(
        viewer=_viewer(request), parent=parent, cycle=cycle, organisation=request_organisation(request)
    )
    context: dict[str, Any] = {"parent": parent, "nodes": nodes, "cycle": cycle}
    if request.headers.get("HX-Request"):
        return render(request, "reports/_tree_nodes.html", context)
    context["cycles"] = selectors.cycle_choices()
    return render(request, "reports/tree_children.html", context)
