"""Reading self-assessments (SELF-1, SELF-3, MEAS-7): one person's rows for a period, and a department's
presentation, each in a fixed number of queries whatever the number of key results or people."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from qibu.assess.models import AssessmentState, KeyResultScore, SelfAssessment
from qibu.cycles.models import Cycle, CycleKind
from qibu.okrs.models import Commitment, KeyResult, Status, agreed_q
from qibu.org.models import Department, Person

ZERO, ONE = Decimal(0), Decimal(1)


def quarter_of(cycle: Cycle) -> Cycle:
    """The quarter whose key results a period scores: itself, or a month's quarter (SELF-1)."""
    if cycle.kind == CycleKind.MONTH and cycle.parent is not None:
        return cycle.parent
    return cycle


def clamped(progress: Decimal) -> Decimal:
    """MEAS-7: the default score is the key result's progress, clamped to 0.0–1.0, to two places."""
    return min(ONE, max(ZERO, progress)).quantize(Decimal("0.01"))


def assessed_key_results(person: Person, cycle: Cycle) -> QuerySet[KeyResult]:
    """The key results `person` owns in the quarter's running, agreed objectives (not drafts)."""
    return (
        KeyResult.objects.filter(owner=person, objective__cycle=quarter_of(cycle), objective__status=Status.ACTIVE)
        .filter(agreed_q("objective__"))
        .select_related("objective")
        .order_by("objective__priority", "objective_id", "position", "id")
    )


@dataclass(frozen=True)
class ScoreRow:
    key_result_id: int
    title: str
    objective_id: int
    objective_title: str
    committed: bool  # MEAS-7: 1.0 is expected of a committed one, 0.7 is good for an aspirational one
    progress: Decimal  # clamped, 0–1
    confidence: int
    score: Decimal
    score_reason: str
    worked: str
    root_cause: str
    change: str
    saved: bool  # a row of the draft, or only the default


@dataclass(frozen=True)
class AssessmentPage:
    person: Person
    cycle: Cycle
    quarter: Cycle
    assessment: SelfAssessment | None
    rows: list[ScoreRow]

    @property
    def is_submitted(self) -> bool:
        return self.assessment is not None and self.assessment.is_submitted

    @property
    def state(self) -> str:
        return self.assessment.state if self.assessment is not None else AssessmentState.DRAFT


def assessment_of(person: Person, cycle: Cycle) -> SelfAssessment | None:
    return SelfAssessment.objects.filter(person=person, cycle=cycle).first()


def assessment_page(*, person: Person, cycle: Cycle) -> AssessmentPage:
    """One row per key result the person owns in the quarter, the saved score or the default (MEAS-7): three
    queries."""
    assessment = assessment_of(person, cycle)
    saved: dict[int, KeyResultScore] = {}
    if assessment is not None:
        saved = {s.key_result_id: s for s in KeyResultScore.objects.filter(assessment=assessment)}
    rows = []
    for kr in assessed_key_results(person, cycle):
        progress = clamped(kr.progress)
        s = saved.get(kr.pk)
        rows.append(
            ScoreRow(
                key_result_id=kr.pk,
                title=kr.title,
                objective_id=kr.objective_id,
                objective_title=kr.objective.title,
                committed=kr.objective.commitment == Commitment.COMMITTED,
                progress=progress,
                confidence=kr.confidence,
                score=s.score if s else progress,
                score_reason=s.score_reason if s else "",
                worked=s.worked if s else "",
                root_cause=s.root_cause if s else "",
                change=s.change if s else "",
                saved=s is not None,
            )
        )
    return AssessmentPage(person=person, cycle=cycle, quarter=quarter_of(cycle), assessment=assessment, rows=rows)


@dataclass(frozen=True)
class PresentedScore:
    title: str
    objective_title: str
    committed: bool
    score: Decimal
    progress: Decimal
    start_confidence: int | None
    root_cause: str
    change: str


@dataclass(frozen=True)
class PresentedPerson:
    person_id: int
    name: str
    team: str
    submitted: bool
    scores: list[PresentedScore]


@dataclass(frozen=True)
class Presentation:
    department: Department
    cycle: Cycle
    submitted: list[PresentedPerson]  # in presentation order: by team, then name
    missing: list[PresentedPerson]  # who has not submitted yet


def department_presentation(*, department: Department, cycle: Cycle) -> Presentation:
    """SELF-3: the department's submitted self-assessments in presentation order with their numbers, and who has
    not submitted yet: three queries whatever the number of people."""
    people = list(
        Person.objects.filter(department=department, is_active=True)
        .select_related("team")
        .order_by("team__name", "full_name", "username")
    )
    submitted = {
        a.person_id: a
        for a in SelfAssessment.objects.filter(
            cycle=cycle, person__in=[p.pk for p in people], state=AssessmentState.SUBMITTED
        )
    }
    scores: dict[int, list[PresentedScore]] = {}
    for s in (
        KeyResultScore.objects.filter(assessment__in=list(submitted.values()))
        .select_related("key_result__objective")
        .order_by("key_result__objective__priority", "key_result__objective_id", "key_result__position", "id")
    ):
        kr = s.key_result
        scores.setdefault(s.assessment_id, []).append(
            PresentedScore(
                title=kr.title,
                objective_title=kr.objective.title,
                committed=kr.objective.commitment == Commitment.COMMITTED,
                score=s.score,
                progress=s.progress,
                start_confidence=s.start_confidence,
                root_cause=s.root_cause,
                change=s.change,
            )
        )
    done: list[PresentedPerson] = []
    missing: list[PresentedPerson] = []
    for p in people:
        a = submitted.get(p.pk)
        row = PresentedPerson(
            person_id=p.pk,
            name=str(p),
            team=p.team.name if p.team else "",
            submitted=a is not None,
            scores=scores.get(a.pk, []) if a else [],
        )
        (done if a else missing).append(row)
    return Presentation(department=department, cycle=cycle, submitted=done, missing=missing)
