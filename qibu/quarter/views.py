"""The quarter's pages (PLAY-EXEC): the company's calendar of a quarter, a department's, my own phases, and the
close-of-quarter report (printable, and as .xlsx)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from qibu.core.http import current_person
from qibu.cycles.models import Cycle, CycleKind
from qibu.org.importer.export import XLSX_TYPE
from qibu.org.selectors import organisation_get
from qibu.quarter.access import quarter_current, quarter_for, report_scope, sees_report
from qibu.quarter.exporting import report_workbook
from qibu.quarter.report import quarter_report
from qibu.quarter.selectors import calendar, department_calendar, my_calendar


def _quarters() -> list[Cycle]:
    return list(Cycle.objects.filter(kind=CycleKind.QUARTER).order_by("-start"))


def _calendar(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    viewer = current_person(request)
    cal = calendar(cycle=cycle, organisation=organisation_get(), viewer=viewer)
    context = {"calendar": cal, "quarters": _quarters(), "sees_report": sees_report(viewer)}
    return render(request, "quarter/calendar.html", context)


@login_required
@require_GET
def calendar_current(request: HttpRequest) -> HttpResponse:
    """The current quarter's calendar."""
    return _calendar(request, quarter_current())


@login_required
@require_GET
def calendar_view(request: HttpRequest, cycle: int) -> HttpResponse:
    return _calendar(request, quarter_for(cycle))


@login_required
@require_GET
def department_view(request: HttpRequest, cycle: int, department: int) -> HttpResponse:
    """A department's people's rows: its heads, their managers, executives and administrators."""
    quarter = quarter_for(cycle)
    viewer = current_person(request)
    page = department_calendar(cycle=quarter, organisation=organisation_get(), viewer=viewer, department_id=department)
    return render(request, "quarter/department.html", {"page": page, "calendar": page.calendar})


@login_required
@require_GET
def me_view(request: HttpRequest, cycle: int) -> HttpResponse:
    """My phases of the quarter: what I must do, by when, and where."""
    quarter = quarter_for(cycle)
    page = my_calendar(cycle=quarter, organisation=organisation_get(), person=current_person(request))
    return render(request, "quarter/me.html", {"page": page})


@login_required
@require_GET
def report_view(request: HttpRequest, cycle: int) -> HttpResponse:
    """The close-of-quarter report: executives and administrators the whole, department heads their rows."""
    viewer = current_person(request)
    scope = report_scope(viewer)
    quarter = quarter_for(cycle)
    report = quarter_report(cycle=quarter, viewer=viewer, scope=scope)
    return render(request, "quarter/report.html", {"report": report})


@login_required
@require_GET
def report_download(request: HttpRequest, cycle: int) -> HttpResponse:
    viewer = current_person(request)
    scope = report_scope(viewer)
    quarter = quarter_for(cycle)
    content = report_workbook(quarter_report(cycle=quarter, viewer=viewer, scope=scope))
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="qibu-quarter-{quarter.pk}-report.xlsx"'
    return response
