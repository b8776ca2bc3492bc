"""Who may own and carry the key results of an objective, where an app above okrs decides it for a level.

okrs knows nothing of the apps above it: `qibu.projects` registers, for `Level.PROJECT`, the people of the
objective's project (its members, the lead among them) and the sentence that refuses anyone else (PLAY-PROJ,
"decompose and empower"). The okrs services ask `check_people` whenever they store an objective's owner, a key
result's owner or the people who carry a key result, so that the project's page, the objective editor, the API
and any command refuse alike, naming the field; levels without a rule take anyone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qibu.core.validation import FieldErrors

if TYPE_CHECKING:
    from qibu.okrs.models import Objective
    from qibu.org.models import Person


@dataclass(frozen=True)
class PeopleRule:
    # The ids of the people who may own or carry what belongs to the objective (read when asked, one query).
    allowed: Callable[[Objective], set[int]]
    # Why a person is refused, in the reader's language.
    refusal: Callable[[Person], str]
    # Why nobody is refused where someone is needed (a key result of a project has an owner).
    missing: Callable[[], str]


_rules: dict[str, PeopleRule] = {}


def register_people_rule(
    level: str,
    *,
    allowed: Callable[[Objective], set[int]],
    refusal: Callable[[Person], str],
    missing: Callable[[], str],
) -> None:
    """For objectives of `level`: who may own them and their key results and carry those (from `AppConfig.ready`)."""
    _rules[level] = PeopleRule(allowed=allowed, refusal=refusal, missing=missing)


def check_people(
    errors: FieldErrors, objective: Objective, field: str, people: Iterable[Person | None], *, required: bool = False
) -> None:
    """Add to `errors` under `field` each person the objective's level does not allow (and, when `required`, the
    missing one). Nothing is read for a level without a rule."""
    rule = _rules.get(objective.level)
    if rule is None:
        return
    chosen = list(people)
    if required and any(person is None for person in chosen):
        errors.add(field, rule.missing())
    named = [person for person in chosen if person is not None]
    if not named:
        return
    allowed = rule.allowed(objective)
    for person in named:
        if person.pk not in allowed:
            errors.add(field, rule.refusal(person))
