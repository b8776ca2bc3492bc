"""The quarter's calendar and its close-of-quarter report (PLAY-EXEC, MEAS-7). The rules are the pages'
(`qibu.quarter.access`): everyone signed in reads the company's calendar with its counts; a department's rows and
the names of the late are for its heads, their managers, executives and administrators (404 for others, and the
company's calendar leaves them out); each person reads their own phases; the report is for executives and
administrators (whole) and department heads (their departments' rows), 404 for others. Phase states: done,
missing (open, not done), late (its window over, still missing), upcoming (not begun), none (nothing owed),
untracked (no app says who owes the phase). Scores are decimals as strings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from qibu.api.okrs import caller
from qibu.api.schemas import ERRORS, DecimalOut, PathId
from qibu.cycles.models import Cycle
from qibu.org.importer.export import XLSX_TYPE
from qibu.org.selectors import organisation_get
from qibu.quarter import access
from qibu.quarter import report as reports
from qibu.quarter.access import quarter_for, report_scope
from qibu.quarter.exporting import report_workbook
from qibu.quarter.report import Report
from qibu.quarter.selectors import Calendar, Cell, PhaseColumn, Row, calendar, department_calendar, my_calendar

router = Router(tags=["quarter"])


class CellOut(Schema):
    state: str = Field(description="done, missing, late, upcoming, none or untracked")
    done: int
    expected: int


class QuarterPhaseOut(Schema):
    phase: str
    start: dt.date
    end: dt.date
    tracked: bool = Field(description="False: no app says who owes this phase; only its dates are known.")
    open_today: bool
    company: CellOut
    people_done: int
    people_expected: int
    departments_done: int
    departments_expected: int


class RowOut(Schema):
    id: int
    name: str
    cells: list[CellOut] = Field(description="One per phase, in the phases' order.")


class LateOut(Schema):
    person: int
    name: str
    department: int | None
    phases: list[str]


class QuarterCalendarOut(Schema):
    cycle: int
    cycle_name: str
    today: dt.date
    phases: list[QuarterPhaseOut]
    departments: list[RowOut] = Field(description="The departments whose rows the caller may see.")
    late: list[LateOut]


class DepartmentCalendarOut(QuarterCalendarOut):
    department: int
    people: list[RowOut]


class MyPhaseOut(QuarterPhaseOut):
    mine: CellOut
    todo: str
    url: str = Field(description="The page where it is done, when known.")


class MyCalendarOut(Schema):
    cycle: int
    cycle_name: str
    today: dt.date
    person: int
    phases: list[MyPhaseOut]


class ObjectiveScoreOut(Schema):
    id: int
    title: str
    level: str
    department: str
    team: str
    owner: str
    score: DecimalOut
    scored: bool = Field(description="False: no end score yet, the progress clamped stands in (MEAS-7).")


class DepartmentScoreOut(Schema):
    id: int
    name: str
    objectives: int
    average: DecimalOut | None


class PersonScoreOut(Schema):
    id: int
    name: str
    department: str
    key_results: int
    self_assessed: int
    average: DecimalOut | None


class TrendOut(Schema):
    department: int
    name: str
    averages: list[DecimalOut | None] = Field(description="One per quarter of `quarters`.")


class ReportOut(Schema):
    cycle: int
    whole: bool = Field(description="False: only the rows of the departments the caller heads.")
    company_average: DecimalOut | None
    objectives: list[ObjectiveScoreOut]
    departments: list[DepartmentScoreOut]
    people: list[PersonScoreOut]
    quarters: list[int] = Field(description="The trends' quarters, oldest first.")
    trends: list[TrendOut]


def _cell(c: Cell) -> dict[str, Any]:
    return {"state": c.state, "done": c.done, "expected": c.expected}


def _phase(p: PhaseColumn) -> dict[str, Any]:
    return {
        "phase": str(p.phase),
        "start": p.start,
        "end": p.end,
        "tracked": p.tracked,
        "open_today": p.now,
        "company": _cell(p.company),
        "people_done": p.people_done,
        "people_expected": p.people_expected,
        "departments_done": p.departments_done,
        "departments_expected": p.departments_expected,
    }


def _row(r: Row) -> dict[str, Any]:
    return {"id": r.id, "name": r.name, "cells": [_cell(c) for c in r.cells]}


def _calendar(cal: Calendar) -> dict[str, Any]:
    return {
        "cycle": cal.cycle.pk,
        "cycle_name": cal.cycle.name,
        "today": cal.today,
        "phases": [_phase(p) for p in cal.phases],
        "departments": [_row(r) for r in cal.departments],
        "late": [
            {"person": p.id, "name": p.name, "department": p.department_id, "phases": [str(x) for x in p.phases]}
            for p in cal.late
        ],
    }


def _company(request: HttpRequest, cycle: Cycle) -> dict[str, Any]:
    return _calendar(calendar(cycle=cycle, organisation=organisation_get(), viewer=caller(request)))


@router.get("/quarter/current", response={200: QuarterCalendarOut, **ERRORS}, summary="The current quarter's calendar")
def quarter_current(request: HttpRequest) -> dict[str, Any]:
    return _company(request, access.quarter_current())


@router.get("/quarter/{cycle_id}", response={200: QuarterCalendarOut, **ERRORS}, summary="A quarter's calendar")
def quarter_calendar(request: HttpRequest, cycle_id: PathId) -> dict[str, Any]:
    return _company(request, quarter_for(cycle_id))


@router.get(
    "/quarter/{cycle_id}/departments/{department_id}",
    response={200: DepartmentCalendarOut, **ERRORS},
    summary="A department's calendar: its people's rows",
)
def quarter_dept(request: HttpRequest, cycle_id: PathId, department_id: PathId) -> dict[str, Any]:
    cycle = quarter_for(cycle_id)
    page = department_calendar(
        cycle=cycle, organisation=organisation_get(), viewer=caller(request), department_id=department_id
    )
    return {**_calendar(page.calendar), "department": page.department.pk, "people": [_row(r) for r in page.people]}


@router.get("/quarter/{cycle_id}/me", response={200: MyCalendarOut, **ERRORS}, summary="My phases of a quarter")
def quarter_mine(request: HttpRequest, cycle_id: PathId) -> dict[str, Any]:
    cycle = quarter_for(cycle_id)
    page = my_calendar(cycle=cycle, organisation=organisation_get(), person=caller(request))
    return {
        "cycle": cycle.pk,
        "cycle_name": cycle.name,
        "today": page.today,
        "person": page.person.pk,
        "phases": [
            {**_phase(p.column), "mine": _cell(p.mine), "todo": str(p.column.todo), "url": p.column.url}
            for p in page.phases
        ],
    }


def _report(request: HttpRequest, cycle_id: int) -> Report:
    viewer = caller(request)
    scope = report_scope(viewer)
    return reports.quarter_report(cycle=quarter_for(cycle_id), viewer=viewer, scope=scope)


@router.get(
    "/quarter/{cycle_id}/report", response={200: ReportOut, **ERRORS}, summary="A quarter's close-of-quarter report"
)
def quarter_report(request: HttpRequest, cycle_id: PathId) -> dict[str, Any]:
    r = _report(request, cycle_id)
    return {
        "cycle": r.cycle.pk,
        "whole": r.whole,
        "company_average": r.company_average,
        "objectives": [
            {
                "id": o.id,
                "title": o.title,
                "level": o.level,
                "department": o.department,
                "team": o.team,
                "owner": o.owner,
                "score": o.score,
                "scored": o.scored,
            }
            for o in r.objectives
        ],
        "departments": [d.__dict__ for d in r.departments],
        "people": [p.__dict__ for p in r.people],
        "quarters": [q.pk for q in r.quarters],
        "trends": [{"department": t.department_id, "name": t.department, "averages": t.averages} for t in r.trends],
    }


@router.get(
    "/quarter/{cycle_id}/report.xlsx",
    response={**ERRORS},
    summary="A quarter's close-of-quarter report as .xlsx",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The workbook: sheets objectives, departments, people, trends.",
                "content": {XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def quarter_xlsx(request: HttpRequest, cycle_id: PathId) -> HttpResponse:
    r = _report(request, cycle_id)
    response = HttpResponse(report_workbook(r), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="qibu-quarter-{r.cycle.pk}-report.xlsx"'
    return response
