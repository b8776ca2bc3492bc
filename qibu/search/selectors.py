"""The search box: people, departments, objectives and key results by name, in characters, pinyin or its
initials, or English, within what the viewer may see.

Each kind is one query on its stored key (`search_key`, see `qibu.core.pinyin`), limited to the few shown, so a
search makes the same number of queries for 10 people as for 10,000. Objectives and key results are filtered by
`qibu.okrs.access.visible_objectives_q`: a private objective the viewer may not see is never found, nor are its
key results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q
from django.db.models.functions import Length
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qibu.core.pinyin import search_terms
from qibu.okrs.access import visible_objectives_q
from qibu.okrs.models import KeyResult, Objective
from qibu.org.models import Department, Person

SHOWN = 10
QUERY_MAX = 100


@dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    context: list[str] = field(default_factory=list)  # shown after the title, joined by " · "


@dataclass
class SearchGroup:
    kind: str
    label: str | Promise
    hits: list[SearchHit]
    more: bool  # more than SHOWN matched: the viewer should narrow the query


@dataclass
class SearchResults:
    query: str
    groups: list[SearchGroup]

    @property
    def found(self) -> bool:
        return any(group.hits for group in self.groups)


def _matching(terms: list[str]) -> Q:
    return reduce(or_, (Q(search_key__contains=term) for term in terms))


def _people(match: Q) -> list[SearchHit]:
    people = (
        Person.objects.filter(match, is_active=True)
        .select_related("department")
        .only("full_name", "username", "job_title", "department__name")
        .order_by(Length("full_name"), "full_name", "pk")[: SHOWN + 1]
    )
    return [
        SearchHit(
            str(p),
            reverse("reports:person", args=[p.pk]),
            [text for text in (p.job_title, p.department.name if p.department else "") if text],
        )
        for p in people
    ]


def _departments(match: Q) -> list[SearchHit]:
    departments = (
        Department.objects.filter(match)
        .select_related("parent")
        .only("name", "parent__name")
        .order_by(Length("name"), "name", "pk")[: SHOWN + 1]
    )
    return [
        SearchHit(d.name, reverse("reports:department", args=[d.pk]), [d.parent.name] if d.parent else [])
        for d in departments
    ]


def _objectives(match: Q, visible: Q) -> list[SearchHit]:
    objectives = (
        Objective.objects.filter(match)
        .filter(visible)
        .select_related("cycle", "owner")
        .only("title", "cycle__name", "owner__full_name", "owner__username")
        .order_by("-cycle__start", "priority", "pk")[: SHOWN + 1]
    )
    return [
        SearchHit(o.title, reverse("okrs:objective", args=[o.pk]), [o.cycle.name, str(o.owner) if o.owner else ""])
        for o in objectives
    ]


def _key_results(match: Q, visible: Q) -> list[SearchHit]:
    key_results = (
        KeyResult.objects.filter(match, objective_id__in=Objective.objects.filter(visible).values("pk"))
        .select_related("objective__cycle")
        .only("title", "objective_id", "objective__title", "objective__cycle__name")
        .order_by("-objective__cycle__start", "objective_id", "position", "pk")[: SHOWN + 1]
    )
    return [
        SearchHit(
            kr.title,
            reverse("okrs:objective", args=[kr.objective_id]) + f"#kr-{kr.pk}",
            [kr.objective.title, kr.objective.cycle.name],
        )
        for kr in key_results
    ]


def _group(kind: str, label: str | Promise, hits: list[SearchHit]) -> SearchGroup:
    return SearchGroup(kind, label, hits[:SHOWN], more=len(hits) > SHOWN)


def search(*, viewer: Person, query: str) -> SearchResults:
    """What the viewer finds for the query, grouped by kind, at most SHOWN of each (four queries, and those
    `visible_objectives_q` makes for the viewer)."""
    query = query.strip()[:QUERY_MAX]
    terms = search_terms(query)
    if not terms:
        return SearchResults(query, [])
    match = _matching(terms)
    visible = visible_objectives_q(viewer)
    groups = [
        _group("people", _("People"), _people(match)),
        _group("departments", _("Departments"), _departments(match)),
        _group("objectives", _("Objectives"), _objectives(match, visible)),
        _group("key_results", _("Key results"), _key_results(match, visible)),
    ]
    return SearchResults(query, groups)
