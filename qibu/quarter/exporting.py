"""The close-of-quarter report as an .xlsx workbook (sheets: objectives, departments, people, trends), as the viewer
may read it. Every cell is neutralised as the other exports' are (`qibu.org.importer.template.append_rows`)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from qibu.org.importer.template import append_rows
from qibu.quarter.report import Report

SHEET_NAME_MAX = 31


def _n(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def report_workbook(report: Report) -> bytes:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)

    def sheet(title: str, header: list[str], rows: list[list[Any]]) -> None:
        ws = workbook.create_sheet(title[:SHEET_NAME_MAX])
        ws.freeze_panes = "A2"
        cells = []
        for text in header:
            cell = WriteOnlyCell(ws, value=str(text))
            cell.font = bold
            cells.append(cell)
        ws.append(cells)
        append_rows(ws, rows)

    sheet(
        _("Objectives"),
        [_("Level"), _("Department"), _("Team"), _("Owner"), _("Objective"), _("Score"), _("Scored")],
        [
            [o.level_label, o.department, o.team, o.owner, o.title, _n(o.score), _("yes") if o.scored else _("no")]
            for o in report.objectives
        ],
    )
    sheet(
        _("Departments"),
        [_("Department"), _("Objectives"), _("Average score")],
        [[d.name, d.objectives, _n(d.average)] for d in report.departments],
    )
    sheet(
        _("People"),
        [_("Person"), _("Department"), _("Key results"), _("Self-assessed"), _("Average score")],
        [[p.name, p.department, p.key_results, p.self_assessed, _n(p.average)] for p in report.people],
    )
    sheet(
        _("Trends"),
        [_("Department"), *[q.name for q in report.quarters]],
        [[t.department, *[_n(v) for v in t.averages]] for t in report.trends],
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
