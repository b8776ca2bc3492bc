"""The cycle's quality report (`?cycle=`, `?department=`): the OKR coach's advice per department and rule
(`qibu.reports.quality`), linked from the company and department pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qibu.core.http import current_person
from qibu.okrs.views._common import _int_or_none
from qibu.org.middleware import request_organisation
from qibu.org.models import Department
from qibu.reports.quality import quality_report
from qibu.reports.views import _cycle_context


@login_required
def quality(request: HttpRequest) -> HttpResponse:
    """Anyone signed in (PUB-2: the OKRs are open), on the objectives they may see. An unknown department
    shows the whole company."""
    cycle, context = _cycle_context(request)
    departments = list(Department.objects.order_by("path", "position", "name"))
    wanted = _int_or_none(request.GET.get("department"))
    department = next((d for d in departments if d.pk == wanted), None)
    params: dict[str, Any] = {"department": department.pk} if department is not None else {}
    context.update(
        {
            "departments": departments,
            "department": department,
            # The cycle picker keeps the department (reports/_cycle_picker.html).
            "filters": {"params": params},
        }
    )
    if cycle is not None:
        context["report"] = quality_report(
            viewer=current_person(request),
            cycle=cycle,
            organisation=request_organisation(request),
            department=department,
        )
    return render(request, "reports/quality.html", context)
