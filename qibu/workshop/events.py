"""The workshop's events: every service appends one in its transaction (`record`), so that the id is the sequence
every screen follows (`qibu.workshop.live`) and the list is the workshop's record."""

from __future__ import annotations

from typing import Any

from django.db.models import Max

from qibu.org.models import Person
from qibu.workshop.models import Event, Group, Workshop


def record(workshop: Workshop, kind: str, *, actor: Person | None, group: Group | None = None, **data: Any) -> Event:
    """Append an event. `group`: the group whose screens change (None: every screen of the workshop)."""
    return Event.objects.create(workshop=workshop, group=group, kind=kind, actor=actor, data=data)


def latest_seq(workshop_id: int) -> int:
    """The id of the workshop's newest event (0 before any): what a screen that is up to date has seen."""
    return int(Event.objects.filter(workshop_id=workshop_id).aggregate(seq=Max("id"))["seq"] or 0)
