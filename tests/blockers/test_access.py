"""Who sees and changes a blocker (EXE-2): its raiser, owner and the people concerned, its team and department,
managers up the line, executives and administrators see it; its raiser, owner, the team's lead, the department's
head and administrators change it. One lookup per blocker; the lists answer the same as the lookup."""

from __future__ import annotations

import pytest
from django.http import Http404

from qibu.blockers.access import blocker_for, visible_blockers_q
from qibu.blockers.models import Blocker
from qibu.blockers.services import blocker_create
from qibu.org.models import Person
from qibu.org.services import department_create, person_create
from tests.conftest import Company


def _fresh(person: Person) -> Person:
    return Person.objects.get(pk=person.pk)


def test_it_answers_each_person_as_the_rules_say_EXE_2(company: Company) -> None:
    c = company
    rd = department_create(actor=None, name="研发部")
    ray = person_create(actor=None, username="ray", full_name="雷研发", password="x" * 12, department=rd)
    zoe = person_create(actor=None, username="zoe", full_name="佐伊", password="x" * 12, department=rd, manager=ray)
    # Raised by mia in her team, owned by zoe of another department (who reports to ray), concerning oscar.
    blocker = blocker_create(actor=c.mia, title="接口文档缺失", owner=zoe, concerned=[c.oscar], team=c.sales_team)
    expected = {
        # person: (sees, changes)
        c.alice: (True, True),  # administrator
        c.erin: (True, False),  # executive: sees, does not change
        c.hank: (True, True),  # the team's lead and the department's head
        c.mia: (True, True),  # raised it
        zoe: (True, True),  # owns it
        ray: (True, False),  # zoe's manager
        c.oscar: (True, False),  # concerned
    }
    for person, (sees, changes) in expected.items():
        person = _fresh(person)
        visible = Blocker.objects.filter(visible_blockers_q(person), pk=blocker.pk).exists()
        assert visible is sees, person
        found, rights = blocker_for(person, blocker.pk)
        assert found.pk == blocker.pk and rights.change is changes, person
    outsider = person_create(actor=None, username="tom", full_name="汤姆", password="x" * 12, department=rd)
    with pytest.raises(Http404):
        blocker_for(_fresh(outsider), blocker.pk)
    assert not Blocker.objects.filter(visible_blockers_q(_fresh(outsider))).exists()
    # Someone who left sees nothing.
    Person.objects.filter(pk=c.mia.pk).update(is_active=False)
    with pytest.raises(Http404):
        blocker_for(_fresh(c.mia), blocker.pk)
    with pytest.raises(Http404):
        blocker_for(_fresh(c.alice), "abc")
