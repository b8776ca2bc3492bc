"""Who sees and who changes an objective (PUB-2 transparency, with the limits qibu/okrs/access.py documents).

The organisation for this matrix:

    销售部 sales (head hank) ── 华东区 east (head sue, reports to hank)
    市场部 marketing (no head)

    alice admin · erin executive · hank head of sales, manages mia and sue, leads the sales team
    sue head of east · sid member of east, reports to sue · mia member of sales · oscar member of marketing
    ivan a former member of sales (inactive)
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from qibu.okrs.access import can_create, can_edit, can_view, objective_for, visible_objectives_q
from qibu.okrs.models import Level, Objective, Visibility
from qibu.org.models import Person, Role
from qibu.org.services import department_create, person_create
from tests.conftest import Company

COMPANY, DEPARTMENT, PRIVATE = Visibility.COMPANY, Visibility.DEPARTMENT, Visibility.PRIVATE
PERSONAS = ("alice", "erin", "hank", "sue", "sid", "mia", "oscar", "ivan")
EVERYONE = frozenset(PERSONAS) - {"ivan"}

# name: (level, visibility, owner, author, scope) — scope is the department or "team" for the sales team.
OBJECTIVES: dict[str, tuple[Level, Visibility, str | None, str, str | None]] = {
    "company": (Level.COMPANY, COMPANY, "erin", "erin", None),
    "company_department": (Level.COMPANY, DEPARTMENT, "erin", "erin", None),
    "company_private": (Level.COMPANY, PRIVATE, "erin", "erin", None),
    "sales": (Level.DEPARTMENT, COMPANY, "hank", "hank", "sales"),
    "sales_department": (Level.DEPARTMENT, DEPARTMENT, "hank", "hank", "sales"),
    "sales_private": (Level.DEPARTMENT, PRIVATE, "hank", "hank", "sales"),
    "east_department": (Level.DEPARTMENT, DEPARTMENT, "sue", "sue", "east"),
    "mia": (Level.PERSON, COMPANY, "mia", "mia", None),
    "mia_department": (Level.PERSON, DEPARTMENT, "mia", "mia", None),
    "mia_private": (Level.PERSON, PRIVATE, "mia", "mia", None),
    "sid": (Level.PERSON, COMPANY, "sid", "sid", None),
    "sid_department": (Level.PERSON, DEPARTMENT, "sid", "sid", None),
    "sid_private": (Level.PERSON, PRIVATE, "sid", "sid", None),
    "oscar_department": (Level.PERSON, DEPARTMENT, "oscar", "oscar", None),
    "oscar_private_by_erin": (Level.PERSON, PRIVATE, "oscar", "erin", None),
    "team_department": (Level.TEAM, DEPARTMENT, None, "hank", "team"),
    "team_private": (Level.TEAM, PRIVATE, None, "hank", "team"),
}

# name: (who may see it, who may change it)
EXPECTED: dict[str, tuple[frozenset[str] | set[str], set[str]]] = {
    # Company OKRs: executives and administrators change them.
    "company": (EVERYONE, {"alice", "erin"}),
    "company_department": ({"alice", "erin"}, {"alice", "erin"}),
    "company_private": ({"alice", "erin"}, {"alice", "erin"}),
    # hank's department objective: erin sees and changes it as hank's manager.
    "sales": (EVERYONE, {"alice", "erin", "hank"}),
    "sales_department": ({"alice", "erin", "hank", "sue", "sid", "mia"}, {"alice", "erin", "hank"}),
    "sales_private": ({"alice", "erin", "hank"}, {"alice", "erin", "hank"}),
    # East is under sales: hank sees it as head above (and sue's manager); mia is not inside east.
    "east_department": ({"alice", "erin", "hank", "sue", "sid"}, {"alice", "hank", "sue"}),
    # mia's own: she, her manager and head hank change it.
    "mia": (EVERYONE, {"alice", "hank", "mia"}),
    "mia_department": ({"alice", "erin", "hank", "sue", "sid", "mia"}, {"alice", "hank", "mia"}),
    "mia_private": ({"alice", "hank", "mia"}, {"alice", "hank", "mia"}),
    # sid's: sue manages him and heads east; hank heads the department above.
    "sid": (EVERYONE, {"alice", "hank", "sue", "sid"}),
    "sid_department": ({"alice", "erin", "hank", "sue", "sid"}, {"alice", "hank", "sue", "sid"}),
    "sid_private": ({"alice", "sue", "sid"}, {"alice", "sue", "sid"}),
    "oscar_department": ({"alice", "erin", "oscar"}, {"alice", "oscar"}),
    # erin wrote it for oscar: she sees it, but it is oscar's to change.
    "oscar_private_by_erin": ({"alice", "erin", "oscar"}, {"alice", "oscar"}),
    "team_department": ({"alice", "erin", "hank", "sue", "sid", "mia"}, {"alice", "hank"}),
    "team_private": ({"alice", "hank"}, {"alice", "hank"}),
}


People = dict[str, Person]
Objectives = dict[str, Objective]


@pytest.fixture
def world(company: Company) -> tuple[People, Objectives]:
    c = company
    east = department_create(actor=None, name="华东区", parent=c.sales)
    sue = person_create(
        actor=None, username="sue", full_name="Sue", role=Role.DEPARTMENT_HEAD, department=east, manager=c.hank
    )
    east.head = sue
    east.save(update_fields=["head"])
    sid = person_create(actor=None, username="sid", full_name="Sid", department=east, manager=sue)
    ivan = person_create(actor=None, username="ivan", full_name="Ivan", department=c.sales, manager=c.hank)
    people = {"alice": c.alice, "erin": c.erin, "hank": c.hank, "sue": sue, "sid": sid, "mia": c.mia,
              "oscar": c.oscar, "ivan": ivan}  # fmt: skip
    scopes = {"sales": c.sales, "east": east}
    objectives: Objectives = {}
    for name, (level, visibility, owner, author, scope) in OBJECTIVES.items():
        objectives[name] = Objective.objects.create(
            title=name,
            cycle=c.quarter,
            level=level,
            visibility=visibility,
            owner=people[owner] if owner else None,
            author=people[author],
            department=(
                c.sales
                if scope == "team"
                else (scopes[scope] if scope else None) or (people[owner].department if owner else None)
            ),
            team=c.sales_team if scope == "team" else None,
            start_date=c.quarter.start,
            end_date=c.quarter.end,
        )
    ivan.is_active = False
    ivan.save(update_fields=["is_active"])
    return people, objectives


def _person(people: People, name: str) -> Person:
    """A fresh copy, as a request would load it (nothing memoised)."""
    return Person.objects.select_related("department").get(pk=people[name].pk)


def _objective(objectives: Objectives, name: str) -> Objective:
    return Objective.objects.select_related("owner", "department", "team").get(pk=objectives[name].pk)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_it_lets_exactly_the_right_people_see_and_change_PUB_2(world: tuple[People, Objectives], name: str) -> None:
    """PUB-2."""
    people, objectives = world
    objective = _objective(objectives, name)
    viewers, editors = EXPECTED[name]
    seen = {p for p in PERSONAS if can_view(_person(people, p), objective)}
    changed = {p for p in PERSONAS if can_edit(_person(people, p), objective)}
    assert seen == set(viewers)
    assert changed == set(editors)
    assert set(editors) <= set(viewers)


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_lists_exactly_what_can_view_allows_PUB_2(world: tuple[People, Objectives], persona: str) -> None:
    """PUB-2."""
    people, objectives = world
    person = _person(people, persona)
    listed = set(Objective.objects.filter(visible_objectives_q(person)).values_list("title", flat=True))
    allowed = {name for name in objectives if can_view(person, _objective(objectives, name))}
    assert listed == allowed
    assert allowed == {name for name, (viewers, _editors) in EXPECTED.items() if persona in viewers}


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_answers_404_for_the_invisible_and_tells_who_may_change_PUB_2(
    world: tuple[People, Objectives], persona: str
) -> None:
    """PUB-2."""
    people, objectives = world
    person = _person(people, persona)
    for name, (viewers, editors) in EXPECTED.items():
        if persona in viewers:
            objective, editable = objective_for(person, objectives[name].pk)
            assert objective.pk == objectives[name].pk
            assert editable == (persona in editors)
        else:
            with pytest.raises(Http404):
                objective_for(person, objectives[name].pk)


def test_it_answers_404_for_a_missing_or_malformed_id(world: tuple[People, Objectives]) -> None:
    people, _objectives = world
    for pk in (999999, "abc", None):
        with pytest.raises(Http404):
            objective_for(_person(people, "alice"), pk)  # type: ignore[arg-type]  # malformed on purpose


def test_it_shows_nothing_to_an_anonymous_visitor_PUB_2(world: tuple[People, Objectives]) -> None:
    """PUB-2."""
    _people, objectives = world
    visitor = AnonymousUser()
    assert not any(can_view(visitor, _objective(objectives, name)) for name in objectives)
    assert not Objective.objects.filter(visible_objectives_q(visitor)).exists()


def test_it_shows_company_objectives_to_a_newcomer_without_department_PUB_2(world: tuple[People, Objectives]) -> None:
    """PUB-2."""
    _people, _objectives = world
    newcomer = person_create(actor=None, username="nina", full_name="Nina")
    listed = set(Objective.objects.filter(visible_objectives_q(newcomer)).values_list("title", flat=True))
    assert listed == {"company", "sales", "mia", "sid"}


def test_it_lets_the_right_people_create(world: tuple[People, Objectives]) -> None:
    people, _objectives = world
    hank, mia, sue, erin = (_person(people, n) for n in ("hank", "mia", "sue", "erin"))
    east = sue.department
    assert can_create(erin, level=Level.COMPANY, owner=None, department=None)
    assert not can_create(hank, level=Level.COMPANY, owner=None, department=None)
    assert can_create(mia, level=Level.PERSON, owner=mia, department=None)
    assert can_create(hank, level=Level.PERSON, owner=mia, department=None)  # her manager
    assert not can_create(mia, level=Level.PERSON, owner=hank, department=None)
    assert can_create(hank, level=Level.DEPARTMENT, owner=None, department=east)  # head above
    assert not can_create(sue, level=Level.DEPARTMENT, owner=None, department=hank.department)
    assert not can_create(AnonymousUser(), level=Level.PERSON, owner=None, department=None)
