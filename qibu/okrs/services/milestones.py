"""Writes on the milestones of a key result (EXE-9): their due dates, set or changed after the key result was written
(on creation they come with it, `key_result_create`). One transaction; each due date within its key result's dates,
refused naming the milestone's field (`due_<id>`), nothing written on refusal; history on the objective."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from qibu.audit.services import history_entry, history_record_many
from qibu.core.validation import FieldErrors
from qibu.okrs.models import KeyResult, Milestone
from qibu.okrs.services._common import lock_key_result, require_open_cycle
from qibu.okrs.services.key_results import due_outside_message
from qibu.org.models import Person


def due_field(milestone_id: int) -> str:
    """The name of a milestone's due date in the forms and in a refusal."""
    return f"due_{milestone_id}"


@transaction.atomic
def milestones_due_set(
    *, actor: Person, key_result: KeyResult, due_dates: Mapping[int, dt.date | None]
) -> list[Milestone]:
    """Set the due date (None: none) of the key result's milestones named by id; answers those changed."""
    errors = FieldErrors()
    lock_key_result(key_result)
    require_open_cycle(errors, key_result.objective.cycle)
    milestones = {m.pk: m for m in Milestone.objects.filter(key_result=key_result)}
    changed: list[tuple[Milestone, dt.date | None]] = []
    for pk, due in due_dates.items():
        milestone = milestones.get(pk)
        if milestone is None:
            errors.add(due_field(pk), _("That milestone is not one of this key result's."))
            continue
        if due is not None and not (key_result.start_date <= due <= key_result.end_date):
            errors.add(due_field(pk), due_outside_message(milestone.title, due, key_result))
            continue
        if due != milestone.due_date:
            changed.append((milestone, milestone.due_date))
            milestone.due_date = due
    errors.raise_if_any()
    if not changed:
        return []
    Milestone.objects.bulk_update([m for m, _before in changed], ["due_date"])
    history_record_many(
        history_entry(
            actor=actor,
            action="milestone.update",
            subject=key_result.objective,
            target=milestone,
            before={"due_date": before.isoformat() if before else None},
            after={"due_date": milestone.due_date.isoformat() if milestone.due_date else None},
        )
        for milestone, before in changed
    )
    return [m for m, _before in changed]
