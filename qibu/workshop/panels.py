"""Where a company objective of the year came from (WS-7), on the objective's page: the co-creation workshop, the
plenary column it was decided from, and the groups' objectives that column combined. Only a company objective of
an annual cycle can have come from a workshop; for every other objective the panel reads nothing."""

from __future__ import annotations

from typing import Any

from qibu.cycles.models import CycleKind
from qibu.okrs.models import Level
from qibu.okrs.panels import PanelPage
from qibu.workshop.models import Column, Note


def origin_panel(page: PanelPage) -> dict[str, Any]:
    objective = page.objective
    if objective.level != Level.COMPANY or objective.cycle.kind != CycleKind.ANNUAL:
        return {"origin": None}
    column = (
        Column.objects.filter(result=objective, group__is_plenary=True)
        .select_related("group__workshop")
        .order_by("-pk")
        .first()
    )
    if column is None:
        return {"origin": None}
    notes = Note.objects.filter(column=column).select_related("source__group").order_by("position", "pk")
    sources = [(note.text, str(note.source.group) if note.source else "") for note in notes]
    return {"origin": column, "workshop": column.group.workshop, "sources": sources}
