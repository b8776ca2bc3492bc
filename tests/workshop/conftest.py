"""A co-creation workshop for the year 2027 (WS-1 … WS-7): erin moderates, the CEO (陈总) observes, and twelve
people — hank, mia, oscar and nine colleagues — are drawn into two groups of six."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from qibu.cycles.models import Cycle
from qibu.cycles.services import cycles_generate_year
from qibu.org.models import Person, Role
from qibu.org.services import person_create
from qibu.workshop import services
from qibu.workshop.models import Group, GroupPhase, Participant, Workshop
from tests.conftest import PASSWORD, Company, present

# Five notes each, 8–20 characters (WS-3), on a few themes so that the key words group them.
NOTES = (
    "提升老客户复购率到三成",
    "老客户流失太多需要挽回",
    "开拓苏州和杭州的新市场",
    "新市场的渠道建设要加快",
    "员工培训体系需要完善起来",
)


def signed_in(person: Person) -> Client:
    """A browser signed in as `person`."""
    client = Client()
    client.force_login(person)
    return client


@dataclass
class Setup:
    company: Company
    year: Cycle
    ceo: Person
    people: list[Person]
    workshop: Workshop

    def group(self, number: int) -> Group:
        return Group.objects.get(workshop=self.workshop, number=number)

    def members(self, number: int) -> list[Person]:
        ids = Participant.objects.filter(workshop=self.workshop, group__number=number).values_list("person_id")
        return list(Person.objects.filter(pk__in=ids).order_by("pk"))

    def leader(self, number: int) -> Person:
        group = self.group(number)
        return Person.objects.get(pk=present(group.leader_id))

    def followers(self, number: int) -> list[Person]:
        """The group's members who do not lead it."""
        leader = self.group(number).leader_id
        return [p for p in self.members(number) if p.pk != leader]

    def start(self) -> None:
        services.workshop_start(actor=self.company.erin, workshop=self.workshop)

    def to_phase(self, number: int, phase: str) -> Group:
        group = self.group(number)
        services.group_phase_set(actor=self.leader(number), group=group, phase=phase)
        return self.group(number)

    def write_all(self, number: int) -> None:
        """Every member writes their five notes and says they are done."""
        group = self.group(number)
        for person in self.members(number):
            for text in NOTES:
                services.note_write(actor=person, group=group, text=text)
            services.participant_done(actor=person, group=group)


@pytest.fixture
def setup(company: Company) -> Setup:
    c = company
    year = cycles_generate_year(actor=None, fiscal_year=2027)
    ceo = person_create(actor=None, username="chen", full_name="陈总", password=PASSWORD, role=Role.EXECUTIVE)
    c.org.ceo = ceo
    c.org.save(update_fields=["ceo"])
    others = [
        person_create(actor=None, username=f"p{n}", full_name=f"同事{n}", password=PASSWORD, department=c.sales)
        for n in range(1, 10)
    ]
    people = [c.hank, c.mia, c.oscar, *others]
    workshop = services.workshop_create(
        actor=c.erin,
        cycle=year,
        topic="2027年公司年度目标",
        scheduled_for=timezone.make_aware(dt.datetime(2027, 1, 8, 9, 0)),
    )
    services.participants_add(actor=c.erin, workshop=workshop, people=people)
    services.groups_draw(actor=c.erin, workshop=workshop, seed=7)
    return Setup(company=c, year=year, ceo=ceo, people=people, workshop=workshop)


@pytest.fixture
def running(setup: Setup) -> Setup:
    """The workshop started, group 1 in the brainstorm."""
    setup.start()
    setup.to_phase(1, GroupPhase.BRAINSTORM)
    return setup
