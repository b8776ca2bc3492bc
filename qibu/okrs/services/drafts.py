"""SET-9, PLAY-LOKR steps 3 and 4: key results written first, in a pool of the person's own for a cycle, then
gathered under the objective they serve. A draft is checked as a key result is (`measured_key_result`), so that
gathering it can only fail for what changed meanwhile (a closed cycle); gathering turns every draft chosen into a
key result of the objective and removes it from the pool, all of them or none.

History: a draft's writes are in its owner's history (their pool is theirs); the key results made from drafts are
in their objective's, as any key result added to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qibu.audit.services import history_record, snapshot
from qibu.core.validation import FieldErrors, clean_date_range
from qibu.cycles.models import Cycle
from qibu.okrs.models import DraftKeyResult, KeyResult, KeyResultKind, Objective
from qibu.okrs.services._common import require_open_cycle
from qibu.okrs.services.key_results import key_result_create, measured_key_result
from qibu.org.models import Person, StrategicGoal

DRAFT_FIELDS = (
    "title",
    "kind",
    "start_value",
    "target_value",
    "unit",
    "band_low",
    "band_high",
    "milestones",
    "start_date",
    "end_date",
    "strategic_goal",
    "cycle",
)
# What a draft holds of a key result (a draft has no current value, owner, weight or confidence yet).
_MEASURE_FIELDS = ("title", "kind", "start_value", "target_value", "unit", "band_low", "band_high", "milestones")


def _check_goal(errors: FieldErrors, owner: Person, goal: StrategicGoal | None) -> StrategicGoal | None:
    """PLAY-LOKR: key results under a strategic goal are the leadership's, who then set company objectives from
    them; other people's key results serve objectives aligned to the company's (SET-6)."""
    if goal is not None and not owner.is_executive:
        errors.add("strategic_goal", _("Only executives draft key results under a strategic goal."))
    return goal


def _dates(errors: FieldErrors, start: dt.date | None, end: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    """Dates are optional (empty: the objective's); given both, the end is not before the start (SET-8)."""
    if start is not None and end is not None:
        return clean_date_range(errors, start, end)
    return start, end


def _fill(errors: FieldErrors, draft: DraftKeyResult, values: Mapping[str, Any]) -> None:
    """The draft's measure from `values` (every one of `_MEASURE_FIELDS`), checked as a key result's."""
    milestones = values.get("milestones") or []
    kr, milestone_rows = measured_key_result(
        errors,
        title=values.get("title"),
        kind=values.get("kind") or KeyResultKind.INCREASE,
        start_value=values.get("start_value"),
        target_value=values.get("target_value"),
        unit=values.get("unit"),
        band_low=values.get("band_low"),
        band_high=values.get("band_high"),
        milestones=milestones,
    )
    draft.title, draft.kind, draft.unit = kr.title, kr.kind, kr.unit
    draft.start_value, draft.target_value = kr.start_value, kr.target_value
    draft.band_low, draft.band_high = kr.band_low, kr.band_high
    draft.milestones = [row.title for row in milestone_rows]


@transaction.atomic
def draft_key_result_create(
    *,
    actor: Person,
    owner: Person,
    cycle: Cycle,
    title: str,
    kind: str = KeyResultKind.INCREASE,
    start_value: Any = 0,
    target_value: Any = None,
    unit: str = "",
    band_low: Any = None,
    band_high: Any = None,
    milestones: Sequence[str] = (),
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    strategic_goal: StrategicGoal | None = None,
) -> DraftKeyResult:
    """A key result written before its objective, last in `owner`'s pool for the cycle."""
    errors = FieldErrors()
    require_open_cycle(errors, cycle)
    draft = DraftKeyResult(owner=owner, author=actor, cycle=cycle)
    _fill(
        errors,
        draft,
        {
            "title": title,
            "kind": kind,
            "start_value": start_value,
            "target_value": target_value,
            "unit": unit,
            "band_low": band_low,
            "band_high": band_high,
            "milestones": milestones,
        },
    )
    draft.start_date, draft.end_date = _dates(errors, start_date, end_date)
    draft.strategic_goal = _check_goal(errors, owner, strategic_goal)
    errors.raise_if_any()
    last = (
        DraftKeyResult.objects.filter(owner=owner, cycle=cycle)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    draft.position = 0 if last is None else last + 1
    draft.save()
    history_record(
        actor=actor, action="draft_key_result.create", subject=owner, target=draft, after=snapshot(draft, DRAFT_FIELDS)
    )
    return draft


@transaction.atomic
def draft_key_result_update(*, actor: Person, draft: DraftKeyResult, data: Mapping[str, Any]) -> DraftKeyResult:
    """Change the fields given of a draft (any of `DRAFT_FIELDS` but the cycle), checked as on creation."""
    errors = FieldErrors()
    require_open_cycle(errors, draft.cycle)
    before = snapshot(draft, DRAFT_FIELDS)
    _fill(errors, draft, {name: data.get(name, getattr(draft, name)) for name in _MEASURE_FIELDS})
    draft.start_date, draft.end_date = _dates(
        errors, data.get("start_date", draft.start_date), data.get("end_date", draft.end_date)
    )
    if "strategic_goal" in data:
        draft.strategic_goal = _check_goal(errors, draft.owner, data["strategic_goal"])
    if errors:
        draft.refresh_from_db()
        errors.raise_if_any()
    after = snapshot(draft, DRAFT_FIELDS)
    changed = [name for name in DRAFT_FIELDS if before[name] != after[name]]
    if changed:
        draft.save(update_fields=[*changed, "updated_at"])
        history_record(
            actor=actor,
            action="draft_key_result.update",
            subject=draft.owner,
            target=draft,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )
    return draft


@transaction.atomic
def draft_key_result_delete(*, actor: Person, draft: DraftKeyResult) -> None:
    history_record(
        actor=actor,
        action="draft_key_result.delete",
        subject=draft.owner,
        target=draft,
        before=snapshot(draft, DRAFT_FIELDS),
    )
    draft.delete()


@transaction.atomic
def draft_key_results_gather(
    *, actor: Person, drafts: Iterable[DraftKeyResult], objective: Objective
) -> list[KeyResult]:
    """SET-9: the drafts become key results of `objective` (each checked again, owned by the objective's owner,
    with the draft's dates or else the objective's) and leave the pool: all of them, or, on any problem, none.
    Refused, naming the field "drafts": a draft of another cycle than the objective's, and whatever a key result
    of the objective would be refused for (a closed cycle). Whether the actor may edit the objective is the
    caller's to ask (`access`), and the drafts must be the actor's (`access.draft_key_result_for`)."""
    chosen = sorted({d.pk: d for d in drafts}.values(), key=lambda d: (d.position, d.pk))
    errors = FieldErrors()
    if not chosen:
        errors.add("drafts", _("Choose the drafted key results to gather."))
    for draft in chosen:
        if draft.cycle_id != objective.cycle_id:
            errors.add(
                "drafts",
                _("“%(title)s” is drafted for %(draft_cycle)s; the objective is in %(cycle)s.")
                % {"title": draft.title, "draft_cycle": draft.cycle.name, "cycle": objective.cycle.name},
            )
    errors.raise_if_any()
    created = []
    problems = FieldErrors()
    for draft in chosen:
        try:
            with transaction.atomic():
                created.append(
                    key_result_create(
                        actor=actor,
                        objective=objective,
                        title=draft.title,
                        kind=draft.kind,
                        start_value=draft.start_value,
                        target_value=draft.target_value,
                        unit=draft.unit,
                        band_low=draft.band_low,
                        band_high=draft.band_high,
                        milestones=draft.milestones,
                        start_date=draft.start_date,
                        end_date=draft.end_date,
                    )
                )
        except ValidationError as exc:
            # Every draft's problems are told, then nothing is kept (the raise below undoes those made).
            for message in exc.messages:
                problems.add("drafts", _("“%(title)s”: %(problem)s") % {"title": draft.title, "problem": message})
    problems.raise_if_any()
    for draft in chosen:
        history_record(
            actor=actor,
            action="draft_key_result.gather",
            subject=draft.owner,
            target=draft,
            before=snapshot(draft, DRAFT_FIELDS),
            after={"objective": objective.pk},
        )
    DraftKeyResult.objects.filter(pk__in=[d.pk for d in chosen]).delete()
    return created
