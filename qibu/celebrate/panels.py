"""The celebration's sections on lower apps' pages, registered by `CelebrateConfig.ready`: the recognitions a person
received on their page and those of a department's people on the department's page (CEL-4, one query each, only what
the viewer may see), and the lessons learned of the cycle before beside the OKR editor (CEL-5, two queries)."""

from __future__ import annotations

from typing import Any

from django.db.models import Subquery

from qibu.celebrate.selectors import lesson_rows, recognitions_of_department, recognitions_of_person
from qibu.cycles.models import Cycle
from qibu.okrs.models import Level
from qibu.okrs.panels import EditorPage
from qibu.org.models import Department, Person


def person_recognitions(viewer: Person, person: Person) -> dict[str, Any] | None:
    return {"recognitions": recognitions_of_person(viewer=viewer, person=person), "person": person}


def department_recognitions(viewer: Person, department: Department) -> dict[str, Any] | None:
    return {"recognitions": recognitions_of_department(viewer=viewer, department=department), "department": department}


def editor_lessons(page: EditorPage) -> dict[str, Any] | None:
    """CEL-5: the lessons of the cycle before the one drafted, the company's and the objective's department's."""
    if page.cycle_id is None:
        return None
    this = Cycle.objects.filter(pk=page.cycle_id)
    previous = (
        Cycle.objects.filter(kind=Subquery(this.values("kind")[:1]), end__lt=Subquery(this.values("start")[:1]))
        .order_by("-end")
        .first()
    )
    if previous is None:
        return None
    departments: list[int | None] = [None]
    if page.level != Level.COMPANY and page.department_id is not None:
        departments.append(page.department_id)
    return {"previous": previous, "lessons": lesson_rows(cycle=previous, department_ids=departments)}
