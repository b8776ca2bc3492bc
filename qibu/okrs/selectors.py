"""Reads on OKRs, shared by pages and the API. Visibility always goes through `access`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from qibu.cycles.models import Cycle
from qibu.okrs import progress as meas
from qibu.okrs.access import can_edit, can_view, may_check_in_now, objective_queryset, visible_objectives_q
from qibu.okrs.models import Alignment, KeyResult, KeyResultKind, Milestone, Objective
from qibu.org.models import Organisation, Person


@dataclass(frozen=True)
class KeyResultStatus:
    """Where a key result stands today: health (MEAS-6), staleness (MEAS-8) and pace (MEAS-6)."""

    health: str
    stale: bool
    behind_pace: bool


@dataclass(frozen=True)
class ObjectiveStatus:
    """Where an objective stands today: health and pace (MEAS-6), and the share of its time gone."""

    health: str
    elapsed: Decimal
    behind_pace: bool


def key_result_status(
    kr: KeyResult, organisation: Organisation, *, now: dt.datetime | None = None, today: dt.date | None = None
) -> KeyResultStatus:
    """The status of a key result from its stored numbers and dates; no queries. Pages and API alike."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    return KeyResultStatus(
        health=meas.health_for(
            kr.confidence, on_track=organisation.on_track_confidence, at_risk=organisation.at_risk_confidence
        ),
        stale=meas.is_stale(
            last_checkin_at=kr.last_checkin_at,
            created_at=kr.created_at,
            now=now,
            cadence_days=organisation.checkin_cadence_days,
        ),
        behind_pace=meas.behind_pace(
            progress=kr.progress,
            elapsed_share=elapsed_share(kr.start_date, kr.end_date, today),
            points=organisation.behind_pace_points,
        ),
    )


def objective_status(objective: Objective, organisation: Organisation, today: dt.date | None = None) -> ObjectiveStatus:
    """The status of an objective from its stored roll-up and dates; no queries. Pages and API alike."""
    today = today or timezone.localdate()
    elapsed = Decimal(str(round(elapsed_share(objective.start_date, objective.end_date, today), 4)))
    return ObjectiveStatus(
        health=meas.health_for(
            objective.confidence, on_track=organisation.on_track_confidence, at_risk=organisation.at_risk_confidence
        ),
        elapsed=elapsed,
        behind_pace=meas.behind_pace(
            progress=objective.progress, elapsed_share=float(elapsed), points=organisation.behind_pace_points
        ),
    )


@dataclass(frozen=True)
class KeyResultCard:
    """A key result as a page shows it: its row, its status today, whether the viewer may check in now, and
    (when the page asked for them) its owner's name and its milestones."""

    key_result: KeyResult
    status: KeyResultStatus
    can_check_in: bool = False
    owner_name: str = ""
    milestones: tuple[Milestone, ...] = ()
    # EXE-9: the ids of its milestones past their due date and not done (of those listed).
    overdue: frozenset[int] = frozenset()


@dataclass(frozen=True)
class ObjectiveCard:
    """An objective as a page shows it: its row, its status today, its key results, whether the viewer may edit."""

    objective: Objective
    status: ObjectiveStatus
    key_results: list[KeyResultCard]
    can_edit: bool = False


def key_result_cards(
    key_results: Iterable[KeyResult],
    *,
    objective: Objective,
    viewer: Person,
    organisation: Organisation,
    editable: bool | None = None,
    with_permissions: bool = True,
    with_details: bool = True,
    owner_names: Mapping[int, str] | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> list[KeyResultCard]:
    """Cards for an objective's key results. `editable` is `can_edit(viewer, objective)` when the caller knows
    it; `with_permissions` decides `can_check_in` through `access.may_check_in_now`. `with_details` names the
    owner (from `owner_names`, else the owner loaded with the key result) and lists the milestones of a key
    result made of them (prefetched). No queries of its own: what is not loaded is left out, not read."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    if with_permissions and editable is None:
        editable = can_edit(viewer, objective)
    cards = []
    for kr in key_results:
        milestones = _milestones(kr) if with_details else ()
        cards.append(
            KeyResultCard(
                key_result=kr,
                status=key_result_status(kr, organisation, now=now, today=today),
                can_check_in=with_permissions and may_check_in_now(viewer, objective, kr, editable=editable),
                owner_name=_owner_name(kr, owner_names) if with_details else "",
                milestones=milestones,
                overdue=frozenset(m.pk for m in milestones if is_overdue(m, today)),
            )
        )
    return cards


def is_overdue(milestone: Milestone, today: dt.date) -> bool:
    """EXE-9: past its due date and not done."""
    return not milestone.done and milestone.due_date is not None and milestone.due_date < today


def _owner_name(kr: KeyResult, known: Mapping[int, str] | None) -> str:
    if kr.owner_id is None:
        return ""
    if known is not None and kr.owner_id in known:
        return known[kr.owner_id]
    return str(kr.owner) if KeyResult.owner.is_cached(kr) else ""


def _milestones(kr: KeyResult) -> tuple[Milestone, ...]:
    prefetched = getattr(kr, "_prefetched_objects_cache", {})
    if kr.kind != KeyResultKind.MILESTONES or "milestones" not in prefetched:
        return ()
    return tuple(kr.milestones.all())


def objective_cards(
    objectives: Iterable[Objective],
    *,
    viewer: Person,
    organisation: Organisation,
    with_key_results: bool = True,
    with_permissions: bool = False,
    with_details: bool = False,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> list[ObjectiveCard]:
    """Cards for objectives read with what they show (key results prefetched when `with_key_results`; owner,
    department and team loaded when `with_permissions`, which decides `can_edit` and `can_check_in` through
    `access`; `with_details` as `key_result_cards`). No queries of its own."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    cards = []
    for objective in objectives:
        editable = with_permissions and can_edit(viewer, objective)
        key_results = key_result_cards(
            objective.key_results.all() if with_key_results else (),
            objective=objective,
            viewer=viewer,
            organisation=organisation,
            editable=editable,
            with_permissions=with_permissions,
            with_details=with_details,
            today=today,
            now=now,
        )
        cards.append(
            ObjectiveCard(
                objective=objective,
                status=objective_status(objective, organisation, today),
                key_results=key_results,
                can_edit=editable,
            )
        )
    return cards


@dataclass(frozen=True)
class _Span:
    """Dates with `Cycle`'s arithmetic, without building a model instance for each row."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def elapsed_share(start: dt.date, end: dt.date, today: dt.date) -> float:
    """`Cycle.elapsed_share` of the span from `start` to `end` (MEAS-6 pace)."""
    return Cycle.elapsed_share(cast(Cycle, _Span(start, end)), today)


def key_results_prefetch() -> Prefetch[str, QuerySet[KeyResult]]:
    return Prefetch(
        "key_results",
        queryset=KeyResult.objects.select_related("owner").prefetch_related("milestones").order_by("position", "id"),
    )


def owner_objective_count(*, owner_id: int | None, cycle_id: int | None, excluding: int | None = None) -> int:
    """How many objectives the owner has in the cycle, whoever may see them (SET-3 counts them all); one query,
    none without an owner or a cycle."""
    if not owner_id or not cycle_id:
        return 0
    objectives = Objective.objects.filter(cycle_id=cycle_id, owner_id=owner_id)
    if excluding is not None:
        objectives = objectives.exclude(pk=excluding)
    return objectives.count()


def key_result_count(objective: Objective) -> int:
    """How many key results the objective has (SET-4); one query."""
    return KeyResult.objects.filter(objective=objective).count()


def objectives_visible(person: Person) -> QuerySet[Objective]:
    return objective_queryset().filter(visible_objectives_q(person))


def objectives_for_owner(*, person: Person, viewer: Person, cycle: Cycle) -> list[Objective]:
    """A person's objectives in a cycle, as `viewer` may see them, with key results."""
    return objectives_for_owner_in(person=person, viewer=viewer, cycles=[cycle])


def objectives_for_owner_in(*, person: Person, viewer: Person, cycles: Sequence[Cycle]) -> list[Objective]:
    """A person's objectives in any of these cycles (one query whatever their number), as `viewer` may see
    them, with key results, in priority order; each has its cycle from `cycles`."""
    by_pk = {c.pk: c for c in cycles}
    if viewer.pk != person.pk or not viewer.is_authenticated or not viewer.is_active:
        return list(
            objectives_visible(viewer)
            .filter(cycle_id__in=by_pk, owner=person)
            .prefetch_related(key_results_prefetch())
            .order_by("priority", "id")
        )
    # One's own objectives: the owner sees every one of them (`visible_objectives_q` lets the owner
    # through), and their cycles and owner are the ones in hand, so neither the filter nor the joins
    # are needed.
    objectives = list(
        Objective.objects.filter(cycle_id__in=by_pk, owner=person)
        .prefetch_related(key_results_prefetch())
        .order_by("priority", "id")
    )
    for objective in objectives:
        objective.cycle = by_pk[objective.cycle_id]
        objective.owner = person
    return objectives


def parents_of(objective: Objective, viewer: Person) -> list[Alignment]:
    """The alignments upwards that the viewer may see.

    An objective has a few parents at most: each is read with what `can_view` looks at and checked
    by it, rather than by the list filter, which costs more to build than the rows it filters."""
    found = (
        Alignment.objects.filter(child=objective)
        .select_related("parent_key_result", "rollup_parent__owner", "rollup_parent__department")
        .only(
            "id",
            "child_id",
            "parent_objective_id",
            "parent_key_result_id",
            "rollup_parent_id",
            "parent_key_result__id",
            "parent_key_result__title",
            *(f"rollup_parent__{name}" for name in (*_CHILD_FIELDS, *_VIEW_FIELDS)),
            "rollup_parent__owner__id",
            "rollup_parent__owner__manager_id",
            "rollup_parent__department__id",
            "rollup_parent__department__path",
        )
        .order_by("id")
    )
    return [alignment for alignment in found if can_view(viewer, alignment.rollup_parent)]


# What a list of related objectives shows (title, level, owner, progress, health, pace, and whether it is agreed).
_CHILD_FIELDS = (
    *("id", "title", "level", "owner_id", "progress", "confidence", "start_date", "end_date"),
    *("approval", "approved_at"),
)
# What `access.can_view` reads of an objective beyond those (a team draft's team is read when asked).
_VIEW_FIELDS = ("visibility", "author_id", "department_id", "team_id")


def children_of(objective: Objective, viewer: Person, limit: int | None = None) -> list[Objective]:
    """Objectives aligned under this one (to it or to its key results) that the viewer may see."""
    found = (
        Objective.objects.filter(visible_objectives_q(viewer), alignments_up__rollup_parent=objective)
        .select_related("owner")
        .only(*_CHILD_FIELDS, "owner__id", "owner__username", "owner__full_name")
        .order_by("level", "priority", "id")
    )
    return list(found[:limit] if limit is not None else found)
