"""Reading reflections (REF-1 … REF-5): who owes a reflection, the aggregated self-assessment data a reflection
starts from (REF-4), its measures and the managers' accounts, each in a fixed number of queries whatever the
company's size.

The aggregates are of the submitted self-assessments of the period: a department's people's for a department's
reflection, everybody's for the management's (then by department instead of by team). The score bands are the
organisation's reward thresholds (`reward_standard_from`, `reward_rich_from`): below the standard, from the
standard, from the rich one. The gap of a key result is its expected score (its confidence at the start of the
cycle, as a fraction) against its actual score (REF-5: to forecast better, not to blame). The root causes are
grouped by their key words: Chinese is cut into words by jieba, loaded on first use only (it takes a second and
memory that the pages without root causes do not need); Latin text by its words.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qibu.assess.models import AssessmentState, KeyResultScore, SelfAssessment
from qibu.assess.selectors import quarter_of
from qibu.cycles.models import Cycle, CycleKind
from qibu.cycles.phases import PhaseFacts
from qibu.okrs.models import Approval, CheckIn, KeyResult
from qibu.org.models import Department, Organisation, Person, Role
from qibu.reflect.access import ReflectionRights
from qibu.reflect.models import ManagerAccount, Measure, Reflection, ReflectionKind, ReflectionState

TWO = Decimal("0.01")
GAPS_SHOWN = 5
KEYWORDS_SHOWN = 12


def period_kind(organisation: Organisation) -> str:
    """The period reflected on: a month when the self-assessment is monthly, else a quarter (REF-2)."""
    return CycleKind.MONTH if organisation.self_assessment_every_months == 1 else CycleKind.QUARTER


def next_period(cycle: Cycle) -> Cycle | None:
    """The period after `cycle`, of its kind: where its measures are due (REF-2). One query."""
    return Cycle.objects.filter(kind=cycle.kind, start__gt=cycle.end).order_by("start").first()


def owners_by_department(cycle: Cycle) -> dict[int, set[int]]:
    """The active people who own key results of the period's agreed objectives, by their department: who owes a
    self-assessment, and so which departments owe a reflection. One query."""
    found: dict[int, set[int]] = defaultdict(set)
    for owner_id, department_id in (
        KeyResult.objects.filter(objective__cycle=quarter_of(cycle), owner__is_active=True)
        .exclude(objective__approval=Approval.DRAFT, objective__approved_at__isnull=True)
        .exclude(owner__department__isnull=True)
        .values_list("owner_id", "owner__department_id")
        .distinct()
    ):
        found[department_id].add(owner_id)
    return dict(found)


def submitted_people(cycle: Cycle) -> set[int]:
    """Who has submitted their self-assessment of the period. One query."""
    return set(
        SelfAssessment.objects.filter(cycle=cycle, state=AssessmentState.SUBMITTED).values_list("person_id", flat=True)
    )


def managers() -> list[Person]:
    """REF-3: the managers who write an account in the management reflection — the executives and every active
    department head — by name. One query."""
    return list(
        Person.objects.filter(is_active=True)
        .filter(Q(role=Role.EXECUTIVE) | Q(headed_departments__isnull=False))
        .distinct()
        .order_by("full_name", "username")
    )


def reflect_facts(cycle: Cycle, organisation: Organisation) -> PhaseFacts:
    """The reflect phase's facts for the quarter's calendar: the departments whose people had key results in the
    cycle and their closed reflections; the company's (the management reflection, closed); the managers who owe
    an account and those who wrote one. Four queries."""
    expected = frozenset(owners_by_department(cycle))
    reflections = list(Reflection.objects.filter(cycle=cycle).values_list("kind", "department_id", "state", "pk"))
    closed = frozenset(
        d
        for kind, d, state, _pk in reflections
        if kind == ReflectionKind.DEPARTMENT and state == ReflectionState.CLOSED
    )
    management = next((r for r in reflections if r[0] == ReflectionKind.MANAGEMENT), None)
    people = frozenset(p.pk for p in managers())
    wrote = frozenset(
        ManagerAccount.objects.filter(reflection_id=management[3]).values_list("manager_id", flat=True)
        if management is not None
        else []
    )
    return PhaseFacts(
        people_expected=people,
        people_done=wrote & people,
        departments_expected=expected,
        departments_done=closed & expected,
        company_expected=True,
        company_done=management is not None and management[2] == ReflectionState.CLOSED,
    )


# --- the aggregates (REF-4) -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    key: str  # low, standard, rich
    label_from: Decimal | None
    label_to: Decimal | None
    count: int
    share: int  # percent of the scores


@dataclass(frozen=True)
class Average:
    name: str
    average: Decimal
    count: int
    bands: tuple[int, int, int] = (0, 0, 0)  # how many scores below standard, from standard, from rich


@dataclass(frozen=True)
class Gap:
    title: str
    objective_title: str
    expected: Decimal  # the confidence at the start, as a fraction
    actual: Decimal
    gap: Decimal  # expected − actual: above zero, it fell short of what was forecast


@dataclass(frozen=True)
class Week:
    start: dt.date
    confidence: int  # the average confidence of the week's check-ins
    count: int


@dataclass(frozen=True)
class Keyword:
    word: str
    count: int  # how many root causes name it
    causes: list[str]  # a few of them, without their authors (REF-5)


@dataclass(frozen=True)
class Aggregates:
    scored: int  # how many key results were scored
    people: int  # how many people submitted
    expected_people: int  # how many owed a self-assessment
    average: Decimal | None
    bands: list[Band]
    objectives: list[Average]
    people_averages: list[Average]
    groups: list[Average]  # by team (a department's), by department (the management's)
    gaps: list[Gap]
    weeks: list[Week]
    keywords: list[Keyword]
    causes_without_keyword: int


@dataclass(frozen=True)
class MeasureRow:
    measure: Measure
    can_mark: bool


@dataclass(frozen=True)
class AccountRow:
    manager: Person
    account: ManagerAccount | None


@dataclass(frozen=True)
class ReflectionPage:
    reflection: Reflection
    rights: ReflectionRights
    aggregates: Aggregates
    next_period: Cycle | None
    measures: list[MeasureRow]
    accounts: list[AccountRow] = field(default_factory=list)  # REF-3, the management's
    owners: list[Person] = field(default_factory=list)  # who may own a measure
    next_key_results: list[KeyResult] = field(default_factory=list)  # what a measure may serve
    my_account: ManagerAccount | None = None

    @property
    def written(self) -> list[AccountRow]:
        return [a for a in self.accounts if a.account is not None]

    @property
    def missing(self) -> list[AccountRow]:
        return [a for a in self.accounts if a.account is None]


def band_of(score: Decimal, organisation: Organisation) -> int:
    """0 below the standard reward's threshold, 1 from it, 2 from the rich one."""
    if score >= organisation.reward_rich_from:
        return 2
    if score >= organisation.reward_standard_from:
        return 1
    return 0


def _mean(values: list[Decimal]) -> Decimal:
    return (sum(values, Decimal(0)) / len(values)).quantize(TWO)


def _averages(groups: dict[str, list[Decimal]], organisation: Organisation) -> list[Average]:
    rows = []
    for name, values in groups.items():
        counted = Counter(band_of(v, organisation) for v in values)
        rows.append(Average(name, _mean(values), len(values), (counted[0], counted[1], counted[2])))
    return sorted(rows, key=lambda a: (a.average, a.name))


@functools.cache
def _jieba_cut() -> Callable[[str], list[str]]:
    """jieba's word cutting, loaded on first use only (see the module's docstring)."""
    jieba = importlib.import_module("jieba")
    jieba.setLogLevel(logging.WARNING)
    return cast(Callable[[str], list[str]], jieba.lcut)


HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")
CHINESE_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")
STOPWORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "from",
        "that",
        "this",
        "was",
        "were",
        "are",
        "not",
        "too",
        "our",
        "their",
        "its",
        "had",
        "has",
        "have",
        "but",
        "into",
        "than",
        "then",
        "there",
        "they",
        "them",
        "been",
        "being",
        "because",
        "which",
        "when",
        "what",
        "who",
        "why",
        "how",
        "all",
        "any",
        "more",
        "most",
        "less",
        "some",
        "such",
        "only",
        "also",
        "very",
        "没有",
        "因为",
        "所以",
        "我们",
        "他们",
        "以及",
        "一些",
        "这个",
        "那个",
        "导致",
        "由于",
        "比较",
        "没能",
        "不够",
        "就是",
        "还是",
        "但是",
        "而且",
        "可以",
        "需要",
        "进行",
        "一个",
        "问题",
        "原因",
        "方面",
        "情况",
        "工作",
        "时候",
        "已经",
        "目前",
    ]
)


def _words(text: str) -> set[str]:
    """The key words of one root cause: each counted once per cause."""
    words = {w.lower() for w in LATIN_WORD.findall(text)}
    if HAN.search(text):
        words |= {w for w in _jieba_cut()(text) if CHINESE_WORD.match(w)}
    return {w for w in words if w not in STOPWORDS}


def keywords_of(causes: Iterable[str]) -> tuple[list[Keyword], int]:
    """The root causes grouped by their most frequent key words (a word named by one cause only is no group),
    and how many causes fall in no group."""
    texts = [c.strip() for c in causes if c.strip()]
    cut = [(text, _words(text)) for text in texts]
    counted = Counter(w for _text, words in cut for w in words)
    top = [(w, n) for w, n in sorted(counted.items(), key=lambda item: (-item[1], item[0])) if n > 1][:KEYWORDS_SHOWN]
    shown = {w for w, _n in top}
    # Each group quotes up to three different causes: several people who wrote the same words are quoted once.
    keywords = [Keyword(w, n, list(dict.fromkeys(text for text, words in cut if w in words))[:3]) for w, n in top]
    return keywords, sum(1 for _text, words in cut if not words & shown)


def _weeks(key_result_ids: list[int], cycle: Cycle, organisation: Organisation) -> list[Week]:
    """The average confidence of the cycle's check-ins of these key results, week by week (Monday first)."""
    quarter = quarter_of(cycle)
    zone = organisation.zone
    start = dt.datetime.combine(cycle.start, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(cycle.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    by_week: dict[dt.date, list[int]] = defaultdict(list)
    rows = CheckIn.objects.filter(
        key_result_id__in=key_result_ids,
        key_result__objective__cycle=quarter,
        created_at__gte=start,
        created_at__lt=end,
    ).values_list("created_at", "confidence")
    for created_at, confidence in rows:
        day = timezone.localtime(created_at, zone).date()
        by_week[day - dt.timedelta(days=day.weekday())].append(confidence)
    return [Week(w, round(sum(v) / len(v)), len(v)) for w, v in sorted(by_week.items())]


def aggregates(
    *, cycle: Cycle, organisation: Organisation, department: Department | None, expected_people: int
) -> Aggregates:
    """REF-4: the submitted self-assessments of the period, in the department or the whole company, aggregated.
    Two queries: the scores with their key results and people, and the check-ins."""
    scores = KeyResultScore.objects.filter(
        assessment__cycle=cycle, assessment__state=AssessmentState.SUBMITTED
    ).select_related("key_result__objective", "assessment__person__team", "assessment__person__department")
    if department is not None:
        scores = scores.filter(assessment__person__department=department)
    rows = list(scores.order_by("key_result__objective_id", "key_result__position", "id"))
    values = [r.score for r in rows]
    counted = Counter(band_of(v, organisation) for v in values)
    total = len(values) or 1
    standard, rich = organisation.reward_standard_from, organisation.reward_rich_from
    bands = [
        Band("low", None, standard, counted[0], round(100 * counted[0] / total)),
        Band("standard", standard, rich, counted[1], round(100 * counted[1] / total)),
        Band("rich", rich, None, counted[2], round(100 * counted[2] / total)),
    ]
    by_objective: dict[str, list[Decimal]] = defaultdict(list)
    by_person: dict[str, list[Decimal]] = defaultdict(list)
    by_group: dict[str, list[Decimal]] = defaultdict(list)
    gaps = []
    for r in rows:
        person = r.assessment.person
        by_objective[r.key_result.objective.title].append(r.score)
        by_person[str(person)].append(r.score)
        # A person outside every team (a department's head, often) or department is named so, not shown as "—".
        if department is None:
            by_group[person.department.name if person.department else _("No department")].append(r.score)
        else:
            by_group[person.team.name if person.team else _("Not in a team")].append(r.score)
        if r.start_confidence is not None:
            expected = (Decimal(r.start_confidence) / 100).quantize(TWO)
            gaps.append(Gap(r.key_result.title, r.key_result.objective.title, expected, r.score, (expected - r.score)))
    gaps.sort(key=lambda g: (-abs(g.gap), g.title))
    keywords, loose = keywords_of(r.root_cause for r in rows)
    return Aggregates(
        scored=len(rows),
        people=len({r.assessment.person_id for r in rows}),
        expected_people=expected_people,
        average=_mean(values) if values else None,
        bands=bands,
        objectives=_averages(by_objective, organisation),
        people_averages=_averages(by_person, organisation),
        groups=_averages(by_group, organisation),
        gaps=gaps[:GAPS_SHOWN],
        weeks=_weeks(sorted({r.key_result_id for r in rows}), cycle, organisation),
        keywords=keywords,
        causes_without_keyword=loose,
    )


def reflection_page(
    *, reflection: Reflection, rights: ReflectionRights, viewer: Person, organisation: Organisation
) -> ReflectionPage:
    """The reflection as its page shows it: the aggregates, the measures, the managers' accounts (the
    management's), and for its writers who may own a measure and the next period's key results. Ten queries at
    most whatever the company's size."""
    cycle = reflection.cycle
    department = reflection.department
    owners_map = owners_by_department(cycle)
    if department is not None:
        expected = len(owners_map.get(department.pk, set()))
    else:
        expected = sum(len(v) for v in owners_map.values())
    data = aggregates(cycle=cycle, organisation=organisation, department=department, expected_people=expected)
    following = next_period(cycle)
    measures = [
        MeasureRow(m, rights.write or m.owner_id == viewer.pk)
        for m in Measure.objects.filter(reflection=reflection).select_related("owner", "key_result")
    ]
    accounts: list[AccountRow] = []
    mine = None
    the_managers: list[Person] = []
    if reflection.kind == ReflectionKind.MANAGEMENT:
        the_managers = managers()
        written = {a.manager_id: a for a in ManagerAccount.objects.filter(reflection=reflection)}
        accounts = [AccountRow(m, written.get(m.pk)) for m in the_managers]
        mine = written.get(viewer.pk)
    owners: list[Person] = []
    key_results: list[KeyResult] = []
    if rights.write and not reflection.is_closed:
        owners = measure_owners(reflection) if department is not None else the_managers
        if following is not None:
            key_results = list(next_key_results(reflection, following))
    return ReflectionPage(
        reflection=reflection,
        rights=rights,
        aggregates=data,
        next_period=following,
        measures=measures,
        accounts=accounts,
        owners=owners,
        next_key_results=key_results,
        my_account=mine,
    )


def measure_owners(reflection: Reflection) -> list[Person]:
    """Who may own a department reflection's measure: the department's active people (and its head)."""
    department = reflection.department
    if department is None:
        return managers()
    return list(
        Person.objects.filter(is_active=True)
        .filter(Q(department=department) | Q(pk=department.head_id))
        .order_by("full_name", "username")
    )


def next_key_results(reflection: Reflection, following: Cycle) -> list[KeyResult]:
    """The next period's key results a measure may serve: the department's (its objectives' or its people's),
    or any for the management's."""
    krs = KeyResult.objects.filter(objective__cycle=quarter_of(following)).select_related("objective")
    if reflection.department_id is not None:
        krs = krs.filter(
            Q(objective__department_id=reflection.department_id) | Q(owner__department_id=reflection.department_id)
        )
    return list(krs.order_by("objective__priority", "objective_id", "position", "id"))


@dataclass(frozen=True)
class ListedReflection:
    reflection: Reflection
    measures: int
    open_measures: int


def visible_reflections(*, viewer: Person, cycles: list[Cycle]) -> list[ListedReflection]:
    """The reflections of these periods the viewer may see, the management's first. Three queries at most."""
    from qibu.reflect.access import rights_on

    found = list(
        Reflection.objects.filter(cycle__in=cycles)
        .select_related("cycle", "department__head__manager")
        .order_by("-cycle__start", "kind", "department__path", "department__name")
    )
    visible = [r for r in found if rights_on(viewer, r) is not None]
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for reflection_id, done_at in Measure.objects.filter(reflection__in=visible).values_list(
        "reflection_id", "done_at"
    ):
        counts[reflection_id][0] += 1
        counts[reflection_id][1] += done_at is None
    visible.sort(key=lambda r: (-r.cycle.start.toordinal(), r.kind != ReflectionKind.MANAGEMENT))
    return [ListedReflection(r, counts[r.pk][0], counts[r.pk][1]) for r in visible]


def recent_periods(organisation: Organisation, today: dt.date) -> list[Cycle]:
    """The period running today and the one before it (the one reflected on in the days after its end). One
    query."""
    kind = period_kind(organisation)
    return list(Cycle.objects.filter(kind=kind, start__lte=today).select_related("parent").order_by("-start")[:2])


def open_measures_of(person: Person) -> list[Measure]:
    """REF-2: the person's measures not done yet, soonest due first. One query."""
    return list(
        Measure.objects.filter(owner=person, done_at__isnull=True)
        .select_related("reflection__cycle")
        .order_by("due_date", "id")
    )
