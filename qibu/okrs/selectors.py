"""Reads on OKRs, shared by pages and the API. Visibility always goes through `access`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from qibu.cycles.models import Cycle
from qibu.okrs import progress as meas
from qibu.okrs.access import objective_queryset, visible_objectives_q
from qibu.okrs.models import Alignment, CheckIn, KeyResult, Objective
from qibu.org.models import Organisation, Person


def decorate_key_results(krs: Iterable[KeyResult], organisation: Organisation, now: dt.datetime | None = None) -> None:
    """Attach health (MEAS-6) and staleness (MEAS-8) for display; no queries."""
    now = now or timezone.now()
    for kr in krs:
        kr.health = meas.health_for(
            kr.confidence, on_track=organisation.on_track_confidence, at_risk=organisation.at_risk_confidence
        )
        kr.stale = meas.is_stale(
            last_checkin_at=kr.last_checkin_at,
            created_at=kr.created_at,
            now=now,
            cadence_days=organisation.checkin_cadence_days,
        )


def decorate_objectives(
    objectives: Iterable[Objective], organisation: Organisation, today: dt.date | None = None
) -> None:
    """Attach health and pace (MEAS-6) to objectives whose cycle is loaded; no queries."""
    today = today or timezone.localdate()
    for obj in objectives:
        obj.health = meas.health_for(
            obj.confidence, on_track=organisation.on_track_confidence, at_risk=organisation.at_risk_confidence
        )
        span = Cycle(start=obj.start_date, end=obj.end_date)
        obj.elapsed = Decimal(str(round(span.elapsed_share(today), 4)))
        obj.behind_pace = meas.behind_pace(
            progress=obj.progress, elapsed_share=float(obj.elapsed), points=organisation.behind_pace_points
        )


def key_results_prefetch() -> Prefetch:
    return Prefetch(
        "key_results",
        queryset=KeyResult.objects.select_related("owner").prefetch_related("milestones").order_by("position", "id"),
    )


def objectives_visible(person: Person) -> QuerySet[Objective]:
    return objective_queryset().filter(visible_objectives_q(person))


def objectives_for_owner(*, person: Person, viewer: Person, cycle: Cycle) -> list[Objective]:
    """A person's objectives in a cycle, as `viewer` may see them, with key results."""
    return list(
        objectives_visible(viewer)
        .filter(cycle=cycle, owner=person)
        .prefetch_related(key_results_prefetch())
        .order_by("priority", "id")
    )


def checkins_for_objective(objective: Objective, limit: int = 200) -> list[CheckIn]:
    return list(
        CheckIn.objects.filter(key_result__objective=objective)
        .select_related("author", "key_result")
        .order_by("-created_at", "-id")[:limit]
    )


def parents_of(objective: Objective, viewer: Person) -> list[Alignment]:
    """The alignments upwards that the viewer may see."""
    visible = visible_objectives_q(viewer)
    return list(
        Alignment.objects.filter(child=objective)
        .filter(rollup_parent__in=Objective.objects.filter(visible))
        .select_related("parent_objective", "parent_key_result", "rollup_parent")
    )


def children_of(objective: Objective, viewer: Person) -> list[Objective]:
    """Objectives aligned under this one (to it or to its key results) that the viewer may see."""
    return list(
        objectives_visible(viewer).filter(alignments_up__rollup_parent=objective).order_by("level", "priority", "id")
    )
