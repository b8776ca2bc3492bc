"""The record of a workshop (afterwards): printable, and as a spreadsheet."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from qibu.core.http import current_person
from qibu.workshop import access
from qibu.workshop.record import workshop_record
from qibu.workshop.xlsx import record_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def record(request: HttpRequest, pk: int) -> HttpResponse:
    seat = access.seat_for(current_person(request), pk)
    return render(request, "workshop/record.html", {"record": workshop_record(seat), "workshop": seat.workshop})


@login_required
@require_GET
def record_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    seat = access.seat_for(current_person(request), pk)
    response = HttpResponse(record_workbook(workshop_record(seat)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="workshop-{seat.workshop.pk}.xlsx"'
    return response


urlpatterns: list[URLPattern] = [
    path("<int:pk>/record/", record, name="record"),
    path("<int:pk>/record.xlsx", record_xlsx, name="record_xlsx"),
]
