"""The blockers' pages (EXE-2)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from qibu.blockers.access import blocker_for
from qibu.blockers.selectors import blocker_rows
from qibu.core.http import current_person


def blocker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    blocker, rights = blocker_for(person, pk)
    row = blocker_rows([blocker], viewer=person)[0]
    return render(request, "blockers/detail.html", {"blocker": blocker, "row": row, "rights": rights})
