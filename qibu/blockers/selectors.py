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


# --- the list page -------------------------------------------------------------------------------------------

PER_PAGE = 25


@dataclass(frozen=True)
class BlockerFilters:
    """The list's filters, as the page's query string and the API's parameters give them."""

    mine: bool = False  # I own it
    concerning: bool = False  # I am among the people concerned
    team: int | None = None
    department: int | None = None
    tier: str = ""
    status: str = BlockerStatus.OPEN  # "open", "resolved" or "" for both


@dataclass(frozen=True)
class BlockerPage:
    rows: list[BlockerRow]
    page: int
    pages: int
    total: int

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def filtered_blockers(*, viewer: Person, filters: BlockerFilters) -> QuerySet[Blocker]:
    """The blockers the viewer may see that pass `filters`: open ones oldest first, resolved ones newest first."""
    qs = blocker_queryset().filter(visible_blockers_q(viewer))
    if filters.mine:
        qs = qs.filter(owner_id=viewer.pk)
    if filters.concerning:
        qs = qs.filter(pk__in=Blocker.concerned.through.objects.filter(person_id=viewer.pk).values("blocker_id"))
    if filters.team is not None:
        qs = qs.filter(team_id=filters.team)
    if filters.department is not None:
        qs = qs.filter(department_id=filters.department)
    if filters.tier:
        qs = qs.filter(tier=filters.tier)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.status == BlockerStatus.RESOLVED:
        return qs.order_by("-resolved_at", "-id")
    # Open ones first ("open" sorts before "resolved"), oldest first.
    return qs.order_by("status", "created_at", "id")


def blocker_page(*, viewer: Person, filters: BlockerFilters, page: int = 1, per_page: int = PER_PAGE) -> BlockerPage:
    """One page of the list: a count, the page's blockers, their people concerned, and the objectives among them
    the viewer may see (four queries, whatever the company's size)."""
    qs = filtered_blockers(viewer=viewer, filters=filters)
    total = qs.count()
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    items = qs.prefetch_related("concerned")[(page - 1) * per_page : page * per_page]
    return BlockerPage(rows=blocker_rows(items, viewer=viewer), page=page, pages=pages, total=total)


# --- the objective page and the daily focus -----------------------------------------------------------------


@dataclass(frozen=True)
class PanelLine:
    id: int
    title: str
    url: str
    owner: str
    age_days: int
    tier: str
    tier_label: str
    key_result_id: int


PANEL_LIMIT = 20


def key_result_blockers(*, viewer: Person, key_result_ids: list[int], now: dt.datetime) -> list[PanelLine]:
    """The open blockers on these key results that the viewer may see, oldest first (one query, at most
    `PANEL_LIMIT`): the objective page's panel; the caller has checked that the viewer may see the objective."""
    if not key_result_ids:
        return []
    qs = (
        Blocker.objects.filter(visible_blockers_q(viewer), key_result_id__in=key_result_ids, status=BlockerStatus.OPEN)
        .select_related("owner")
        .order_by("created_at", "id")[:PANEL_LIMIT]
    )
    tiers = dict(Tier.choices)
    return [
        PanelLine(
            id=b.pk,
            title=b.title,
            url=reverse("blockers:detail", args=[b.pk]),
            owner=str(b.owner),
            age_days=b.age_days(now),
            tier=b.tier,
            tier_label=str(tiers.get(b.tier, b.tier)),
            key_result_id=b.key_result_id or 0,
        )
        for b in qs
    ]


FOCUS_LIMIT = 5


def owned_open(person: Person, *, limit: int = FOCUS_LIMIT) -> list[Blocker]:
    """The open blockers `person` owns, oldest first (one query)."""
    return list(
        Blocker.objects.filter(owner_id=person.pk, status=BlockerStatus.OPEN).order_by("created_at", "id")[:limit]
    )
