"""Reading blockers (EXE-2): typed rows for the pages, the API and the meetings above, each list in a fixed number of
queries (the blockers with their people and links; the people concerned; the objectives among them the viewer may
see, so that a key result's or step's title shows only to those who may read it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from qibu.blockers.access import blocker_queryset, visible_blockers_q
from qibu.blockers.models import Blocker, BlockerSource, BlockerStatus, Tier
from qibu.okrs.access import visible_objectives_q
from qibu.okrs.models import KeyResult, Objective
from qibu.org.models import Department, Person, Team


@dataclass(frozen=True)
class BlockerRow:
    id: int
    title: str
    url: str
    status: str
    status_label: str
    owner_id: int
    owner_name: str
    concerned_ids: tuple[int, ...]
    concerned_names: tuple[str, ...]
    raised_by_name: str
    team_id: int | None
    department_id: int | None
    group: str  # the team's name, else the department's, else ""
    tier: str
    tier_label: str
    source: str
    source_label: str
    source_id: int | None
    created_at: dt.datetime
    escalated_at: dt.datetime | None
    resolved_at: dt.datetime | None
    age_days: int
    key_result_id: int | None
    key_result_title: str  # "" when none, or when the viewer may not see its objective
    key_result_url: str
    action_step_id: int | None
    action_step_title: str
    action_step_url: str

    @property
    def is_open(self) -> bool:
        return self.status == BlockerStatus.OPEN


def _queryset() -> QuerySet[Blocker]:
    return blocker_queryset().prefetch_related("concerned")


def blocker_rows(blockers: Iterable[Blocker], *, viewer: Person, now: dt.datetime | None = None) -> list[BlockerRow]:
    """Rows for blockers read with `blocker_queryset()` and their people concerned prefetched: one more query, for
    the objectives of their key results the viewer may see (none when nothing is linked)."""
    now = now or timezone.now()
    items = list(blockers)
    objective_ids = {b.key_result.objective_id for b in items if b.key_result is not None}
    visible: set[int] = set()
    if objective_ids:
        visible = set(
            Objective.objects.filter(visible_objectives_q(viewer), pk__in=objective_ids).values_list("pk", flat=True)
        )
    tiers = dict(Tier.choices)
    sources = dict(BlockerSource.choices)
    statuses = dict(BlockerStatus.choices)
    rows = []
    for b in items:
        people = sorted(b.concerned.all(), key=lambda p: (str(p), p.pk))
        kr = b.key_result
        shown = kr is not None and kr.objective_id in visible
        step = b.action_step if shown else None
        rows.append(
            BlockerRow(
                id=b.pk,
                title=b.title,
                url=reverse("blockers:detail", args=[b.pk]),
                status=b.status,
                status_label=str(statuses.get(b.status, b.status)),
                owner_id=b.owner_id,
                owner_name=str(b.owner),
                concerned_ids=tuple(p.pk for p in people),
                concerned_names=tuple(str(p) for p in people),
                raised_by_name=str(b.raised_by) if b.raised_by else "",
                team_id=b.team_id,
                department_id=b.department_id,
                group=b.team.name if b.team else (b.department.name if b.department else ""),
                tier=b.tier,
                tier_label=str(tiers.get(b.tier, b.tier)),
                source=b.source,
                source_label=str(sources.get(b.source, b.source)),
                source_id=b.source_id,
                created_at=b.created_at,
                escalated_at=b.escalated_at,
                resolved_at=b.resolved_at,
                age_days=b.age_days(now),
                key_result_id=kr.pk if kr is not None and shown else None,
                key_result_title=kr.title if kr is not None and shown else "",
                key_result_url=(
                    reverse("okrs:objective", args=[kr.objective_id]) + f"#kr-{kr.pk}"
                    if kr is not None and shown
                    else ""
                ),
                action_step_id=step.pk if step is not None else None,
                action_step_title=step.title if step is not None else "",
                action_step_url=reverse("plans:step", args=[step.pk]) if step is not None else "",
            )
        )
    return rows


def key_result_url(kr: KeyResult) -> str:
    return reverse("okrs:objective", args=[kr.objective_id]) + f"#kr-{kr.pk}"


def open_blockers(
    *,
    viewer: Person,
    team: Team | None = None,
    department: Department | None = None,
    person: Person | None = None,
    limit: int | None = None,
) -> list[BlockerRow]:
    """The open blockers the viewer may see, oldest first: of a team, of a department (its teams' too), or those a
    person owns or is concerned by. Three queries at most (and the departments the viewer heads, once)."""
    qs = _queryset().filter(visible_blockers_q(viewer), status=BlockerStatus.OPEN)
    if team is not None:
        qs = qs.filter(team=team)
    if department is not None:
        qs = qs.filter(department=department)
    if person is not None:
        qs = qs.filter(_involves_q(person))
    qs = qs.order_by("created_at", "id")
    if limit is not None:
        qs = qs[:limit]
    return blocker_rows(qs, viewer=viewer)


def _involves_q(person: Person) -> Q:
    concerned = Blocker.concerned.through.objects.filter(person_id=person.pk).values("blocker_id")
    return Q(owner_id=person.pk) | Q(pk__in=concerned)


def escalated_blockers(*, viewer: Person, tier: str, department: Department | None = None) -> list[BlockerRow]:
    """The open blockers that have reached `tier` (a department's weekly meeting: those of `department`; the
    management's: the whole company's, or one department's), oldest first, that the viewer may see."""
    qs = _queryset().filter(visible_blockers_q(viewer), status=BlockerStatus.OPEN, tier=tier)
    if department is not None:
        qs = qs.filter(department=department)
    return blocker_rows(qs.order_by("created_at", "id"), viewer=viewer)
