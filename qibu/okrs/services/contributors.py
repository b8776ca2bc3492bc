"""Writes on the people who carry a key result with its owner (PLAY-PROJ "decompose and empower")."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from qibu.audit.services import history_record
from qibu.core.validation import FieldErrors
from qibu.okrs.models import KeyResult
from qibu.okrs.people_rules import check_people
from qibu.okrs.services._common import require_open_cycle
from qibu.org.models import Person


@transaction.atomic
def key_result_contributors_set(*, actor: Person, key_result: KeyResult, people: Iterable[Person]) -> list[int]:
    """Replace the people who carry the key result; answers their ids. Each must be allowed by the objective's
    level (a project's key result is carried by members of the project, `people_rules`), and the cycle open."""
    errors = FieldErrors()
    objective = key_result.objective
    # The key result is locked, as by every write on it.
    KeyResult.objects.select_for_update().filter(pk=key_result.pk).values_list("pk", flat=True).first()
    require_open_cycle(errors, objective.cycle)
    chosen = {person.pk: person for person in people}
    check_people(errors, objective, "contributors", list(chosen.values()))
    errors.raise_if_any()
    before = sorted(key_result.contributors.values_list("pk", flat=True))
    after = sorted(chosen)
    if before == after:
        return after
    key_result.contributors.set(after)
    history_record(
        actor=actor,
        action="key_result.update",
        subject=objective,
        target=key_result,
        before={"contributors": before},
        after={"contributors": after},
    )
    return after
