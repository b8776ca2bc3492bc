"""The celebration's reads (CEL-1 … CEL-5): typed rows for pages and API, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Q, QuerySet

from qibu.celebrate.access import incentives_visible_q, recognitions_visible_q
from qibu.celebrate.models import (
    Celebration,
    CelebrationLevel,
    CelebrationState,
    Incentive,
    Lesson,
    Recognition,
    RewardTier,
)
from qibu.cycles.models import Cycle
from qibu.cycles.phases import Phase, PhaseFacts, phase_window
from qibu.okrs.models import Level, Objective
from qibu.org.models import Department, Organisation, Person, Team

RECOGNITION_LIMIT = 50
PANEL_LIMIT = 10


@dataclass(frozen=True)
class TierSuggestion:
    """CEL-3: the average score of the level's objectives in the cycle, how many were scored, and the tier it earns
    by the policy's thresholds."""

    score: Decimal | None
    scored: int
    objectives: int
    tier: RewardTier
    rich_from: Decimal
    standard_from: Decimal


def tier_for(score: Decimal | None, organisation: Organisation) -> RewardTier:
    """CEL-3: at or above `reward_rich_from` rich, at or above `reward_standard_from` standard, else simple (and
    simple when nothing was scored)."""
    if score is None:
        return RewardTier.SIMPLE
    if score >= organisation.reward_rich_from:
        return RewardTier.RICH
    if score >= organisation.reward_standard_from:
        return RewardTier.STANDARD
    return RewardTier.SIMPLE


def _objectives_of(level: str, department: Department | None, team: Team | None) -> Q:
    if level == CelebrationLevel.TEAM:
        return Q(level=Level.TEAM, team=team)
    if level == CelebrationLevel.DEPARTMENT:
        return Q(level=Level.DEPARTMENT, department=department)
    return Q(level=Level.COMPANY)


def tier_suggestion(
    *, organisation: Organisation, level: str, cycle: Cycle, department: Department | None, team: Team | None
) -> TierSuggestion:
    """One query: a team's objectives, a department's, or (the management) the company's, in the cycle (a month's
    or a week's celebration reads the quarter it falls in)."""
    quarter_id = cycle.parent_id if cycle.kind == "month" and cycle.parent_id else cycle.pk
    found = Objective.objects.filter(_objectives_of(level, department, team), cycle_id=quarter_id).aggregate(
        average=Avg("score"), scored=Count("score"), objectives=Count("id")
    )
    score = found["average"]
    score = None if score is None else Decimal(score).quantize(Decimal("0.01"))
    return TierSuggestion(
        score=score,
        scored=found["scored"],
        objectives=found["objectives"],
        tier=tier_for(score, organisation),
        rich_from=organisation.reward_rich_from,
        standard_from=organisation.reward_standard_from,
    )


@dataclass(frozen=True)
class RecognitionRow:
    id: int
    giver_id: int
    giver: str
    receiver_id: int
    receiver: str
    key_result_id: int
    key_result: str
    value: str
    message: str
    public: bool
    created_at: dt.datetime


def _recognition_rows(queryset: QuerySet[Recognition], limit: int = RECOGNITION_LIMIT) -> list[RecognitionRow]:
    rows = queryset.select_related("giver", "receiver", "key_result", "value").order_by("-created_at", "-id")[:limit]
    return [
        RecognitionRow(
            id=r.pk,
            giver_id=r.giver_id,
            giver=str(r.giver),
            receiver_id=r.receiver_id,
            receiver=str(r.receiver),
            key_result_id=r.key_result_id,
            key_result=r.key_result.title,
            value=r.value.name if r.value else "",
            message=r.message,
            public=r.public,
            created_at=r.created_at,
        )
        for r in rows
    ]


def recognition_row(pk: int) -> RecognitionRow:
    """One recognition as a row (the caller has looked it up through `access`). One query."""
    return _recognition_rows(Recognition.objects.filter(pk=pk), 1)[0]


def recognition_wall(*, viewer: Person, limit: int = RECOGNITION_LIMIT) -> list[RecognitionRow]:
    """The newest recognitions `viewer` may see (CEL-4). One query (and one for the departments they head)."""
    return _recognition_rows(Recognition.objects.filter(recognitions_visible_q(viewer)), limit)


def recognitions_of_person(*, viewer: Person, person: Person, limit: int = PANEL_LIMIT) -> list[RecognitionRow]:
    """What `person` received that `viewer` may see: the person's page."""
    return _recognition_rows(Recognition.objects.filter(recognitions_visible_q(viewer), receiver=person), limit)


def recognitions_of_department(
    *, viewer: Person, department: Department, limit: int = PANEL_LIMIT
) -> list[RecognitionRow]:
    """What the department's people (and those of its sub-departments) received that `viewer` may see."""
    return _recognition_rows(
        Recognition.objects.filter(
            recognitions_visible_q(viewer), receiver__department__path__startswith=department.path
        ),
        limit,
    )


@dataclass(frozen=True)
class CelebrationRow:
    id: int
    level: str
    level_label: str
    group: str
    department_id: int | None
    team_id: int | None
    cycle_id: int
    cycle: str
    at: dt.datetime
    state: str
    tier: str
    tier_label: str


def _row(c: Celebration) -> CelebrationRow:
    return CelebrationRow(
        id=c.pk,
        level=c.level,
        level_label=str(c.get_level_display()),
        group=str(c.group or ""),
        department_id=c.department_id,
        team_id=c.team_id,
        cycle_id=c.cycle_id,
        cycle=c.cycle.name,
        at=c.at,
        state=c.state,
        tier=c.tier,
        tier_label=str(c.get_tier_display()),
    )


def celebration_rows(*, cycle: Cycle | None = None, limit: int = 200) -> list[CelebrationRow]:
    """The celebrations (of a cycle, or all), newest first. One query."""
    queryset = Celebration.objects.select_related("department", "team", "cycle")
    if cycle is not None:
        queryset = queryset.filter(cycle=cycle)
    return [_row(c) for c in queryset.order_by("-at", "-id")[:limit]]


def _gathered_q(celebration: Celebration) -> Q:
    if celebration.level == CelebrationLevel.TEAM:
        return Q(receiver__team_id=celebration.team_id)
    if celebration.level == CelebrationLevel.DEPARTMENT and celebration.department is not None:
        return Q(receiver__department__path__startswith=celebration.department.path)
    return Q()


def _group_q(celebration: Celebration) -> Q:
    return Q(level=celebration.level, team_id=celebration.team_id, department_id=celebration.department_id)


def gathered_recognitions(*, viewer: Person, celebration: Celebration) -> list[RecognitionRow]:
    """CEL-4: the recognitions received by the group's people since its previous celebration (held or planned
    before this one), up to this one's time; those `viewer` may see. Two queries."""
    previous = (
        Celebration.objects.filter(_group_q(celebration), at__lt=celebration.at)
        .exclude(pk=celebration.pk)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    queryset = Recognition.objects.filter(
        recognitions_visible_q(viewer),
        _gathered_q(celebration),
        created_at__lte=max(celebration.at, celebration.held_at or celebration.at),
    )
    if previous is not None:
        queryset = queryset.filter(created_at__gt=previous)
    return _recognition_rows(queryset)


@dataclass(frozen=True)
class IncentiveRow:
    id: int
    person_id: int
    person: str
    cycle_id: int
    cycle: str
    kind: str
    kind_label: str
    description: str
    recorded_by: str
    created_at: dt.datetime


def incentive_rows(*, viewer: Person, cycle: Cycle | None = None, limit: int = 200) -> list[IncentiveRow]:
    """CEL-4: the incentives `viewer` may see (their people's; an administrator all but their own). One query."""
    queryset = Incentive.objects.filter(incentives_visible_q(viewer)).select_related("person", "cycle", "recorded_by")
    if cycle is not None:
        queryset = queryset.filter(cycle=cycle)
    return [
        IncentiveRow(
            id=i.pk,
            person_id=i.person_id,
            person=str(i.person),
            cycle_id=i.cycle_id,
            cycle=i.cycle.name,
            kind=i.kind,
            kind_label=str(i.get_kind_display()),
            description=i.description,
            recorded_by=str(i.recorded_by or ""),
            created_at=i.created_at,
        )
        for i in queryset.order_by("-created_at", "-id")[:limit]
    ]


@dataclass(frozen=True)
class LessonRow:
    id: int
    cycle_id: int
    cycle: str
    department_id: int | None
    department: str
    text: str
    recorded_by: str
    created_at: dt.datetime


def lesson_rows(*, cycle: Cycle | None = None, department_ids: list[int | None] | None = None) -> list[LessonRow]:
    """CEL-5: the lessons (of a cycle; of some departments, None for the company's). One query."""
    queryset = Lesson.objects.select_related("cycle", "department", "recorded_by")
    if cycle is not None:
        queryset = queryset.filter(cycle=cycle)
    if department_ids is not None:
        ids = [d for d in department_ids if d is not None]
        q = Q(department_id__in=ids)
        if None in department_ids:
            q |= Q(department__isnull=True)
        queryset = queryset.filter(q)
    return [
        LessonRow(
            id=row.pk,
            cycle_id=row.cycle_id,
            cycle=row.cycle.name,
            department_id=row.department_id,
            department=str(row.department or ""),
            text=row.text,
            recorded_by=str(row.recorded_by or ""),
            created_at=row.created_at,
        )
        for row in queryset.order_by("-cycle__start", "department_id", "id")[:200]
    ]


def previous_cycle(cycle: Cycle) -> Cycle | None:
    """The cycle of the same kind that ended last before `cycle` began. One query."""
    return Cycle.objects.filter(kind=cycle.kind, end__lt=cycle.start).order_by("-end").first()


def celebrate_facts(cycle: Cycle, organisation: Organisation) -> PhaseFacts:
    """The celebrate phase (PLAY-EXEC, CEL-1): the departments with objectives in the cycle owe a celebration,
    done when one was held in the phase's window; the company owes the management's. Two queries."""
    window = phase_window(cycle, organisation, Phase.CELEBRATE)
    zone = organisation.zone
    expected = frozenset(
        Objective.objects.filter(cycle=cycle, department__isnull=False)
        .values_list("department_id", flat=True)
        .distinct()
    )
    held = list(
        Celebration.objects.filter(
            state=CelebrationState.HELD,
            level__in=[CelebrationLevel.DEPARTMENT, CelebrationLevel.MANAGEMENT],
            at__gte=dt.datetime.combine(window.start, dt.time.min, tzinfo=zone),
            at__lt=dt.datetime.combine(window.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
        ).values_list("level", "department_id")
    )
    return PhaseFacts(
        departments_expected=expected,
        departments_done=frozenset(d for level, d in held if level == CelebrationLevel.DEPARTMENT and d in expected),
        company_expected=True,
        company_done=any(level == CelebrationLevel.MANAGEMENT for level, _d in held),
    )
