"""Writing action steps (EXE-8): one transaction each, every change recorded in the step's history, the people a
step is given to told through the inbox in the same transaction.

Who may do what is `qibu.plans.access`, asked by pages and API before they call these. The services refuse bad
input by field (`FieldErrors`, nothing written): a step needs an owner; everyone named on a step is active in the
company and may see its objective (else they could not read what they are to do); the deadline is not before the
start; a budget is not negative. A deadline after the key result's end is allowed but warned of (`warnings`): the
step would come too late to count, and the planner decides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from qibu.audit.models import AuditEntry
from qibu.audit.services import changed_fields, history_record, snapshot
from qibu.core.validation import (
    NOTE_MAX,
    TEXT_MAX,
    TITLE_MAX,
    FieldErrors,
    clean_choice,
    clean_decimal,
    clean_text,
    clean_title,
)
from qibu.notify.inbox import Subject, notify
from qibu.notify.models import NotificationKind
from qibu.okrs.access import can_view
from qibu.okrs.models import KeyResult, Objective, Priority
from qibu.okrs.quality import Advice
from qibu.org.models import Person
from qibu.org.selectors import organisation_get
from qibu.plans.models import DEFAULT_CURRENCY, ActionStep, StepStatus

# What a step's history keeps of it (resource people as a list of ids beside these).
STEP_FIELDS = (
    "key_result",
    "title",
    "description",
    "owner",
    "responsible",
    "decider",
    "budget",
    "currency",
    "resources_note",
    "start",
    "deadline",
    "status",
    "priority",
    "position",
    "split_from",
)
PEOPLE_FIELDS = ("owner", "responsible", "decider")
# The fields `step_update` changes; people are `step_reassign`'s, the place `step_move`'s, the status
# `step_set_status`'s.
UPDATABLE = frozenset(
    {"title", "description", "start", "deadline", "priority", "budget", "currency", "resources_note", "resource_people"}
)
BUDGET_PLACES = 2


@dataclass
class StepResult:
    """The step written, and the method's warnings on it (advice, not refusals: the write was made)."""

    step: ActionStep
    warnings: list[Advice] = field(default_factory=list)


@dataclass
class SplitResult:
    """Both parts of a split step: `step` the first (which keeps its history), `other` the new one."""

    step: ActionStep
    other: ActionStep
    warnings: list[Advice] = field(default_factory=list)


# --- checks -------------------------------------------------------------------------------------------------


def deadline_warnings(*, deadline: dt.date, key_result: KeyResult) -> list[Advice]:
    """EXE-8: a step due after its key result ends comes too late to count for it (a warning: the planner
    decides). Pages before and after saving and the API's `warnings` call this one function."""
    if deadline <= key_result.end_date:
        return []
    text = _(
        "This step is due on %(deadline)s, after its key result ends on %(end)s: it comes too late to count for "
        "the key result. Bring the deadline forward, or keep it if the step serves the next cycle."
    ) % {"deadline": date_format(deadline), "end": date_format(key_result.end_date)}
    return [Advice(rule="EXE-8", text=text)]


def _today() -> dt.date:
    return timezone.localdate(timezone.now(), organisation_get().zone)


def _require_open(errors: FieldErrors, objective: Objective, field: str | None = None) -> None:
    if not objective.takes_check_ins:
        errors.add(field, _("This objective is closed: its action plan stays as it was."))


def _clean_person(
    errors: FieldErrors, field: str, person: Person | None, objective: Objective, *, required: bool = False
) -> Person | None:
    """Someone named on a step: active in the company, and able to see the objective (else they could not read
    what they are to do)."""
    if person is None:
        if required:
            errors.add(field, _("Name the person who does this step."))
        return None
    if not person.is_active:
        errors.add(field, _("%(name)s is no longer active in the company: choose someone who is.") % {"name": person})
    elif not can_view(person, objective):
        errors.add(
            field,
            _("%(name)s cannot see this objective: choose someone who can, or let them see it first.")
            % {"name": person},
        )
    return person


def _clean_people(errors: FieldErrors, people: Iterable[Person], objective: Objective) -> list[Person]:
    chosen: dict[int, Person] = {}
    for person in people:
        if person.pk not in chosen:
            _clean_person(errors, "resource_people", person, objective)
            chosen[person.pk] = person
    return list(chosen.values())


def _clean_budget(errors: FieldErrors, value: Any) -> Decimal:
    number = clean_decimal(errors, "budget", value, required=False, places=BUDGET_PLACES)
    if number is None:
        return Decimal(0)
    if number < 0:
        errors.add("budget", _("A budget cannot be negative."))
    return number


def _clean_currency(errors: FieldErrors, value: Any) -> str:
    code = str(value or DEFAULT_CURRENCY).strip().upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        errors.add("currency", _("Write the currency as its three-letter code, such as CNY or USD."))
    return code


def _clean_date(errors: FieldErrors, field: str, value: Any, default: dt.date) -> dt.date:
    if value is None or value == "":
        return default
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors.add(field, _("“%(value)s” is not a date: write it as 2026-10-01.") % {"value": value})
        return default


def _check_dates(errors: FieldErrors, start: dt.date, deadline: dt.date) -> None:
    if deadline < start:
        errors.add("deadline", _("The deadline is before the start."))


def default_start(key_result: KeyResult) -> dt.date:
    """Today, within the key result's period."""
    return min(max(_today(), key_result.start_date), key_result.end_date)


def _apply_status(step: ActionStep, status: str) -> None:
    step.status = status
    if status == StepStatus.DONE:
        step.done_at = step.done_at or timezone.now()
    else:
        step.done_at = None


# --- history and messages ------------------------------------------------------------------------------------


def _snapshot(step: ActionStep, people: Sequence[int] | None = None) -> dict[str, Any]:
    values = snapshot(step, STEP_FIELDS)
    if people is not None:
        values["resource_people"] = sorted(people)
    return values


def _resource_ids(step: ActionStep) -> list[int]:
    return sorted(step.resource_people.values_list("pk", flat=True))


def _record(
    *, actor: Person, action: str, step: ActionStep, before: dict[str, Any] | None, after: dict[str, Any]
) -> AuditEntry:
    if before is not None:
        keys = changed_fields(before, after)
        before = {k: before[k] for k in keys if k in before}
        after = {k: after[k] for k in keys}
    return history_record(actor=actor, action=action, subject=step, target=step, before=before, after=after)


def step_url(step: ActionStep) -> str:
    return reverse("plans:step", args=[step.pk])


def _tell_people(*, actor: Person, step: ActionStep, roles: dict[str, Person], key: str) -> None:
    """Tell each person what the step now asks of them: doing it, answering for it, or deciding on it."""
    subject = Subject(type="plans.actionstep", id=step.pk, url=step_url(step))
    deadline = step.deadline
    texts = {
        "owner": lambda person: (
            _("%(actor)s gave you the action step “%(step)s”, due %(deadline)s.")
            % {"actor": actor, "step": step.title, "deadline": date_format(deadline)}
        ),
        "responsible": lambda person: (
            _("%(actor)s made you responsible for the action step “%(step)s”, due %(deadline)s.")
            % {"actor": actor, "step": step.title, "deadline": date_format(deadline)}
        ),
        "decider": lambda person: (
            _("%(actor)s made you the one who decides on the action step “%(step)s”.")
            % {"actor": actor, "step": step.title}
        ),
    }
    for role, person in roles.items():
        notify(
            kind=NotificationKind.STEP_ASSIGNED,
            recipients=[person],
            text=texts[role],
            key=f"{key}:{role}",
            subject=subject,
            actor=actor,
        )


# --- writes --------------------------------------------------------------------------------------------------


@transaction.atomic
def step_create(
    *,
    actor: Person,
    key_result: KeyResult,
    title: Any,
    owner: Person | None = None,
    responsible: Person | None = None,
    decider: Person | None = None,
    resource_people: Iterable[Person] = (),
    description: Any = "",
    budget: Any = None,
    currency: Any = DEFAULT_CURRENCY,
    resources_note: Any = "",
    start: Any = None,
    deadline: Any = None,
    status: Any = StepStatus.TODO,
    priority: Any = Priority.P2,
) -> StepResult:
    """EXE-8: a new step at the end of the key result's plan. Its owner defaults to the key result's owner (or the
    actor), responsible to the owner, and the one who decides to the objective's owner (or the owner); its dates to
    today and the key result's end."""
    objective = key_result.objective
    errors = FieldErrors()
    _require_open(errors, objective)
    owner = _clean_person(errors, "owner", owner or key_result.owner or actor, objective, required=True)
    # Left out, the owner answers for it and the objective's owner (while still here) decides: checked as the
    # owner is, so a refusal names the field the person gave.
    if responsible is None:
        responsible = owner
    else:
        _clean_person(errors, "responsible", responsible, objective)
    if decider is None:
        decider = objective.owner if objective.owner is not None and objective.owner.is_active else owner
    else:
        _clean_person(errors, "decider", decider, objective)
    step = ActionStep(
        key_result=key_result,
        title=clean_title(errors, "title", title),
        description=clean_text(errors, "description", description, max_length=TEXT_MAX),
        owner=owner,
        responsible=responsible,
        decider=decider,
        budget=_clean_budget(errors, budget),
        currency=_clean_currency(errors, currency),
        resources_note=clean_text(errors, "resources_note", resources_note, max_length=NOTE_MAX),
        priority=clean_choice(errors, "priority", priority, Priority, int(Priority.P2)),
        created_by=actor,
    )
    step.start = _clean_date(errors, "start", start, default_start(key_result))
    step.deadline = _clean_date(errors, "deadline", deadline, key_result.end_date)
    _check_dates(errors, step.start, step.deadline)
    _apply_status(step, clean_choice(errors, "status", status, StepStatus, str(StepStatus.TODO)))
    people = _clean_people(errors, resource_people, objective)
    errors.raise_if_any()
    last = ActionStep.objects.filter(key_result=key_result).aggregate(last=Max("position"))["last"]
    step.position = 0 if last is None else last + 1
    step.save()
    step.resource_people.set(people)
    entry = _record(
        actor=actor, action="action_step.create", step=step, before=None, after=_snapshot(step, [p.pk for p in people])
    )
    roles = {"owner": step.owner, "responsible": step.responsible, "decider": step.decider}
    _tell_people(
        actor=actor, step=step, roles={r: p for r, p in roles.items() if p is not None}, key=f"step:{entry.pk}"
    )
    return StepResult(step, deadline_warnings(deadline=step.deadline, key_result=key_result))


def _locked(step: ActionStep) -> ActionStep:
    """The step as stored, under a row lock, with the caller's key result (and objective) attached."""
    fresh = (
        ActionStep.objects.select_for_update(of=("self",))
        .select_related("owner", "responsible", "decider")
        .get(pk=step.pk)
    )
    if fresh.key_result_id == step.key_result_id:
        fresh.key_result = step.key_result
    return fresh


# How `step_update` reads each field: (errors, value sent, value now) → the value to store.
_CLEANERS: dict[str, Callable[[FieldErrors, Any, Any], Any]] = {
    "title": lambda errors, value, now: clean_title(errors, "title", value),
    "description": lambda errors, value, now: clean_text(errors, "description", value, max_length=TEXT_MAX),
    "resources_note": lambda errors, value, now: clean_text(errors, "resources_note", value, max_length=NOTE_MAX),
    "budget": lambda errors, value, now: _clean_budget(errors, value),
    "currency": lambda errors, value, now: _clean_currency(errors, value),
    "priority": lambda errors, value, now: clean_choice(errors, "priority", value, Priority, now),
    "start": lambda errors, value, now: _clean_date(errors, "start", value, now),
    "deadline": lambda errors, value, now: _clean_date(errors, "deadline", value, now),
}


@transaction.atomic
def step_update(*, actor: Person, step: ActionStep, data: dict[str, Any]) -> StepResult:
    """Change what `data` names of `UPDATABLE` (the others are refused by name): title, description, dates,
    priority, budget and currency, the other resources and the resource people."""
    objective = step.key_result.objective
    errors = FieldErrors()
    for name in set(data) - UPDATABLE:
        errors.add(name, _("This cannot be changed here."))
    _require_open(errors, objective)
    step = _locked(step)
    before = _snapshot(step, _resource_ids(step))
    for name, value in data.items():
        cleaner = _CLEANERS.get(name)
        if cleaner is not None:
            setattr(step, name, cleaner(errors, value, getattr(step, name)))
    _check_dates(errors, step.start, step.deadline)
    people = _clean_people(errors, data["resource_people"], objective) if "resource_people" in data else None
    errors.raise_if_any()
    step.save()
    if people is not None:
        step.resource_people.set(people)
    after = _snapshot(step, [p.pk for p in people] if people is not None else before["resource_people"])
    if changed_fields(before, after):
        _record(actor=actor, action="action_step.update", step=step, before=before, after=after)
    return StepResult(step, deadline_warnings(deadline=step.deadline, key_result=step.key_result))


@transaction.atomic
def step_reassign(
    *,
    actor: Person,
    step: ActionStep,
    owner: Person | None = None,
    responsible: Person | None = None,
    decider: Person | None = None,
    clear: Iterable[str] = (),
) -> StepResult:
    """Give the step to other people: a new owner (who does it), responsible (who answers for it) or decider (who
    decides); those not given stay, those named in `clear` ("responsible", "decider") are left unnamed. Each
    person given a new part is told."""
    objective = step.key_result.objective
    errors = FieldErrors()
    _require_open(errors, objective)
    cleared = set(clear)
    if "owner" in cleared:
        errors.add("owner", _("Name the person who does this step."))
    step = _locked(step)
    before = _snapshot(step)
    wanted = {"owner": owner, "responsible": responsible, "decider": decider}
    changed: dict[str, Person] = {}
    for role, person in wanted.items():
        if person is not None:
            _clean_person(errors, role, person, objective)
            if getattr(step, f"{role}_id") != person.pk:
                changed[role] = person
            setattr(step, role, person)
        elif role in cleared:
            setattr(step, role, None)
    errors.raise_if_any()
    after = _snapshot(step)
    if changed_fields(before, after):
        step.save(update_fields=[*PEOPLE_FIELDS, "updated_at"])
        entry = _record(actor=actor, action="action_step.reassign", step=step, before=before, after=after)
        _tell_people(actor=actor, step=step, roles=changed, key=f"step:{entry.pk}")
    return StepResult(step, deadline_warnings(deadline=step.deadline, key_result=step.key_result))


def _renumber(key_result_id: int, order: list[int]) -> None:
    """Positions 0, 1, 2 … in the order given (only the rows whose position changes are written)."""
    positions = dict(ActionStep.objects.filter(key_result_id=key_result_id).values_list("pk", "position"))
    for index, pk in enumerate(order):
        if positions.get(pk) != index:
            ActionStep.objects.filter(pk=pk).update(position=index)


def _people_see(errors: FieldErrors, step: ActionStep, objective: Objective) -> None:
    """Everyone named on the step may see `objective` (where it moves to)."""
    named = [p for p in (step.owner, step.responsible, step.decider) if p is not None]
    named += list(step.resource_people.all())
    for person in named:
        if person.is_active and not can_view(person, objective):
            errors.add(
                "key_result",
                _("%(name)s, named on this step, cannot see that objective: give the step to someone who can first.")
                % {"name": person},
            )


@transaction.atomic
def step_move(*, actor: Person, step: ActionStep, key_result: KeyResult, position: int | None = None) -> StepResult:
    """Move the step to `key_result` (the same one to reorder it), at `position` in its plan (0 first; the end
    when not given). The caller checked that the actor may plan both key results."""
    errors = FieldErrors()
    _require_open(errors, step.key_result.objective)
    _require_open(errors, key_result.objective, "key_result")
    step = _locked(step)
    if key_result.pk != step.key_result_id:
        _people_see(errors, step, key_result.objective)
    if position is not None and position < 0:
        errors.add("position", _("A position is 0 (first) or more."))
    errors.raise_if_any()
    before = _snapshot(step)
    old_key_result = step.key_result_id
    order = list(
        ActionStep.objects.filter(key_result=key_result)
        .exclude(pk=step.pk)
        .order_by("position", "id")
        .values_list("pk", flat=True)
    )
    index = len(order) if position is None else min(position, len(order))
    order.insert(index, step.pk)
    if old_key_result != key_result.pk:
        ActionStep.objects.filter(pk=step.pk).update(key_result=key_result, updated_at=timezone.now())
        left = ActionStep.objects.filter(key_result_id=old_key_result).order_by("position", "id")
        _renumber(old_key_result, list(left.values_list("pk", flat=True)))
    _renumber(key_result.pk, order)
    step.refresh_from_db()
    step.key_result = key_result
    after = _snapshot(step)
    if changed_fields(before, after):
        _record(actor=actor, action="action_step.move", step=step, before=before, after=after)
    return StepResult(step, deadline_warnings(deadline=step.deadline, key_result=key_result))


def halves(start: dt.date, deadline: dt.date) -> tuple[dt.date, dt.date]:
    """The first part's deadline and the second part's start when a step is cut in the middle of its days."""
    days = (deadline - start).days
    if days == 0:
        return deadline, deadline
    first_end = start + dt.timedelta(days=(days - 1) // 2)
    return first_end, first_end + dt.timedelta(days=1)


def part_title(title: str) -> str:
    text = _("%(title)s (part 2)") % {"title": title}
    return text if len(text) <= TITLE_MAX else text[: TITLE_MAX - 1] + "…"


@transaction.atomic
def step_split(
    *,
    actor: Person,
    step: ActionStep,
    title: Any = None,
    first_deadline: Any = None,
    second_start: Any = None,
    second_deadline: Any = None,
    second_budget: Any = None,
) -> SplitResult:
    """Cut one step into two (EXE-8): the step keeps its start and history and ends at `first_deadline`; a new step
    right after it (`split_from` the first) takes `title`, the rest of the time and `second_budget` of the budget,
    with the same people, priority and status (a step done is split into a part to do). Dates not given divide the
    step's days in two. Each part's history says it was split."""
    objective = step.key_result.objective
    errors = FieldErrors()
    _require_open(errors, objective)
    step = _locked(step)
    middle_end, middle_start = halves(step.start, step.deadline)
    first_end = _clean_date(errors, "first_deadline", first_deadline, middle_end)
    default_second_start = (
        middle_start if first_deadline in (None, "") else min(first_end + dt.timedelta(days=1), step.deadline)
    )
    second_from = _clean_date(errors, "second_start", second_start, default_second_start)
    second_to = _clean_date(errors, "second_deadline", second_deadline, max(step.deadline, second_from))
    if first_end < step.start:
        errors.add("first_deadline", _("The first part would end before the step starts."))
    if second_to < second_from:
        errors.add("second_deadline", _("The deadline is before the start."))
    moved_budget = _clean_budget(errors, second_budget) if second_budget not in (None, "") else Decimal(0)
    if moved_budget > step.budget:
        errors.add("second_budget", _("The new part cannot take more than the step's budget."))
    new_title = clean_title(errors, "title", title) if title not in (None, "") else part_title(step.title)
    errors.raise_if_any()
    people = _resource_ids(step)
    before = _snapshot(step, people)
    step.deadline, step.budget = first_end, step.budget - moved_budget
    step.save(update_fields=["deadline", "budget", "updated_at"])
    ActionStep.objects.filter(key_result=step.key_result, position__gt=step.position).update(position=F("position") + 1)
    other = ActionStep.objects.create(
        key_result=step.key_result,
        title=new_title,
        description=step.description,
        owner=step.owner,
        responsible=step.responsible,
        decider=step.decider,
        budget=moved_budget,
        currency=step.currency,
        resources_note=step.resources_note,
        start=second_from,
        deadline=second_to,
        status=StepStatus.TODO if step.status == StepStatus.DONE else step.status,
        priority=step.priority,
        position=step.position + 1,
        split_from=step,
        created_by=actor,
    )
    other.resource_people.set(people)
    _record(
        actor=actor,
        action="action_step.split",
        step=step,
        before=before,
        after={**_snapshot(step, people), "split_into": other.pk},
    )
    _record(actor=actor, action="action_step.split_off", step=other, before=None, after=_snapshot(other, people))
    warnings = deadline_warnings(deadline=other.deadline, key_result=step.key_result) or deadline_warnings(
        deadline=step.deadline, key_result=step.key_result
    )
    return SplitResult(step, other, warnings)


@transaction.atomic
def step_set_status(*, actor: Person, step: ActionStep, status: Any) -> StepResult:
    """To do, in progress, done, blocked or cancelled; done notes when."""
    errors = FieldErrors()
    _require_open(errors, step.key_result.objective)
    chosen = clean_choice(errors, "status", status, StepStatus, "")
    if not chosen:
        errors.add("status", _("Choose a status."))
    errors.raise_if_any()
    step = _locked(step)
    if chosen == step.status:
        return StepResult(step)
    before = {"status": step.status}
    _apply_status(step, chosen)
    step.save(update_fields=["status", "done_at", "updated_at"])
    _record(actor=actor, action="action_step.status", step=step, before=before, after={"status": step.status})
    return StepResult(step)


@transaction.atomic
def step_delete(*, actor: Person, step: ActionStep) -> None:
    """Delete the step; its deletion is listed in its objective's history (the step's own page is gone). The parts
    split from it keep their history and lose the link."""
    objective = step.key_result.objective
    errors = FieldErrors()
    _require_open(errors, objective)
    errors.raise_if_any()
    history_record(
        actor=actor,
        action="action_step.delete",
        subject=objective,
        target=step,
        before=_snapshot(step, _resource_ids(step)),
    )
    step.delete()
