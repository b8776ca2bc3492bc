"""The OKR coach on stored objectives: the method's advice on them as stored, which of it blocks a submission, and
the near-duplicate objectives of a department.

`quality` advises on what is being typed (plain values, no queries); this module asks the same questions of
objectives and their key results as they are stored, for the submission (SET-1, SET-2), the objective's page, the
editor (near-duplicates need the stored objectives) and the cycle's quality report. An administrator chooses which
rules block a submission (`Organisation.coach_blocking_rules`); the others only advise.

Near-duplicates (COACH-2) compare titles by their words: Chinese is cut into words by jieba (`jieba.lcut`), so
that 提高产品销量 and 提高销售产量 — five characters of six in common — are two different objectives, while
打开苏州市场 and 开拓苏州市场 are one. jieba is imported only when a Chinese title is compared with another (it
takes a second and some 160 MB to load its dictionary, which ships with the package: no network), so that importing
Qibu, and every page that has nothing to compare, never loads it.
"""

from __future__ import annotations

import functools
import importlib
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from qibu.okrs.access import visible_objectives_q
from qibu.okrs.models import Alignment, KeyResult, Level, Objective, Visibility
from qibu.okrs.quality import Advice, objective_warnings
from qibu.org.models import Organisation, Person

# Two titles are near-duplicates from this share of words in common (Jaccard: shared ÷ all, after synonyms);
# tuned by the pairs of tests/okrs/test_coach_duplicates.py.
DUPLICATE_THRESHOLD = 0.6
# Titles that share less than this of their characters are not cut into words (`_worth_cutting`).
CHARACTERS_FIRST = 0.25

# --- the words of a title -----------------------------------------------------------------------------------

_HAN = re.compile(r"[\u3400-\u9fff]")
_ENGLISH_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_HAS_WORD_CHARACTER = re.compile(r"\w")
# Words that carry no meaning of their own in a title.
_STOP_WORDS = frozenset(
    (
        *("的", "地", "得", "了", "和", "与", "及", "并", "在", "把", "将", "对", "为", "中", "上", "下", "等", "是"),
        *("让", "使", "更", "个", "以", "之", "其", "我们", "我", "全面", "进一步", "持续"),
        *("a", "an", "the", "of", "in", "on", "for", "to", "and", "with", "by", "at", "our", "we", "us", "into"),
        *("from", "as", "be", "more", "most", "new", "its", "their", "this", "that", "all"),
    )
)
# Words that say the same in an objective: each one stands for its group.
_SYNONYMS = {
    **dict.fromkeys(("提高", "增强", "加强", "改善", "改进", "优化"), "提升"),
    **dict.fromkeys(("打开", "开辟", "拓展", "开发"), "开拓"),
    **dict.fromkeys(("减少", "缩短", "压缩"), "降低"),
    **dict.fromkeys(("打造", "构建", "搭建", "建立"), "建设"),
    **dict.fromkeys(("取得", "赢得", "拿下"), "获得"),
    **dict.fromkeys(("raise", "increase", "boost", "grow", "enhance", "better"), "improve"),
    **dict.fromkeys(("reduce", "cut", "lower", "decrease", "shorten"), "lower"),
    **dict.fromkeys(("build", "create", "establish", "develop"), "build"),
    **dict.fromkeys(("open", "enter", "expand"), "enter"),
    **dict.fromkeys(("client", "clients", "customers"), "customer"),
}


@functools.cache
def _jieba_cut() -> Callable[[str], list[str]]:
    """jieba's word cutting, loaded on first use only (see the module's docstring)."""
    jieba = importlib.import_module("jieba")
    jieba.setLogLevel(logging.WARNING)  # not "Building prefix dict…" on the console of every process
    return cast(Callable[[str], list[str]], jieba.lcut)


def _english_word(word: str) -> str:
    """A lowercased English word without its plural "s" ("markets" → "market"), through the synonyms."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return _SYNONYMS.get(word, word)


@functools.lru_cache(maxsize=4096)
def title_words(title: str) -> frozenset[str]:
    """The words of a title that say something: Chinese cut by jieba, English by spaces and punctuation,
    lowercased; stop words and punctuation dropped, synonyms made one."""
    text = title.lower()
    pieces = _jieba_cut()(text) if _HAN.search(text) else _ENGLISH_WORD.findall(text)
    words = set()
    for piece in pieces:
        word = piece.strip()
        if not word or word in _STOP_WORDS or not _HAS_WORD_CHARACTER.search(word):
            continue
        words.add(_english_word(word) if word.isascii() else _SYNONYMS.get(word, word))
    return frozenset(words)


def similarity(first: frozenset[str], second: frozenset[str]) -> float:
    """How much two titles' words overlap: the words both have, of all the words either has (0 to 1)."""
    both = first | second
    return len(first & second) / len(both) if both else 0.0


def _characters(title: str) -> frozenset[str]:
    return frozenset(character for character in title.lower() if character.isalnum())


def _worth_cutting(titles: Mapping[int, str]) -> list[int]:
    """The titles that share enough characters with another one to be cut into words at all: two titles of one
    meaning share far more than CHARACTERS_FIRST of their characters (synonyms included: 提高/提升, 打开/开拓),
    so a title that shares less with every other is no near-duplicate, and jieba need not cut it."""
    characters = {pk: _characters(title) for pk, title in titles.items()}
    keep: set[int] = set()
    pks = list(characters)
    for i, first in enumerate(pks):
        for second in pks[i + 1 :]:
            if similarity(characters[first], characters[second]) >= CHARACTERS_FIRST:
                keep.update((first, second))
    return [pk for pk in pks if pk in keep]


def near_duplicates(titles: Mapping[int, str]) -> dict[int, list[int]]:
    """For each title (by id) the others that say nearly the same (similarity ≥ DUPLICATE_THRESHOLD), most
    alike first. A title is cut into words only when it shares characters enough with another (`_worth_cutting`),
    once; only titles with a word in common are compared."""
    words = {pk: title_words(titles[pk]) for pk in _worth_cutting(titles)}
    by_word: dict[str, list[int]] = defaultdict(list)
    for pk, found in words.items():
        for word in found:
            by_word[word].append(pk)
    alike: dict[int, list[int]] = {}
    for pk, found in words.items():
        shared = Counter(other for word in found for other in by_word[word] if other != pk)
        scored = sorted((-similarity(found, words[other]), other) for other in shared)
        close = [other for score, other in scored if -score >= DUPLICATE_THRESHOLD]
        if close:
            alike[pk] = close
    return alike


# --- what the coach reads of stored objectives --------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """An objective a near-duplicate may be found among (`near_group`)."""

    pk: int
    title: str
    cycle_id: int
    department_id: int | None
    level: str
    owner_id: int | None


_CANDIDATE_COLUMNS = ("pk", "title", "cycle_id", "department_id", "level", "owner_id")


def candidate_of(objective: Objective) -> Candidate:
    return Candidate(
        objective.pk, objective.title, objective.cycle_id, objective.department_id, objective.level, objective.owner_id
    )


def near_group(candidate: Candidate) -> tuple[Any, ...]:
    """The objectives a near-duplicate is looked for among, in one cycle: a department's objectives of one level
    (its department objectives, its team objectives), the company's own; and a person's own objectives, since
    colleagues in one role may well write alike (a sales team's "open a new city" each), while one person saying
    the same twice, or two teams chasing one thing, split the effort."""
    if candidate.level == Level.PERSON:
        return (candidate.cycle_id, candidate.level, candidate.owner_id)
    return (candidate.cycle_id, candidate.level, candidate.department_id)


def _group_q(candidate: Candidate) -> Q:
    if candidate.level == Level.PERSON:
        return Q(cycle_id=candidate.cycle_id, level=candidate.level, owner_id=candidate.owner_id)
    return Q(cycle_id=candidate.cycle_id, level=candidate.level, department_id=candidate.department_id)


def _visible(viewer: Person | None) -> Q:
    """What a near-duplicate may be named from: what the viewer sees (without one, what everyone sees)."""
    return visible_objectives_q(viewer) if viewer is not None else Q(visibility=Visibility.COMPANY)


def candidates_for(objectives: Iterable[Objective], *, viewer: Person | None) -> list[Candidate]:
    """The stored objectives the near-duplicates of `objectives` are looked for among, as `viewer` may see them
    (without a viewer: those the whole company sees); one query."""
    scopes = Q(pk__in=[])
    for objective in objectives:
        scopes |= _group_q(candidate_of(objective))
    rows = Objective.objects.filter(scopes).filter(_visible(viewer)).order_by("priority", "id")
    return [Candidate(*row) for row in rows.values_list(*_CANDIDATE_COLUMNS)]


def _duplicate_text(other: Candidate) -> str:
    values = {"title": other.title}
    if other.level == Level.COMPANY:
        text = _(
            "This objective says nearly the same as “%(title)s”, another company objective in this cycle. Two "
            "objectives that say the same split the effort: merge them, or make plain what each achieves that the "
            "other does not."
        )
    elif other.level == Level.PERSON:
        text = _(
            "This objective says nearly the same as “%(title)s”, another objective of the same owner in this cycle. "
            "Two objectives that say the same split the effort: merge them, or make plain what each achieves that "
            "the other does not."
        )
    else:
        text = _(
            "This objective says nearly the same as “%(title)s”, another objective of the same department in this "
            "cycle. Two objectives that say the same split the effort: merge them, or make plain what each "
            "achieves that the other does not."
        )
    return text % values


def duplicate_advice(objectives: Sequence[Objective], candidates: Sequence[Candidate]) -> dict[int, list[Advice]]:
    """COACH-2 for each of `objectives`: the most alike of the candidates of its group (`near_group`), if any is
    close enough. Every title is cut once, whatever the number of objectives."""
    groups: dict[tuple[Any, ...], dict[int, Candidate]] = defaultdict(dict)
    for candidate in candidates:
        groups[near_group(candidate)][candidate.pk] = candidate
    for objective in objectives:
        own = candidate_of(objective)
        groups[near_group(own)].setdefault(own.pk, own)
    wanted = {objective.pk for objective in objectives}
    found: dict[int, list[Advice]] = {pk: [] for pk in wanted}
    for group in groups.values():
        if len(group) < 2 or not wanted & group.keys():
            continue
        for pk, others in near_duplicates({pk: c.title for pk, c in group.items()}).items():
            if pk in wanted:
                found[pk].append(Advice("COACH-2", _duplicate_text(group[others[0]])))
    return found


def draft_duplicate_advice(
    *,
    title: str,
    cycle_id: int | None,
    level: str,
    owner_id: int | None,
    department: Q | int | None,
    viewer: Person,
    excluding: int | None = None,
) -> list[Advice]:
    """COACH-2 on an objective being typed, among the stored objectives of its group in the cycle (`near_group`:
    its owner's for a personal one; else its level's in its department, `department` being its id or a filter on
    `department_id` that finds it from the team, None for the company's); one query, none without a title, a
    cycle, or an owner for a personal one."""
    if not title.strip() or cycle_id is None or (level == Level.PERSON and owner_id is None):
        return []
    where = Q(cycle_id=cycle_id, level=level)
    if level == Level.PERSON:
        where &= Q(owner_id=owner_id)
    elif isinstance(department, Q):
        where &= department
    else:
        where &= Q(department_id=department)
    objectives = Objective.objects.filter(where).filter(_visible(viewer))
    if excluding is not None:
        objectives = objectives.exclude(pk=excluding)
    others = {row[0]: Candidate(*row) for row in objectives.order_by("priority", "id").values_list(*_CANDIDATE_COLUMNS)}
    if not others:
        return []
    alike = near_duplicates({0: title, **{pk: candidate.title for pk, candidate in others.items()}}).get(0, [])
    return [Advice("COACH-2", _duplicate_text(others[alike[0]]))] if alike else []


# --- the advice on stored objectives ------------------------------------------------------------------------


def key_result_rows(
    objective_ids: Sequence[int], within: QuerySet[Objective] | None = None
) -> dict[int, list[dict[str, Any]]]:
    """The key results of the objectives as the rules read them, milestones counted; one query (`within`: a
    query of the same objectives, for a list too long to send as ids)."""
    rows: dict[int, list[dict[str, Any]]] = {pk: [] for pk in objective_ids}
    objectives = Q(objective__in=within.values("pk")) if within is not None else Q(objective_id__in=objective_ids)
    for row in (
        KeyResult.objects.filter(objectives)
        .annotate(milestone_count=Count("milestones"))
        .order_by("objective_id", "position", "id")
        .values(
            "objective_id", "title", "kind", "start_value", "target_value", "band_low", "band_high", "milestone_count"
        )
    ):
        rows[row["objective_id"]].append({**row, "milestones": row["milestone_count"]})
    return rows


def key_result_facts(key_results: Iterable[KeyResult]) -> list[dict[str, Any]]:
    """Key results a page has read already, as the rules read them (milestones from their prefetch, or None)."""
    facts = []
    for kr in key_results:
        cached = getattr(kr, "_prefetched_objects_cache", {})
        milestones = len(cached["milestones"]) if "milestones" in cached else None
        facts.append(
            {
                "title": kr.title,
                "kind": kr.kind,
                "start_value": kr.start_value,
                "target_value": kr.target_value,
                "band_low": kr.band_low,
                "band_high": kr.band_high,
                "milestones": milestones,
            }
        )
    return facts


def _scope_key(objective: Objective) -> tuple[Any, ...]:
    """SET-3 counts an owner's objectives in the cycle (as the editor does); objectives without an owner count
    with the others of their level and department."""
    if objective.owner_id is not None:
        return ("owner", objective.cycle_id, objective.owner_id)
    return ("unit", objective.cycle_id, objective.level, objective.department_id)


def _owner_counts(objectives: Sequence[Objective], *, whole_cycles: bool) -> Counter[tuple[Any, ...]]:
    """How many objectives each scope (`_scope_key`) of `objectives` holds, whoever may see them; one query (of
    every objective of their cycles with `whole_cycles`, for a list too long to name its owners)."""
    where = Q()
    if not whole_cycles:
        where = Q(owner_id__in={o.owner_id for o in objectives if o.owner_id is not None})
        for unit in (o for o in objectives if o.owner_id is None):
            where |= Q(owner__isnull=True, level=unit.level, department_id=unit.department_id)
    cycles = {o.cycle_id for o in objectives}
    counts: Counter[tuple[Any, ...]] = Counter()
    for cycle_id, owner_id, level, department_id, n in (
        Objective.objects.filter(where, cycle_id__in=cycles)
        .order_by()
        .values_list("cycle_id", "owner_id", "level", "department_id")
        .annotate(n=Count("id"))
    ):
        if owner_id is not None:
            counts["owner", cycle_id, owner_id] += n
        else:
            counts["unit", cycle_id, level, department_id] += n
    return counts


def objectives_advice(
    *,
    organisation: Organisation,
    objectives: Sequence[Objective],
    viewer: Person | None = None,
    key_results: Mapping[int, Sequence[Mapping[str, Any]]] | None = None,
    candidates: Sequence[Candidate] | None = None,
    within: QuerySet[Objective] | None = None,
) -> dict[int, list[Advice]]:
    """The coach's advice on stored objectives, by id: the editor's rules on each as stored (SET-3 … SET-6,
    VIS-2, COACH-1), then its near-duplicates (COACH-2) among the objectives `viewer` may see (without a viewer:
    those the whole company sees).

    Four queries whatever the number of objectives: their key results (none when `key_results` gives them), the
    owners' objective counts, their alignment, the candidates for near-duplicates (none when `candidates`
    gives them: a report that read every objective of the cycle already). `within` is the query `objectives`
    were read by, for a list too long to send back to the database as ids (a report of a whole cycle)."""
    if not objectives:
        return {}
    ids = [o.pk for o in objectives]
    rows = key_results if key_results is not None else key_result_rows(ids, within)
    counts = _owner_counts(objectives, whole_cycles=within is not None)
    children = Q(child__in=within.values("pk")) if within is not None else Q(child_id__in=ids)
    aligned = set(Alignment.objects.filter(children).order_by().values_list("child_id", flat=True).distinct())
    duplicates = duplicate_advice(
        objectives, candidates if candidates is not None else candidates_for(objectives, viewer=viewer)
    )
    advice = {}
    for objective in objectives:
        advice[objective.pk] = [
            *objective_warnings(
                organisation=organisation,
                owner_objective_count=counts[_scope_key(objective)],
                key_results=rows.get(objective.pk, []),
                has_alignment=objective.pk in aligned,
                level=objective.level,
                start_date=objective.start_date,
                end_date=objective.end_date,
                title=objective.title,
                strategic_goal=objective.strategic_goal_id is not None,
            ),
            *duplicates[objective.pk],
        ]
    return advice


def objective_advice(
    *,
    organisation: Organisation,
    objective: Objective,
    viewer: Person | None = None,
    key_results: Sequence[KeyResult] | None = None,
) -> list[Advice]:
    """The coach's advice on a stored objective (`objectives_advice` of it alone): four queries, three when the
    page gives the key results it read."""
    given = {objective.pk: key_result_facts(key_results)} if key_results is not None else None
    return objectives_advice(organisation=organisation, objectives=[objective], viewer=viewer, key_results=given)[
        objective.pk
    ]


def submission_blockers(
    *, organisation: Organisation, objective: Objective, viewer: Person | None = None
) -> list[Advice]:
    """The advice on `objective` whose rule the organisation made block submission (empty: it may go)."""
    blocking = set(organisation.coach_blocking_rules or [])
    if not blocking:
        return []
    return [
        advice
        for advice in objective_advice(organisation=organisation, objective=objective, viewer=viewer)
        if advice.rule in blocking
    ]
